// Intake limits a caller sees: a body over 1 MiB is refused with 413, and the engine will not listen beyond loopback
// without both tokens.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../src/config.js';
import { startEngine } from '../../../../src/engine.js';
import { createLogger } from '../../../../src/logger.js';
import { buildServer } from '../../../../src/server/app.js';
import type { IncidentService } from '../../../../src/temporal/incidents.js';

describe('HTTP intake limits', () => {
  it('answers 413 for a body over 1 MiB and starts nothing', async () => {
    let submitted = 0;
    const incidents = { async submit() { submitted++; throw new Error('unreachable'); } } as unknown as IncidentService;
    const app = buildServer({ incidents, ready: () => true, log: createLogger({ level: 'silent' }), roster: { people: {}, groups: {} } });
    const res = await app.inject({ method: 'POST', url: '/v1/alerts', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ kind: 'x'.repeat(1024 * 1024) }) });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ error: 'body larger than 1 MiB' });
    expect(submitted).toBe(0);
  });

  it('refuses to listen beyond loopback without the intake and API tokens', async () => {
    const config = loadConfig({ KAFKA_BROKERS: '127.0.0.1:1', KAFKA_IR_HOST: '0.0.0.0', KAFKA_IR_API_TOKEN: 'a'.repeat(16) });
    await expect(startEngine(config, createLogger({ level: 'silent' }))).rejects.toThrow(
      'KAFKA_IR_HOST=0.0.0.0 is beyond loopback — set KAFKA_IR_INTAKE_TOKEN and KAFKA_IR_API_TOKEN before listening on other interfaces');
  });
});
