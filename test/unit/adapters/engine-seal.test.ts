// The engine's seal on incident requests: made over the request as Temporal will deliver it, bound to one incident, verified with any current key, and its key kept outside Temporal.
import { createSecretKey, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson, EngineSeal, sealKeys } from '../../../adapters/engine-seal.js';
import { sealTimeProblem, startSealSubject, updateSealSubject } from '../../../src/model/engine-seal.js';
import { loadConfig } from '../../../src/config.js';

const key = () => createSecretKey(randomBytes(32));
const vote = { person: 'alice', channel: 'api', step: 'deny', decision: 'approve', reason: undefined };

describe('the engine seal', () => {
  it('verifies the request as Temporal delivers it (JSON, keys in any order), and nothing else', () => {
    const seal = new EngineSeal([key()]);
    const subject = updateSealSubject('decide', 'ir-x-0123456789abcdef', 'run-1', vote);
    const sealed = seal.seal(subject);
    const delivered = JSON.parse(JSON.stringify({ decision: 'approve', step: 'deny', channel: 'api', person: 'alice' }));
    expect(seal.check(updateSealSubject('decide', 'ir-x-0123456789abcdef', 'run-1', delivered), sealed)).toBe(true);
    expect(seal.check(updateSealSubject('decide', 'ir-x-0123456789abcdef', 'run-1', { ...delivered, person: 'bob' }), sealed)).toBe(false);
    expect(seal.check(updateSealSubject('decide', 'ir-x-0123456789abcdef', 'run-2', delivered), sealed)).toBe(false);
    expect(seal.check(updateSealSubject('addNote', 'ir-x-0123456789abcdef', 'run-1', delivered), sealed)).toBe(false);
    expect(seal.check(subject, { ...sealed, at: new Date(Date.parse(sealed.at) + 1).toISOString() })).toBe(false);
    expect(new EngineSeal([key()]).check(subject, sealed)).toBe(false);
    expect(seal.check(subject, { ...sealed, mac: 'AAAA' })).toBe(false);
  });

  it('seals a start over its input but not over the state a continued run carries', () => {
    expect(startSealSubject('ir-x', { alertKey: 'k', carried: { view: {} } })).toEqual({ start: 'runIncident', workflowId: 'ir-x', input: { alertKey: 'k' } });
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: undefined }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"f":2}]},"b":1}');
  });

  it('seals with the first key and accepts any, so keys rotate without refusing requests in flight', () => {
    const [old, fresh] = [key(), key()];
    const sealedBefore = new EngineSeal([old]).seal({ n: 1 });
    const rotated = new EngineSeal([fresh, old]);
    expect(rotated.check({ n: 1 }, sealedBefore)).toBe(true);
    expect(new EngineSeal([fresh]).check({ n: 1 }, rotated.seal({ n: 1 }))).toBe(true);
  });

  it('judges a seal\'s time on the incident\'s clock: absent, malformed or ten minutes away is refused', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(sealTimeProblem(undefined, now)).toBe('it carries no seal of this engine');
    expect(sealTimeProblem({ at: 'yesterday', mac: 'x' }, now)).toBe('its seal has no valid time');
    expect(sealTimeProblem({ at: '2026-01-01T11:49:59Z', mac: 'x' }, now)).toBe("its seal is from 2026-01-01T11:49:59Z, more than 10 minutes from the incident's clock");
    expect(sealTimeProblem({ at: '2026-01-01T12:09:00Z', mac: 'x' }, now)).toBeUndefined();
  });
});

describe('the seal key', () => {
  it('comes from KAFKA_IR_DECISION_KEY, else from the payload keys, else from a 0600 key file every engine of the machine shares', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kafka-ir-seal-'));
    const explicit = randomBytes(32).toString('base64');
    const config = loadConfig({ KAFKA_BROKERS: '127.0.0.1:1', KAFKA_IR_DECISION_KEY: explicit, KAFKA_IR_PAYLOAD_KEY: `k1:${randomBytes(32).toString('base64')}` });
    expect(sealKeys({ ...config, dataDir }).source).toBe('KAFKA_IR_DECISION_KEY');
    const derived = sealKeys({ payloadKeys: config.payloadKeys, dataDir });
    expect(derived.source).toBe('KAFKA_IR_PAYLOAD_KEY');
    // Derived, not the payload key itself: the two keys serve different purposes.
    expect(derived.keys[0]!.export().equals(config.payloadKeys![0]!.key.export())).toBe(false);
    expect(new EngineSeal(sealKeys({ payloadKeys: config.payloadKeys, dataDir }).keys).check({ n: 1 }, new EngineSeal(derived.keys).seal({ n: 1 }))).toBe(true);

    const first = sealKeys({ dataDir });
    const second = sealKeys({ dataDir });
    expect(first).toMatchObject({ source: 'key file', file: join(dataDir, 'engine-seal.key') });
    expect(statSync(first.file!).mode & 0o777).toBe(0o600);
    expect(second.keys[0]!.export().equals(first.keys[0]!.export())).toBe(true);
    expect(readFileSync(first.file!, 'utf8').trim()).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });

  it('refuses a KAFKA_IR_DECISION_KEY entry that is not base64 of 32 bytes, naming it by position only', () => {
    expect(() => loadConfig({ KAFKA_BROKERS: '127.0.0.1:1', KAFKA_IR_DECISION_KEY: `${randomBytes(32).toString('base64')},c2hvcnQ=` }))
      .toThrow('KAFKA_IR_DECISION_KEY: entry 2 is not base64 of at least 32 bytes (make one with: openssl rand -base64 32)');
  });
});
