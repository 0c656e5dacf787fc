// kafka.credentials.rotate / .revoke against the real cluster: who can still authenticate, checked with kcat; the secret stays in the sink.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kafkaActivities } from '../../activities/kafka/index.js';
import { describeScramUsers } from '../../adapters/kafka/scram.js';
import { openSecretSink, secretKey } from '../../adapters/secret-sink.js';
import type { Change, Plan } from '../../src/model/plan.js';
import { Settings } from '../../src/model/settings.js';
import { eventually } from '../support/engine.js';
import { adminSettings, infra, unique } from '../support/infra.js';
import { admin, createUser as createScramUser } from '../support/kafka.js';
import { testPki } from '../support/tls-terminator.js';
import { KafkaClient } from '../../adapters/kafka/client.js';

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
function kcatAuthenticates(user: string, password: string): { ok: boolean; stderr: string } {
  const res = spawnSync('kcat', ['-b', infra().KAFKA_BROKERS, '-X', 'security.protocol=SASL_PLAINTEXT', '-X', 'sasl.mechanisms=SCRAM-SHA-512',
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
