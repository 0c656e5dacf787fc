// The engine reaches Temporal over mTLS through a TLS terminator that checks client certificates, and refuses plain TCP beyond loopback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine } from '../../src/engine.js';
import { createLogger } from '../../src/logger.js';
import { startTestEngine, type TestEngine } from '../support/engine.js';
import { infra, testConfig, unique } from '../support/infra.js';
import { testPki, tlsTerminator, type TestPki, type TlsTerminator } from '../support/tls-terminator.js';

let pki: TestPki;
let stranger: TestPki;
let terminator: TlsTerminator;
const quiet = createLogger({ level: 'silent' });

beforeAll(async () => {
  pki = testPki();
  pki.issue('server', '/CN=temporal.test', 'subjectAltName=DNS:temporal.test\nextendedKeyUsage=serverAuth');
  pki.issue('engine', '/O=kafka-ir/CN=kafka-ir-engine', 'extendedKeyUsage=clientAuth');
  stranger = testPki('another CA');
  stranger.issue('intruder', '/CN=intruder', 'extendedKeyUsage=clientAuth');
  terminator = await tlsTerminator({ cert: pki.file('server.pem'), key: pki.file('server.key'), ca: pki.file('ca.pem'), upstream: infra().TEMPORAL_ADDRESS });
});
afterAll(async () => { await terminator?.close(); });

const mtls = (dir: TestPki, name: string) => ({
  TEMPORAL_ADDRESS: terminator.address,
  TEMPORAL_TLS_CA: pki.file('ca.pem'),
  TEMPORAL_TLS_CERT: dir.file(`${name}.pem`),
  TEMPORAL_TLS_KEY: dir.file(`${name}.key`),
  TEMPORAL_TLS_SERVER_NAME: 'temporal.test',
});

describe('Temporal over mTLS', () => {
  let engine: TestEngine | undefined;
  afterAll(async () => { await engine?.close(); });

  it('runs an incident from alert to close with every Temporal call through the terminator, as the engine certificate', async () => {
    engine = await startTestEngine(mtls(pki, 'engine'));
    expect(terminator.authorized.length).toBeGreaterThanOrEqual(2); // the worker's connection and the client's
    expect(new Set(terminator.authorized)).toEqual(new Set(['kafka-ir-engine']));
    const principal = `User:${unique('tls')}`;
    const started = await engine.post('/v1/alerts', {
      kind: 'test.auto-deny', severity: 'high', summary: 'over mTLS', source: 'integration-test', observedAt: new Date().toISOString(), subject: { principal },
    });
    expect(started.status).toBe(202);
    const closed = await engine.closed(started.body.incidents[0].id, 30_000);
    expect(closed.steps[0]).toMatchObject({ id: 'deny', status: 'done' });
  });

  it('does not start with a client certificate the terminator does not trust, nor with none', async () => {
    const refusedBefore = terminator.refused.length;
    await expect(startEngine(testConfig(mtls(stranger, 'intruder')), quiet)).rejects.toThrow();
    const { TEMPORAL_TLS_CERT: _c, TEMPORAL_TLS_KEY: _k, ...noCert } = mtls(pki, 'engine');
    await expect(startEngine(testConfig(noCert), quiet)).rejects.toThrow();
    expect(terminator.refused.length).toBeGreaterThan(refusedBefore);
  });
});

describe('plain TCP beyond loopback', () => {
  it('is refused before anything connects, with what to set', async () => {
    await expect(startEngine(testConfig({ TEMPORAL_ADDRESS: 'temporal.invalid:7233' }), quiet)).rejects.toThrow(
      /TEMPORAL_ADDRESS=temporal\.invalid:7233 is beyond loopback and the connection has no TLS — set TEMPORAL_TLS=true/);
  });

  it('is accepted on loopback and when TEMPORAL_ALLOW_PLAINTEXT names the network private', async () => {
    // Loopback: the shared dev server itself. Beyond loopback with the opt-out, the refusal is gone (the name does not resolve).
    const error = await startEngine(testConfig({ TEMPORAL_ADDRESS: 'temporal.invalid:7233', TEMPORAL_ALLOW_PLAINTEXT: 'true' }), quiet).catch((err: Error) => err);
    expect(String(error)).not.toMatch(/beyond loopback/);
  });
});
