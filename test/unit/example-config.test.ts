// The example KAFKA_IR_CONFIG shipped for operators is valid, and every top-level setting is shown in it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadSettings } from '../../src/config.js';
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
