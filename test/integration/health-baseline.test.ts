// kafka.health.verify and the security baseline against the real cluster: the probe really writes, the diff finds a planted backdoor.
import { createHash } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaActivities } from '../../activities/kafka/index.js';
import { KafkaClient } from '../../adapters/kafka/client.js';
import { deleteScramCredentials } from '../../adapters/kafka/scram.js';
import { toAclEntry } from '../../adapters/kafka/acls.js';
import type { AclBinding } from '../../src/model/acl.js';
import type { BaselineDiff } from '../../src/model/baseline.js';
import { Settings } from '../../src/model/settings.js';
import { eventually } from '../support/engine.js';
import { adminSettings, infra, unique } from '../support/infra.js';
import { admin, createTopic, createUser } from '../support/kafka.js';
import { kafkaTool } from '../support/kafka-tools.js';
import { kcatConsume } from '../support/kcat.js';

const dir = mkdtempSync(join(tmpdir(), 'health-baseline-'));
// kafka-ir's own client settings (one quick retry): the probe must fail fast, not wait out the test admin's retries.
const kafka = new KafkaClient(adminSettings());
const setup = admin();
const acts = kafkaActivities({ kafka, settings: Settings.parse({}), evidenceDir: dir });
const req = (input: unknown) => ({ incidentId: unique('ir-health'), step: 'check', input });
const topic = unique('health-probe');

// A first message through the patient test admin: every broker knows the new topic before the probe runs.
beforeAll(async () => { await createTopic(setup, topic, ['warm-up'], 3); });
afterAll(async () => {
  await setup.withAdmin('deleting topics', (a) => a.deleteTopics({ topics: [topic] })).catch(() => {});
  await Promise.all([kafka.close(), setup.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('kafka.health.verify', () => {
  it('counts the brokers, lists unhealthy partitions, and round-trips a probe message that another client can read', async () => {
    const report = await acts.verifyHealth(req({ brokers: 3, probeTopic: topic }));
    expect(report.brokers).toBe(3);
    expect(report.probe).toEqual({ ok: true, latencyMs: expect.any(Number) });
    for (const p of report.underReplicated) expect(p.isr.length).toBeLessThan(p.replicas.length);
    for (const p of report.offline) expect(p.leader).toBe(-1);
    expect(report.healthy).toBe(report.problems.length === 0);
    const env = infra();
    const read = kcatConsume(env.KAFKA_SASL_USERNAME, env.KAFKA_SASL_PASSWORD, topic);
    expect(read.stdout).toMatch(/^kafka-ir-probe-[0-9a-f]{16}$/m);
  });

  it('reports a failed probe, and with expectHealthy fails retryably saying what is wrong', async () => {
    const missing = unique('no-such-topic');
    const report = await acts.verifyHealth(req({ probeTopic: missing }));
    expect(report.probe?.ok).toBe(false);
    expect(report.healthy).toBe(false);
    expect(report.problems.join('\n')).toContain(`probe on ${missing} failed`);
    const failure = await acts.verifyHealth(req({ brokers: 4, expectHealthy: true })).then(() => undefined, (e: unknown) => e);
    expect(failure).toMatchObject({ type: 'CLUSTER_UNHEALTHY', nonRetryable: false, message: expect.stringContaining('3 of 4 brokers are up') });
  });
});

describe('kafka.baseline.snapshot and kafka.baseline.diff', () => {
  const backdoor = unique('backdoor');
  const principal = `User:${backdoor}`;
  const grants: AclBinding[] = (['topic', 'group', 'cluster'] as const).map((resourceType) => ({
    resourceType, resourceName: resourceType === 'cluster' ? 'kafka-cluster' : '*', patternType: 'literal',
    principal, host: '*', operation: 'all', permission: 'allow',
  }));
  /** Only what this test planted: others change the shared cluster concurrently. */
  const mine = (d: BaselineDiff) => ({
    added: {
      acls: d.added.acls.filter((a) => a.principal === principal), scramUsers: d.added.scramUsers.filter((u) => u.user === backdoor),
      quotas: d.added.quotas.filter((q) => q.entity.some((e) => e.name === backdoor)), configs: d.added.configs.filter((c) => c.name === topic),
    },
    removed: {
      acls: d.removed.acls.filter((a) => a.principal === principal), scramUsers: d.removed.scramUsers.filter((u) => u.user === backdoor),
      quotas: d.removed.quotas.filter((q) => q.entity.some((e) => e.name === backdoor)), configs: d.removed.configs.filter((c) => c.name === topic),
    },
    changed: {
      scramUsers: d.changed.scramUsers.filter((u) => u.after.user === backdoor),
      quotas: d.changed.quotas.filter((q) => q.after.entity.some((e) => e.name === backdoor)), configs: d.changed.configs.filter((c) => c.after.name === topic),
    },
  });
  const none = { added: { acls: [], scramUsers: [], quotas: [], configs: [] }, removed: { acls: [], scramUsers: [], quotas: [], configs: [] }, changed: { scramUsers: [], quotas: [], configs: [] } };
  const configCommand = (args: string[]) => kafkaTool('kafka.admin.ConfigCommand', args);

  it('records the state with its hash, finds a planted backdoor user with ALLOW ALL, and nothing once it is removed', async () => {
    const snap = await acts.snapshotBaseline(req({}));
    expect(snap.ref.startsWith(join(dir, 'baselines'))).toBe(true);
    const body = readFileSync(snap.ref);
    expect(createHash('sha256').update(body).digest('hex')).toBe(snap.sha256);
    const state = JSON.parse(body.toString('utf8'));
    expect(snap.counts).toEqual({ acls: state.acls.length, scramUsers: state.scramUsers.length, quotas: state.quotas.length, configs: state.configs.length });
    expect(state.scramUsers).toContainEqual({ user: 'admin', mechanisms: expect.arrayContaining(['SCRAM-SHA-512']) });
    expect(state.scramUsers.every((u: object) => Object.keys(u).sort().join() === 'mechanisms,user')).toBe(true);
    expect(mine(await acts.diffBaseline(req({ baseline: snap.ref, sha256: snap.sha256 })))).toEqual(none);

    await createUser(backdoor);
    await setup.withAdmin('creating ACLs', (a) => a.createAcls({ acl: grants.map(toAclEntry) }));
    configCommand(['--alter', '--entity-type', 'users', '--entity-name', backdoor, '--add-config', 'producer_byte_rate=1048576']);
    configCommand(['--alter', '--entity-type', 'topics', '--entity-name', topic, '--add-config', 'retention.ms=3600000']);
    try {
      // Brokers apply committed metadata a moment later (KRaft): wait until the one asked has all four changes.
      const planted = await eventually(async () => {
        const d = mine(await acts.diffBaseline(req({ baseline: 'latest' })));
        return d.added.acls.length && d.added.scramUsers.length && d.added.quotas.length && d.added.configs.length ? d : undefined;
      }, 15_000, 'the diff to show every planted change');
      expect(planted.added.scramUsers).toEqual([{ user: backdoor, mechanisms: ['SCRAM-SHA-512'] }]);
      expect(planted.added.acls).toHaveLength(3);
      expect(planted.added.acls).toEqual(expect.arrayContaining(grants));
      expect(planted.added.quotas).toEqual([{ entity: [{ type: 'user', name: backdoor }], values: { producer_byte_rate: 1048576 } }]);
      expect(planted.added.configs).toEqual([{ resource: 'topic', name: topic, key: 'retention.ms', value: '3600000' }]);
      expect(planted.removed).toEqual(none.removed);
    } finally {
      await setup.withAdmin('deleting ACLs', (a) => a.deleteAcls({ filters: grants.map(toAclEntry) }));
      await deleteScramCredentials(adminSettings(), backdoor, ['SCRAM-SHA-512']);
      configCommand(['--alter', '--entity-type', 'users', '--entity-name', backdoor, '--delete-config', 'producer_byte_rate']);
      configCommand(['--alter', '--entity-type', 'topics', '--entity-name', topic, '--delete-config', 'retention.ms']);
    }
    await eventually(async () => (JSON.stringify(mine(await acts.diffBaseline(req({ baseline: snap.ref })))) === JSON.stringify(none) ? true : undefined),
      15_000, 'the diff to be empty again');
  });

  it('finds a backdoor made before an intervening refresh by comparing with the last baseline before the window; each baseline vouches for the one before', async () => {
    const before = await acts.snapshotBaseline(req({}));
    await new Promise((r) => setTimeout(r, 20));
    const since = new Date().toISOString();
    const user = unique('bd-user');
    const staging = unique('bd-staging');
    const grant: AclBinding = { principal: `User:${user}`, host: '*', permission: 'allow', resourceType: 'topic', resourceName: '*', patternType: 'literal', operation: 'read' };
    await createUser(user);
    await setup.withAdmin('creating ACLs', (a) => a.createAcls({ acl: [toAclEntry(grant)] }));
    await createTopic(setup, staging);
    try {
      const planted = (d: BaselineDiff) => d.added.scramUsers.some((u) => u.user === user) && d.added.acls.some((b) => b.principal === grant.principal)
        && d.added.topics.some((t) => t.name === staging);
      await eventually(async () => (planted(await acts.diffBaseline(req({ baseline: before.ref }))) ? true : undefined), 15_000, 'the backdoor to be in the state');
      const refresh = await acts.snapshotBaseline(req({}));
      expect(JSON.parse(readFileSync(refresh.ref, 'utf8')).previous).toEqual({ ref: basename(before.ref), sha256: before.sha256 });

      // The latest baseline already holds the backdoor: against it, nothing is new.
      expect(planted(await acts.diffBaseline(req({ baseline: 'latest' })))).toBe(false);
      const windowed = await acts.diffBaseline(req({ before: since }));
      expect(windowed).toMatchObject({ baseline: before.ref, notes: [`compared with the last baseline taken before ${since}`] });
      expect(planted(windowed)).toBe(true);
      expect(windowed.added.topics).toEqual(expect.arrayContaining([{ name: staging, topicId: expect.stringMatching(/^[\w-]{22}$/) }]));

      // A baseline changed after the next one recorded its hash is refused.
      appendFileSync(before.ref, ' ');
      await expect(acts.diffBaseline(req({ before: since }))).rejects.toMatchObject({
        type: 'BASELINE_UNUSABLE', nonRetryable: true, message: expect.stringContaining(`differs from the SHA-256 the next baseline (${basename(refresh.ref)}) recorded for it`),
      });
    } finally {
      await setup.withAdmin('deleting ACLs', (a) => a.deleteAcls({ filters: [toAclEntry(grant)] }));
      await deleteScramCredentials(adminSettings(), user, ['SCRAM-SHA-512']);
      await setup.withAdmin('deleting topics', (a) => a.deleteTopics({ topics: [staging] })).catch(() => {});
    }
  });

  it('refuses a baseline that was modified or lies outside the baselines directory', async () => {
    const snap = await acts.snapshotBaseline(req({}));
    appendFileSync(snap.ref, ' ');
    await expect(acts.diffBaseline(req({ baseline: snap.ref, sha256: snap.sha256 }))).rejects.toMatchObject({ type: 'BASELINE_UNUSABLE', nonRetryable: true });
    await expect(acts.diffBaseline(req({ baseline: '../../etc/passwd' }))).rejects.toMatchObject({ type: 'BASELINE_UNUSABLE' });
  });
});
