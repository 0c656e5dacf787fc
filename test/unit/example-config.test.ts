// The example KAFKA_IR_CONFIG shipped for operators is valid, and every top-level setting is shown in it; so is the example roster's paging.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadSettings } from '../../src/config.js';
import { Roster } from '../../src/model/roster.js';
import { Settings } from '../../src/model/settings.js';

describe('kafka-ir.example.yaml', () => {
  it('loads without a problem', () => {
    expect(loadSettings('kafka-ir.example.yaml').authorizer.superUsers).toEqual(['User:admin']);
  });

  it('mentions every top-level setting, in use or commented out', () => {
    const text = readFileSync('kafka-ir.example.yaml', 'utf8');
    const used = Object.keys(parse(text));
    for (const key of Object.keys(Settings.shape)) expect(used.includes(key) || text.includes(`# ${key}:`), key).toBe(true);
  });
});

describe('runbooks/_roster.yaml', () => {
  it('shows paging and audiences that are valid once uncommented', () => {
    const text = readFileSync('runbooks/_roster.yaml', 'utf8');
    const uncommented = text.replace(/^# (paging:|audiences:| {2}[a-z-]+: \{.*)$/gm, '$1');
    const roster = Roster.parse(parse(uncommented));
    expect(Object.keys(roster.paging ?? {})).toEqual(['kafka-oncall', 'incident-commanders']);
    expect(Object.keys(roster.audiences ?? {})).toEqual(['execs', 'legal', 'customers-support']);
  });
});
