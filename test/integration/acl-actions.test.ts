// ACL actions against the real cluster: deny, revoke, snapshot and per-broker verify, checked with Kafka's AclCommand and kcat.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaActivities } from '../../activities/kafka/index.js';
import { KafkaClient } from '../../adapters/kafka/client.js';
import { upsertScramCredential } from '../../adapters/kafka/scram.js';
import type { KafkaSettings } from '../../src/model/connections.js';
import type { AclBinding } from '../../src/model/acl.js';
import type { Change, Plan } from '../../src/model/plan.js';
import { Settings } from '../../src/model/settings.js';
import { startExtraBroker, type ExtraBroker } from '../../scripts/infra/index.js';
import { aclCommandShows } from '../support/acl-command.js';
import { eventually } from '../support/engine.js';
import { infra, unique } from '../support/infra.js';
import { admin, allow, createTopic, createUser } from '../support/kafka.js';

const dir = mkdtempSync(join(tmpdir(), 'acl-actions-'));
const kafka = admin();
// As the dev cluster's server.properties set them (Kafka hides both from DescribeConfigs).
const authorizer = { superUsers: ['User:admin'], allowEveryoneIfNoAclFound: false };
const acts = kafkaActivities({ kafka, settings: Settings.parse({ authorizer }), evidenceDir: dir });
const step = (input: unknown) => ({ incidentId: unique('ir-acl'), step: 'acl', input });
const apply = (changes: Change[]) => acts.applyChanges({ incidentId: 'ir-acl-test', step: 'acl', changes });
const snapshot = async (principal: string) => (await acts.snapshotAcls(step({ principal }))).bindings;
/** Brokers apply ACL changes from the metadata log a moment after the controller commits them. */
const snapshotBecomes = (principal: string, expected: AclBinding[]) => eventually(async () => {
  const now = await snapshot(principal);
  return JSON.stringify(now) === JSON.stringify(expected) ? now : undefined;
}, 20_000, `the ACLs of ${principal} to be back to the prior snapshot`);

afterAll(async () => { await kafka.close(); rmSync(dir, { recursive: true, force: true }); });

/** kcat (librdkafka) as `user` against any cluster: did it read the topic's message? */
function kcatRead(brokers: string, user: string, password: string, topic: string) {
  const res = spawnSync('kcat', ['-b', brokers, '-X', 'security.protocol=SASL_PLAINTEXT', '-X', 'sasl.mechanisms=SCRAM-SHA-512',
    '-X', `sasl.username=${user}`, '-X', `sasl.password=${password}`, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-m', '5'],
  { encoding: 'utf8', timeout: 20_000 });
  return { ok: res.status === 0 && res.stdout.includes('msg-1'), stderr: res.stderr };
}
const brokers = () => infra().KAFKA_BROKERS;

async function failureOf(call: Promise<unknown>): Promise<{ type?: string; message: string; nonRetryable?: boolean }> {
  const err = await call.then(() => undefined, (e: unknown) => e as { type?: string; message: string; nonRetryable?: boolean });
  expect(err, 'expected the activity to fail').toBeDefined();
  return err!;
}

/** A user who may read one topic (and a group), with a message on it. */
async function reader() {
  const user = unique('acl-user');
  const topic = unique('acl-topic');
  const group = unique('acl-group');
  const password = await createUser(user);
  await createTopic(kafka, topic, ['msg-1']);
  await allow(kafka, `User:${user}`, [
    { resourceType: 'topic', resourceName: topic, patternType: 'literal', operation: 'read' },
    { resourceType: 'group', resourceName: group, patternType: 'literal', operation: 'read' },
  ]);
  await eventually(async () => (kcatRead(brokers(), user, password, topic).ok ? true : undefined), 20_000, `${user} to read ${topic}`);
  return { user, principal: `User:${user}`, topic, group, password };
}

describe('kafka.acl.deny + kafka.access.verify', () => {
  it('denies on every broker, is idempotent, and its inverse restores the exact prior ACLs', async () => {
    const r = await reader();
    const allowed = await acts.verifyAccess(step({ principal: r.principal, expect: 'allowed' }));
    expect(allowed.verdict).toBe('allowed');
    expect(allowed.brokers).toHaveLength(3);
    expect(allowed.brokers.map((b) => b.verdict)).toEqual(['allowed', 'allowed', 'allowed']);
    // Each broker answered on its own connection: one entry per advertised address of the cluster.
    expect(allowed.brokers.map((b) => b.host).sort()).toEqual(brokers().split(',').sort());
    const notYet = await failureOf(acts.verifyAccess(step({ principal: r.principal, expect: 'denied' })));
    expect(notYet).toMatchObject({ type: 'ACCESS_NOT_AS_EXPECTED', nonRetryable: false });
    for (const b of allowed.brokers) expect(notYet.message).toContain(`broker ${b.id} (${b.host})`);

    const before = await snapshot(r.principal);
    const plan: Plan = await acts.planDenyPrincipal(step({ principal: r.principal }));
    expect(plan.changes).toHaveLength(4);
    expect(await snapshot(r.principal)).toEqual(before);

    expect(await apply(plan.changes)).toMatchObject({ changed: plan.changes, alreadyInPlace: 0 });
    await aclCommandShows(dir, r.principal, [...before, ...plan.changes.map((c) => (c as { binding: AclBinding }).binding)]);
    const denied = await eventually(() => acts.verifyAccess(step({ principal: r.principal, expect: 'denied' })), 20_000, 'every broker to deny');
    expect(denied.brokers.map((b) => [b.verdict, b.denyBindings.length])).toEqual([['denied', 4], ['denied', 4], ['denied', 4]]);
    const refused = kcatRead(brokers(), r.user, r.password, r.topic);
    expect(refused.ok).toBe(false);
    expect(refused.stderr).toMatch(/authoriz/i);

    expect(await apply(plan.changes)).toEqual({ changed: [], alreadyInPlace: 4 });
    expect((await acts.planDenyPrincipal(step({ principal: r.principal }))).changes).toEqual([]);

    expect(await apply(plan.inverse)).toMatchObject({ changed: plan.inverse, alreadyInPlace: 0 });
    expect(await snapshotBecomes(r.principal, before)).toEqual(before);
    await aclCommandShows(dir, r.principal, before);
    await eventually(() => acts.verifyAccess(step({ principal: r.principal, expect: 'allowed' })), 20_000, 'every broker to allow again');
  });
});

describe('kafka.acl.revoke', () => {
  it("deletes only the principal's ALLOWs of the asked types; the inverse re-creates exactly those", async () => {
    const r = await reader();
    const before = await snapshot(r.principal);
    const plan: Plan = await acts.planRevokeAllows(step({ principal: r.principal, resourceTypes: ['topic'] }));
    expect(plan.changes).toEqual([{ op: 'acl.delete', binding: before.find((b) => b.resourceType === 'topic') }]);
    expect(plan.inverse).toEqual([{ op: 'acl.create', binding: before.find((b) => b.resourceType === 'topic') }]);
    expect(await snapshot(r.principal)).toEqual(before);

    expect(await apply(plan.changes)).toMatchObject({ changed: plan.changes, alreadyInPlace: 0 });
    await aclCommandShows(dir, r.principal, before.filter((b) => b.resourceType === 'group'));
    await eventually(async () => {
      const res = kcatRead(brokers(), r.user, r.password, r.topic);
      return !res.ok && /authoriz/i.test(res.stderr) ? true : undefined;
    }, 20_000, 'kcat to be refused');
    expect(await apply(plan.changes)).toEqual({ changed: [], alreadyInPlace: 1 });

    const all: Plan = await acts.planRevokeAllows(step({ principal: r.principal }));
    expect(all.changes.map((c) => (c as { binding: AclBinding }).binding.resourceType)).toEqual(['group']);

    expect(await apply(plan.inverse)).toMatchObject({ changed: plan.inverse, alreadyInPlace: 0 });
    expect(await snapshotBecomes(r.principal, before)).toEqual(before);
    await aclCommandShows(dir, r.principal, before);
    await eventually(async () => (kcatRead(brokers(), r.user, r.password, r.topic).ok ? true : undefined), 20_000, 'kcat to read again');
  });
});

describe('protected principals', () => {
  it('refuses to deny or revoke the engine itself, a super user, or a listed principal, with the reason', async () => {
    for (const plan of [acts.planDenyPrincipal, acts.planRevokeAllows]) {
      const own = await failureOf(plan(step({ principal: 'User:admin' })));
      expect(own).toMatchObject({ type: 'PROTECTED_PRINCIPAL', nonRetryable: true });
      expect(own.message).toMatch(/User:admin is kafka-ir's own principal/);
    }
    const ops = `User:${unique('ops')}`;
    const root = `User:${unique('root')}`;
    const guarded = kafkaActivities({ kafka, settings: Settings.parse({ protectedPrincipals: [ops], authorizer: { superUsers: [root] } }), evidenceDir: dir });
    const listed = await failureOf(guarded.planRevokeAllows(step({ principal: ops })));
    expect(listed).toMatchObject({ type: 'PROTECTED_PRINCIPAL', nonRetryable: true });
    expect(listed.message).toContain(`${ops} is listed in protectedPrincipals`);
    const superUser = await failureOf(guarded.planDenyPrincipal(step({ principal: root })));
    expect(superUser.message).toContain(`${root} is a super user (super.users)`);
    expect(superUser.message).toContain('ACLs cannot stop a super user');
  });

  it('says so in the plan when allow.everyone.if.no.acl.found is neither readable nor declared', async () => {
    const undeclared = kafkaActivities({ kafka, settings: Settings.parse({}), evidenceDir: dir });
    const plan: Plan = await undeclared.planDenyPrincipal(step({ principal: `User:${unique('someone')}` }));
    expect(plan.notes.join('\n')).toMatch(/allow\.everyone\.if\.no\.acl\.found is hidden by the brokers and not declared.*if it is true/);
  });
});

describe('with allow.everyone.if.no.acl.found=true (an extra one-node cluster)', () => {
  let extra: ExtraBroker;
  let client: KafkaClient;
  let ex: ReturnType<typeof kafkaActivities>;
  let settings: KafkaSettings;
  const users: Record<'mallory' | 'bob' | 'carol', { name: string; principal: string; password: string }> = {} as never;
  const topic = unique('shared');
  const secret = unique('secret');
  /** A topic without ACLs: open to everyone while allow-everyone applies. */
  const open = unique('open');

  beforeAll(async () => {
    extra = await startExtraBroker({ name: 'acl-allow-everyone', properties: { 'allow.everyone.if.no.acl.found': 'true' } });
    settings = { brokers: [extra.brokers], sasl: { mechanism: 'scram-sha-512', username: extra.username, password: extra.password }, ssl: false };
    client = new KafkaClient(settings, undefined, 8);
    const declared = { superUsers: ['User:admin'], allowEveryoneIfNoAclFound: true };
    ex = kafkaActivities({ kafka: client, settings: Settings.parse({ authorizer: declared }), evidenceDir: dir });
    for (const role of ['mallory', 'bob', 'carol'] as const) {
      const name = unique(role);
      const password = unique('pw');
      await upsertScramCredential(settings, name, password);
      users[role] = { name, principal: `User:${name}`, password };
    }
    await createTopic(client, topic, ['msg-1']);
    await createTopic(client, secret, ['msg-1']);
    await createTopic(client, open, ['msg-1']);
    const read = (resourceName: string) => ({ resourceType: 'topic' as const, resourceName, patternType: 'literal' as const, operation: 'read' as const });
    await allow(client, users.bob.principal, [read(topic)]);
    await allow(client, users.mallory.principal, [read(topic), read(secret)]);
  });
  afterAll(async () => { await client?.close(); await extra?.stop(); });

  const collateralIn = (text: string) => /loses access too: ([^—\n]+)/.exec(text)?.[1]?.trim().split(', ');
  const reads = (who: keyof typeof users, t: string) => kcatRead(extra.brokers, users[who].name, users[who].password, t).ok;

  it('refuses to revoke the last ACL of a resource, naming it; forced, the broker opens it to everyone as predicted', async () => {
    const refusal = await failureOf(ex.planRevokeAllows(step({ principal: users.mallory.principal })));
    expect(refusal).toMatchObject({ type: 'UNSAFE_PLAN', nonRetryable: true });
    expect(refusal.message).toContain(`topic "${secret}"`);
    expect(refusal.message).not.toContain(`topic "${topic}"`);

    expect(await eventually(async () => (reads('carol', secret) ? undefined : true), 20_000, 'carol to be refused the secret topic')).toBe(true);
    const before = await ex.snapshotAcls(step({}));
    const plan: Plan = await ex.planRevokeAllows(step({ principal: users.mallory.principal, force: true }));
    expect(plan.notes.join('\n')).toContain(`topic "${secret}"`);
    await ex.applyChanges({ incidentId: 'ir-acl-test', step: 'revoke', changes: plan.changes });
    await eventually(async () => (reads('carol', secret) ? true : undefined), 20_000, 'the secret topic to open to carol');
    await ex.applyChanges({ incidentId: 'ir-acl-test', step: 'revoke', changes: plan.inverse });
    expect((await ex.snapshotAcls(step({}))).bindings).toEqual(before.bindings);
    await eventually(async () => (reads('carol', secret) ? undefined : true), 20_000, 'the secret topic to close again');
  });

  it('refuses to deny without force and names the collateral users; forced, they are the ones the broker then refuses', async () => {
    const refusal = await failureOf(ex.planDenyPrincipal(step({ principal: users.mallory.principal })));
    expect(refusal).toMatchObject({ type: 'UNSAFE_PLAN', nonRetryable: true });
    // Admin is a super user, bob has an ALLOW, mallory is the target: carol alone loses access.
    expect(collateralIn(refusal.message)).toEqual([users.carol.principal]);

    expect(reads('carol', open)).toBe(true);
    expect(reads('bob', topic)).toBe(true);
    const plan: Plan = await ex.planDenyPrincipal(step({ principal: users.mallory.principal, force: true }));
    expect(collateralIn(plan.notes.join('\n'))).toEqual([users.carol.principal]);
    await ex.applyChanges({ incidentId: 'ir-acl-test', step: 'deny', changes: plan.changes });

    await eventually(async () => (reads('mallory', topic) || reads('carol', open) ? undefined : true), 20_000, 'mallory and carol to be refused');
    expect(reads('bob', topic)).toBe(true);
  });
});
