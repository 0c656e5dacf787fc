// docker-compose.yml is valid for a real Compose parser and sets only environment variables the engine reads.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENV_NAMES } from '../../src/config.js';

describe('docker-compose.yml', () => {
  it('passes `docker-compose config -q` (Debian docker-compose; no engine needed)', () => {
    const r = spawnSync('docker-compose', ['config', '-q'], {
      encoding: 'utf8', env: { ...process.env, KAFKA_ADMIN_PASSWORD: 'p', KAFKA_IR_INTAKE_TOKEN: 'i'.repeat(16), KAFKA_IR_API_TOKEN: 'a'.repeat(16) },
    });
    expect(r.error, 'install Debian\'s docker-compose package (apt-get install docker-compose)').toBeUndefined();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('gives kafka-ir only variables its config schema knows, and the essential ones', () => {
    const compose = parse(readFileSync('docker-compose.yml', 'utf8'));
    const names = Object.keys(compose.services['kafka-ir'].environment);
    expect(names.filter((n) => !ENV_NAMES.includes(n))).toEqual([]);
    expect(names).toEqual(expect.arrayContaining(['KAFKA_BROKERS', 'KAFKA_SASL_PASSWORD', 'TEMPORAL_ADDRESS', 'KAFKA_IR_API_TOKEN']));
  });
});
