// kafka.credentials.rotate / .revoke against the real cluster: who can still sign in (kcat, kafkajs, Kafka's own tools as the attacker); the secret stays in the sink.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaActivities } from '../../activities/kafka/index.js';
import { KafkaClient, kafkaJsConfig } from '../../adapters/kafka/client.js';
import { describeScramUsers, upsertScramCredential } from '../../adapters/kafka/scram.js';
import { openSecretSink, secretKey } from '../../adapters/secret-sink.js';
import type { KafkaSettings } from '../../src/model/connections.js';
import type { Change, Plan } from '../../src/model/plan.js';
import { Settings } from '../../src/model/settings.js';
import { startExtraBroker, type ExtraBroker } from '../../scripts/infra/index.js';
import { toolsLog4j2Properties, toolsLog4jProperties } from '../../scripts/infra/kafka/log4j-properties.js';
import { eventually } from '../support/engine.js';
import { adminSettings, infra, unique } from '../support/infra.js';
import { admin, allow, createTopic, createUser as createScramUser } from '../support/kafka.js';
import { testPki } from '../support/tls-terminator.js';

const dir = mkdtempSync(join(tmpdir(), 'credential-actions-'));
const sinkDir = join(dir, 'secrets');
const kafka = admin();
const activities = (settings: unknown) => kafkaActivities({ kafka, settings: Settings.parse(settings), evidenceDir: dir });
const acts = activities({ secretSink: { type: 'file', dir: sinkDir } });
const req = (incidentId: string, input: unknown) => ({ incidentId, step: 'rotate', input });
const apply = (incidentId: string, changes: Change[], a = acts) => a.applyChanges({ incidentId, step: 'rotate', changes });
const sinkFile = (incidentId: string) => join(sinkDir, encodeURIComponent(secretKey(incidentId, 'rotate')));

afterAll(async () => { await kafka.close(); rmSync(dir, { recursive: true, force: true }); });

/** kcat (librdkafka) as `user`: whether the brokers accept the password (a metadata request needs no ACL). */
function kcatAuthenticates(user: string, password: string, brokers = infra().KAFKA_BROKERS): { ok: boolean; stderr: string } {
  const res = spawnSync('kcat', ['-b', brokers, '-X', 'security.protocol=SASL_PLAINTEXT', '-X', 'sasl.mechanisms=SCRAM-SHA-512',
    '-X', `sasl.username=${user}`, '-X', `sasl.password=${password}`, '-L', '-m', '5'], { encoding: 'utf8', timeout: 20_000 });
  return { ok: res.status === 0, stderr: res.stderr };
}
/** A new user, once kafka-ir's own read path (the first bootstrap broker's metadata) knows it. */
async function createUser(user: string): Promise<string> {
  const password = await createScramUser(user);
  await eventually(async () => ((await describeScramUsers(adminSettings())).has(user) ? true : undefined), 15_000, `${user} to propagate`);
  return password;
}
/** SCRAM changes reach each broker through KRaft metadata: poll until kcat sees the expected outcome. */
async function expectAuth(user: string, password: string, ok: boolean): Promise<void> {
  let last = { ok: !ok, stderr: '' };
  await eventually(async () => ((last = kcatAuthenticates(user, password)).ok === ok ? true : undefined), 15_000, 'authentication outcome').catch(() => {});
  expect(last.ok, last.stderr).toBe(ok);
  if (!ok) expect(last.stderr).toMatch(/authentication failed|invalid credentials/i);
}

describe('kafka.credentials.rotate', () => {
  it('writes a new secret to the sink, then to the cluster: the old password fails, the sink\'s works, nothing leaks', async () => {
    const user = unique('rotate-user');
    const old = await createUser(user);
    await expectAuth(user, old, true);
    const incidentId = unique('ir-rotate');

    const plan: Plan = await acts.planRotateCredentials(req(incidentId, { principal: `User:${user}` }));
    expect(plan.changes).toEqual([{ op: 'scram.rotate', user, mechanisms: ['SCRAM-SHA-512'] }]);
    expect(plan.inverse).toEqual([]);
    expect(plan.notes.join(' ')).toMatch(/Irreversible/);
    expect(plan.notes.join(' ')).toContain('connections.max.reauth.ms');
    await expectAuth(user, old, true); // planning alone changes nothing

    const first = await apply(incidentId, plan.changes);
    expect(first).toEqual({ changed: plan.changes, alreadyInPlace: 0 });
    const secret = readFileSync(sinkFile(incidentId), 'utf8');
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(statSync(sinkFile(incidentId)).mode & 0o777).toBe(0o600);
    expect(statSync(sinkDir).mode & 0o777).toBe(0o700);
    await expectAuth(user, secret, true);
    await expectAuth(user, old, false);

    const second = await apply(incidentId, plan.changes);
    expect(second).toEqual({ changed: [], alreadyInPlace: 1 });
    expect(readFileSync(sinkFile(incidentId), 'utf8') === secret).toBe(true);
    await expectAuth(user, secret, true);

    // Booleans, so a failure does not print the secret either.
    for (const json of [plan, first, second].map((x) => JSON.stringify(x))) expect(json.includes(secret)).toBe(false);
  });

  it('after a crash between the sink write and the cluster change, a retry sets the secret already in the sink, once', async () => {
    const user = unique('rotate-crash');
    const old = await createUser(user);
    await expectAuth(user, old, true);
    const incidentId = unique('ir-rotate');
    const plan = await acts.planRotateCredentials(req(incidentId, { principal: `User:${user}` }));
    expect(plan.changes).toHaveLength(1);

    // The first attempt got as far as the sink, then died.
    const written = 'crash-secret-' + unique('s');
    expect(await openSecretSink({ type: 'file', dir: sinkDir })!.keep(secretKey(incidentId, 'rotate'), user, written) === written).toBe(true);
    await expectAuth(user, old, true);

    expect(await apply(incidentId, plan.changes)).toEqual({ changed: plan.changes, alreadyInPlace: 0 });
    expect(readFileSync(sinkFile(incidentId), 'utf8') === written).toBe(true);
    await expectAuth(user, written, true);
    await expectAuth(user, old, false);
    expect(await apply(incidentId, plan.changes)).toEqual({ changed: [], alreadyInPlace: 1 });
  });

  it('hands the secret to a sink command on stdin, with the key and user in its environment', async () => {
    const user = unique('rotate-cmd');
    await expectAuth(user, await createUser(user), true);
    const out = join(dir, `${user}.cmd`);
    const cmd = activities({ secretSink: { type: 'command', command: ['sh', '-c', `umask 077; { echo "$KAFKA_IR_SECRET_KEY $KAFKA_IR_SECRET_USER"; cat; } > ${out}`] } });
    const incidentId = unique('ir-rotate');
    const plan = await cmd.planRotateCredentials(req(incidentId, { principal: `User:${user}` }));
    const result = await apply(incidentId, plan.changes, cmd);
    expect(result.changed).toHaveLength(1);
    const [header, secret] = readFileSync(out, 'utf8').split('\n') as [string, string];
    expect(header).toBe(`${incidentId}/rotate ${user}`);
    expect(JSON.stringify(result).includes(secret)).toBe(false);
    await expectAuth(user, secret, true);
  });

  it('refuses without a secret sink, and for the engine\'s own principal (non-retryable)', async () => {
    const user = unique('rotate-nosink');
    await createUser(user);
    const noSink = activities({});
    await expect(noSink.planRotateCredentials(req('ir-x', { principal: `User:${user}` })))
      .rejects.toMatchObject({ type: 'INVALID_CONFIG', nonRetryable: true, message: expect.stringContaining('secretSink') });
    await expect(acts.planRotateCredentials(req('ir-x', { principal: `User:${infra().KAFKA_SASL_USERNAME}` })))
      .rejects.toMatchObject({ type: 'PROTECTED_PRINCIPAL', nonRetryable: true });
  });
});

describe('kafka.credentials.revoke', () => {
  it('deletes every SCRAM credential of the user: it can no longer authenticate; applied twice is fine', async () => {
    const user = unique('revoke-user');
    const password = await createUser(user);
    await expectAuth(user, password, true);
    const plan = await acts.planRevokeCredentials(req('ir-revoke', { principal: `User:${user}` }));
    expect(plan.changes).toEqual([{ op: 'scram.delete', user, mechanism: 'SCRAM-SHA-512' }]);
    expect(plan.inverse).toEqual([]);
    await expectAuth(user, password, true);

    expect(await apply('ir-revoke', plan.changes)).toEqual({ changed: plan.changes, alreadyInPlace: 0 });
    await expectAuth(user, password, false);
    expect(await apply('ir-revoke', plan.changes)).toEqual({ changed: [], alreadyInPlace: 1 });
    expect((await acts.planRevokeCredentials(req('ir-revoke', { principal: `User:${user}` }))).changes).toEqual([]);
  });
});

describe('the same protection rules as deny and revoke', () => {
  it('rotate and delete-credentials refuse a declared super user and the engine\'s own principal, and change nothing', async () => {
    const root = unique('declared-root');
    const password = await createUser(root);
    const guarded = activities({ secretSink: { type: 'file', dir: sinkDir }, authorizer: { superUsers: [`User:${root}`] } });
    for (const principal of [`User:${root}`, `User:${infra().KAFKA_SASL_USERNAME}`]) {
      for (const plan of [guarded.planRotateCredentials, guarded.planRevokeCredentials]) {
        const refused = await plan(req('ir-protected', { principal })).then(() => undefined, (err: Error & { type?: string; nonRetryable?: boolean }) => err);
        expect(refused).toMatchObject({ type: 'PROTECTED_PRINCIPAL', nonRetryable: true });
        expect(refused!.message).toMatch(principal === `User:${root}` ? /is a super user \(super\.users\) — a super user runs or administers the cluster/ : /is kafka-ir's own principal/);
      }
    }
    await expectAuth(root, password, true);
  });

  it('under mTLS the engine\'s own principal is its certificate subject, as Kafka names it, and its common name', async () => {
    const pki = testPki();
    pki.issue('engine', '/C=NL/O=Example, Inc/OU=sec/CN=kafka-ir-engine', 'extendedKeyUsage=clientAuth');
    const client = new KafkaClient({ brokers: ['127.0.0.1:1'], ssl: { ca: pki.file('ca.pem'), cert: pki.file('engine.pem'), key: pki.file('engine.key') } });
    expect(client.ownPrincipals).toEqual(['User:CN=kafka-ir-engine,OU=sec,O=Example\\, Inc,C=NL', 'User:kafka-ir-engine']);
    const mtls = kafkaActivities({ kafka: client, settings: Settings.parse({ secretSink: { type: 'file', dir: sinkDir } }), evidenceDir: dir });
    for (const principal of client.ownPrincipals) {
      await expect(mtls.planRotateCredentials(req('ir-mtls', { principal }))).rejects.toMatchObject({ type: 'PROTECTED_PRINCIPAL', message: expect.stringContaining("kafka-ir's own principal") });
      await expect(mtls.planThrottleClient(req('ir-mtls', { principal, requestPercentage: 5 }))).rejects.toMatchObject({ type: 'PROTECTED_PRINCIPAL' });
    }
    await client.close();
  });
});

/** Kafka's own command-line tools against `brokers`, signed in as the properties say (written 0600, never in argv). */
function javaTool(mainClass: string, args: string[], properties: Record<string, string>, configFlag = '--command-config') {
  const file = join(dir, `${unique('client')}.properties`);
  writeFileSync(file, Object.entries(properties).map(([k, v]) => `${k}=${v}`).join('\n'), { mode: 0o600 });
  // Warnings and errors on stderr (reload4j for Kafka 3.x, log4j2 for 4.x), so a refused sign-in says so.
  writeFileSync(join(dir, 'tools-log4j.properties'), toolsLog4jProperties());
  writeFileSync(join(dir, 'tools-log4j2.properties'), toolsLog4j2Properties());
  const res = spawnSync('java', [
    `-Dlog4j.configuration=file:${join(dir, 'tools-log4j.properties')}`, `-Dlog4j2.configurationFile=${join(dir, 'tools-log4j2.properties')}`,
    '-cp', `${infra().KAFKA_HOME}/lib/*`, mainClass, ...args, configFlag, file,
  ], { encoding: 'utf8', timeout: 60_000 });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}
const scram = (username: string, password: string, token = false) => ({
  'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'SCRAM-SHA-512',
  'sasl.jaas.config': `org.apache.kafka.common.security.scram.ScramLoginModule required username="${username}" password="${password}"${token ? ' tokenauth="true"' : ''};`,
});

describe('rotation closes every door (an extra one-node cluster with delegation tokens and a 15 s re-authentication)', () => {
  let extra: ExtraBroker;
  let settings: KafkaSettings;
  let client: KafkaClient;
  let ex: ReturnType<typeof kafkaActivities>;
  beforeAll(async () => {
    extra = await startExtraBroker({ name: 'credential-tokens', properties: { 'connections.max.reauth.ms': 15_000 } });
    settings = { brokers: [extra.brokers], sasl: { mechanism: 'scram-sha-512', username: extra.username, password: extra.password }, ssl: false };
    client = new KafkaClient(settings, undefined, 8);
    ex = kafkaActivities({
      kafka: client, evidenceDir: dir,
      settings: Settings.parse({ secretSink: { type: 'file', dir: sinkDir }, authorizer: { superUsers: ['User:admin'], allowEveryoneIfNoAclFound: false } }),
    });
  });
  afterAll(async () => { await client?.close(); await extra?.stop(); });

  /** The attacker's delegation token, made with the stolen password by Kafka's own DelegationTokenCommand. */
  function createToken(user: string, password: string): { tokenId: string; hmac: string } {
    const res = javaTool('org.apache.kafka.tools.DelegationTokenCommand', ['--bootstrap-server', extra.brokers, '--create', '--max-life-time-period', '-1'], scram(user, password));
    const row = res.stdout.split('\n').find((l) => l.includes(`User:${user}`));
    expect(row, `${res.stdout}\n${res.stderr}`).toBeDefined();
    const [tokenId, hmac] = row!.trim().split(/\s+/) as [string, string];
    return { tokenId, hmac };
  }
  /** Kafka's console consumer signed in with the token (SCRAM with tokenauth): did it read the topic's first message? */
  function tokenReads(token: { tokenId: string; hmac: string }, topic: string) {
    const res = javaTool('org.apache.kafka.tools.consumer.ConsoleConsumer', [
      '--bootstrap-server', extra.brokers, '--topic', topic, '--partition', '0', '--offset', 'earliest', '--max-messages', '1', '--timeout-ms', '15000',
    ], { ...scram(token.tokenId, token.hmac, true), 'enable.auto.commit': 'false' }, '--consumer.config');
    return { ok: res.status === 0 && res.stdout.includes('msg-1'), output: `${res.stdout}\n${res.stderr}` };
  }
  /** A consumer as the attacker with the stolen password, already connected and reading; settles on its crash. */
  async function connectedConsumer(user: string, password: string, topic: string, groupId: string) {
    const kafka = new Kafka({ ...kafkaJsConfig({ ...settings, sasl: { mechanism: 'scram-sha-512', username: user, password } }, `attacker-${user}`, undefined, 2), logLevel: logLevel.NOTHING });
    const consumer: Consumer = kafka.consumer({ groupId, retry: { retries: 2, restartOnFailure: async () => false }, maxWaitTimeInMs: 200 });
    const received: string[] = [];
    const crashed = new Promise<string>((resolve) => consumer.on(consumer.events.CRASH, ({ payload }) => {
      const e = payload.error as { type?: string; name: string; message: string };
      resolve(`${e.type ?? e.name}: ${e.message}`);
    }));
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => { received.push(message.value?.toString() ?? ''); } });
    await eventually(async () => (received.length ? true : undefined), 30_000, `${user}'s consumer to read`);
    return { consumer, received, crashed };
  }
  const step = (stepId: string, input: unknown) => ({ incidentId: 'ir-doors', step: stepId, input });
  const applyStep = (stepId: string, changes: Change[]) => ex.applyChanges({ incidentId: 'ir-doors', step: stepId, changes });

  it('after deny + rotation, a token-authenticated client and an already-connected consumer are both refused, and stay so once the deny is lifted', async () => {
    const user = unique('stolen');
    const password = unique('pw');
    const topic = unique('orders');
    const group = unique('attacker-group');
    await upsertScramCredential(settings, user, password);
    await createTopic(client, topic, ['msg-1']);
    await allow(client, `User:${user}`, [
      { resourceType: 'topic', resourceName: topic, patternType: 'literal', operation: 'read' },
      { resourceType: 'group', resourceName: group, patternType: 'literal', operation: 'read' },
    ]);

    const token = createToken(user, password);
    await eventually(async () => (tokenReads(token, topic).ok ? true : undefined), 60_000, 'the token to read the topic');
    const attacker = await connectedConsumer(user, password, topic, group);

    const deny: Plan = await ex.planDenyPrincipal(step('deny', { principal: `User:${user}` }));
    await applyStep('deny', deny.changes);
    expect(await attacker.crashed).toMatch(/Not authorized|AUTHORIZATION_FAILED/);

    const rotate: Plan = await ex.planRotateCredentials(step('rotate', { principal: `User:${user}` }));
    expect(rotate.changes).toEqual([
      { op: 'token.expire', owner: user, tokenId: token.tokenId },
      { op: 'scram.rotate', user, mechanisms: ['SCRAM-SHA-512'] },
    ]);
    expect(rotate.summary).toContain('expire its 1 delegation token(s), then replace the SCRAM-SHA-512 secret');
    expect(rotate.summary).toContain('sessions already signed in stay authenticated for up to 15 s (connections.max.reauth.ms)');
    const notes = rotate.notes.join('\n');
    expect(notes).toContain(`${token.tokenId}, requested by User:${user}`);
    expect(notes).toContain('on broker 1 they must re-authenticate within 15 s (connections.max.reauth.ms 15000) and are then refused');
    expect(JSON.stringify(rotate).includes(token.hmac)).toBe(false);

    const result = await applyStep('rotate', rotate.changes);
    expect(result).toEqual({ changed: rotate.changes, alreadyInPlace: 0 });
    expect(JSON.stringify(result).includes(token.hmac)).toBe(false);
    const refused = tokenReads(token, topic);
    expect(refused.ok).toBe(false);
    expect(refused.output).toMatch(/Authentication failed/i);

    // Recovery lifts the deny: nothing the attacker held works any more, and the new secret does.
    await applyStep('restore', deny.inverse);
    await new Promise((r) => setTimeout(r, 15_000)); // past connections.max.reauth.ms: no session of the old password is left
    await expect((async () => {
      await attacker.consumer.disconnect();
      await attacker.consumer.connect();
    })()).rejects.toThrow(/SASL SCRAM SHA512 authentication failed|authentication failed/i);
    expect(kcatAuthenticates(user, password, extra.brokers).ok).toBe(false);
    expect(tokenReads(token, topic).ok).toBe(false);
    const secret = readFileSync(join(sinkDir, encodeURIComponent(secretKey('ir-doors', 'rotate'))), 'utf8');
    expect(kcatAuthenticates(user, secret, extra.brokers).ok).toBe(true);
    expect(await applyStep('rotate', rotate.changes)).toEqual({ changed: [], alreadyInPlace: 2 });
  }, 300_000);
});
