// Incidents over TLS: the engine connects to the dev cluster's SASL_SSL and mTLS listeners, denies a reader, and kcat sees the DENY through the same listener.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaClient } from '../../adapters/kafka/client.js';
import { kafkaActivities } from '../../activities/kafka/index.js';
import { liveBrokers } from '../../adapters/kafka/cluster-members.js';
import { CLIENT_EXT, issueCertificate } from '../../scripts/infra/kafka/dev-pki.js';
import { Settings } from '../../src/model/settings.js';
import { eventually, startTestEngine, type TestEngine } from '../support/engine.js';
import { testConfig, tlsInfra, unique } from '../support/infra.js';
import { admin, allow, createTopic, createUser } from '../support/kafka.js';
import { kcatOver, kcatTls, type KcatResult } from '../support/kcat.js';
import { testPki } from '../support/tls-terminator.js';

const kafka = admin();
const dir = mkdtempSync(join(tmpdir(), 'kafka-ir-tls-'));
afterAll(async () => { await kafka.close(); });

const readAll = (connection: string[], topic: string): KcatResult => kcatOver(connection, ['-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-m', '10']);

/** A topic with two messages that `principal` may read, and the deny incident the engine runs for it, kcat before and after through `connection`. */
async function denyOverTls(engine: TestEngine, principal: string, connection: string[]): Promise<void> {
  const topic = unique('tls-orders');
  await createTopic(kafka, topic, ['order-1', 'order-2']);
  await allow(kafka, principal, [{ resourceType: 'topic', resourceName: topic, patternType: 'literal', operation: 'read' }]);
  // Before: it reads both messages, once every broker has the ALLOW (ACLs reach brokers with the next metadata update).
  const before = await eventually(async () => { const r = readAll(connection, topic); return r.status === 0 && r.stderr === '' ? r : undefined; }, 20_000, `${principal} to read ${topic}`);
  expect(before.stdout.split('\n')).toEqual(expect.arrayContaining(['order-1', 'order-2']));

  const res = await engine.post('/v1/alerts', {
    kind: 'test.auto-deny', severity: 'high', summary: `${principal} reads over TLS`, source: 'integration-test',
    observedAt: new Date().toISOString(), subject: { principal },
  });
  expect(res.status).toBe(202);
  const view = await engine.closed(res.body.incidents[0].id, 30_000);
  expect(view.steps).toMatchObject([{ id: 'deny', action: 'kafka.acl.deny', status: 'done' }]);

  // After: refused by the brokers (every one of them within a metadata update of the DENY).
  await eventually(async () => { const r = readAll(connection, topic); return r.status !== 0 && /Topic authorization failed/.test(r.stderr) ? true : undefined; }, 10_000, `${principal} to be refused ${topic}`);
}

describe('over SASL_SSL (SCRAM inside TLS, the CA given as PEM)', () => {
  let engine: TestEngine;
  beforeAll(async () => {
    engine = await startTestEngine({ KAFKA_BROKERS: tlsInfra().KAFKA_SASL_SSL_BROKERS, KAFKA_SSL_CA: tlsInfra().KAFKA_TLS_CA });
  });
  afterAll(async () => { await engine?.close(); });

  it('an incident denies a SCRAM user, and kcat on the SASL_SSL listener is refused', async () => {
    // @platformatic/kafka's connections take the same TLS options as kafkajs: the brokers it lists are their SASL_SSL addresses.
    const ports = (await liveBrokers({ settings: testConfig({ KAFKA_BROKERS: tlsInfra().KAFKA_SASL_SSL_BROKERS, KAFKA_SSL_CA: tlsInfra().KAFKA_TLS_CA }).kafka })).map((b) => `${b.host}:${b.port}`);
    expect(ports.join(',')).toBe(tlsInfra().KAFKA_SASL_SSL_BROKERS);
    const user = unique('tls-mallory');
    const password = await createUser(user);
    await denyOverTls(engine, `User:${user}`, kcatTls.saslSsl(user, password));
  });
});

describe('over mTLS (client certificates, the subject mapped by ssl.principal.mapping.rules)', () => {
  let engine: TestEngine;
  // The engine presents its PKCS12 store; the rules are the brokers' own.
  const env = () => ({
    KAFKA_BROKERS: tlsInfra().KAFKA_MTLS_BROKERS, KAFKA_SASL_MECHANISM: '', KAFKA_SASL_USERNAME: '', KAFKA_SASL_PASSWORD: '',
    KAFKA_SSL_CA: tlsInfra().KAFKA_TLS_CA, KAFKA_SSL_KEYSTORE: tlsInfra().KAFKA_TLS_CLIENT_P12, KAFKA_SSL_KEYSTORE_PASSWORD: tlsInfra().KAFKA_TLS_PASSWORD,
    KAFKA_SSL_PRINCIPAL_MAPPING_RULES: tlsInfra().KAFKA_TLS_PRINCIPAL_MAPPING_RULES,
  });
  beforeAll(async () => { engine = await startTestEngine(env()); });
  afterAll(async () => { await engine?.close(); });

  it('an incident denies a certificate principal, and kcat with that certificate on the mTLS listener is refused', async () => {
    const name = unique('tls-intruder');
    issueCertificate(dir, name, `/O=kafka-ir/OU=kafka-ir-dev/CN=${name}`, CLIENT_EXT, { cert: tlsInfra().KAFKA_TLS_CA, key: tlsInfra().KAFKA_TLS_CA_KEY });
    await denyOverTls(engine, `User:${name}`, kcatTls.mtls(join(dir, `${name}.pem`), join(dir, `${name}.key`)));
  });

  it("the engine's own principal, as the brokers map its certificate, is never acted on", async () => {
    const client = new KafkaClient({ brokers: tlsInfra().KAFKA_MTLS_BROKERS.split(','), ssl: {
      ca: tlsInfra().KAFKA_TLS_CA, cert: tlsInfra().KAFKA_TLS_CLIENT_CERT, key: tlsInfra().KAFKA_TLS_CLIENT_KEY_ENCRYPTED,
      keyPassword: tlsInfra().KAFKA_TLS_PASSWORD, principalMappingRules: tlsInfra().KAFKA_TLS_PRINCIPAL_MAPPING_RULES,
    } });
    // The name the brokers give it: their only super user besides admin, which the incident above needed to create ACLs.
    expect(client.ownPrincipals).toEqual([tlsInfra().KAFKA_TLS_CLIENT_PRINCIPAL]);
    // An encrypted PEM key works for @platformatic/kafka too.
    expect((await liveBrokers(client)).map((b) => `${b.host}:${b.port}`).join(',')).toBe(tlsInfra().KAFKA_MTLS_BROKERS);
    const acts = kafkaActivities({ kafka: client, settings: Settings.parse({ secretSink: { type: 'file', dir } }), evidenceDir: dir });
    const req = (input: Record<string, unknown>) => ({ incidentId: unique('ir-tls-self'), step: 's', input });
    const principal = tlsInfra().KAFKA_TLS_CLIENT_PRINCIPAL;
    for (const plan of [acts.planDenyPrincipal, acts.planRevokeAllows, acts.planRotateCredentials, acts.planRevokeCredentials]) {
      await expect(plan(req({ principal }))).rejects.toMatchObject({ type: 'PROTECTED_PRINCIPAL', message: expect.stringContaining("kafka-ir's own principal") });
    }
    await expect(acts.planThrottleClient(req({ principal, requestPercentage: 5 }))).rejects.toMatchObject({ type: 'PROTECTED_PRINCIPAL' });
    await expect(acts.planThrottleClient(req({ clientId: 'kafka-ir', requestPercentage: 5 }))).rejects.toMatchObject({ type: 'PROTECTED_PRINCIPAL', message: expect.stringContaining("kafka-ir's own clients") });
    await client.close();
  });

  it('a client certificate the brokers do not trust is one error naming KAFKA_SSL_CERT', async () => {
    const stranger = testPki('a CA the brokers do not know');
    stranger.issue('engine', '/CN=kafka-ir-engine', 'extendedKeyUsage=clientAuth');
    const client = new KafkaClient({ brokers: tlsInfra().KAFKA_MTLS_BROKERS.split(','), ssl: { ca: tlsInfra().KAFKA_TLS_CA, cert: stranger.file('engine.pem'), key: stranger.file('engine.key') } }, undefined, 0);
    const err = await client.admin().then(() => undefined, (e: Error) => e);
    expect(err).toMatchObject({ code: 'KAFKA_TLS', retryable: false });
    expect(err!.message).toMatch(/the broker refused the engine's TLS client certificate .* — give KAFKA_SSL_CERT and KAFKA_SSL_KEY \(or KAFKA_SSL_KEYSTORE\)/);
    await client.close();
  });
});
