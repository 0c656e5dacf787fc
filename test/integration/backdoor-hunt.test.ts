// The backdoor hunt end to end: a second principal's backdoors found in the brokers' records with who, when and from where, each raised as its own incident.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaActivities } from '../../activities/kafka/index.js';
import { toAclEntry } from '../../adapters/kafka/acls.js';
import { KafkaClient } from '../../adapters/kafka/client.js';
import { deleteScramCredentials, upsertScramCredential } from '../../adapters/kafka/scram.js';
import { startExtraBroker, type ExtraBroker } from '../../scripts/infra/index.js';
import { AdminAudit, type AdminFinding } from '../../src/model/admin-audit.js';
import { followUpAlert } from '../../src/model/follow-ups.js';
import type { AclBinding } from '../../src/model/acl.js';
import { Settings } from '../../src/model/settings.js';
import { abortLeftovers, startBuiltinEngine } from '../support/builtin-engine.js';
import { eventually, startTestEngine, type TestEngine } from '../support/engine.js';
import { unique } from '../support/infra.js';
import { admin, allow, createTopic, createUser } from '../support/kafka.js';
import { kafkaTool, kafkaToolAs } from '../support/kafka-tools.js';
import { kcat, kcatConsume } from '../support/kcat.js';
import { token } from '../support/people.js';

const ACL = 'kafka.admin.AclCommand';
const CONFIG = 'kafka.admin.ConfigCommand';
const TOKENS = 'org.apache.kafka.tools.DelegationTokenCommand';
const TOPICS = 'org.apache.kafka.tools.TopicCommand';
const stepOutput = async (engine: TestEngine, id: string, step: string) => (await engine.stepOf(id, step)).output;

/** Runs the alert's incident to its hunt: approvals by the test roster, then the hunt's output. */
async function huntOf(engine: TestEngine, id: string, decisions: [string, 'alice' | 'bob'][]): Promise<AdminAudit> {
  for (const [step, who] of decisions) {
    await engine.waitForStep(id, step, 'awaiting_approval', 120_000);
    await engine.decide(id, step, who);
  }
  await engine.waitForStep(id, 'hunt', 'done', 180_000);
  return AdminAudit.parse(await stepOutput(engine, id, 'hunt'));
}

const principalOf = (audit: AdminAudit, f: AdminFinding) => audit.followUps.find((u) => u.fingerprint === f.fingerprint);

describe('on the shared 3-broker cluster: an ACL, a new SCRAM user, a password reset and a topic, made by a second principal with Kafka\'s own tools', () => {
  const kafka = admin();
  let engine: Awaited<ReturnType<typeof startBuiltinEngine>>;
  const opened: string[] = [];
  const [ops, reader, backdoor, svc] = [unique('ops'), unique('reader'), unique('svc-backup'), unique('svc-erp')];
  const [topic, staging] = [unique('ledger'), unique('staging')];
  const passwords: Record<string, string> = {};
  const opsGrants: Omit<AclBinding, 'principal' | 'host' | 'permission'>[] = [
    { resourceType: 'cluster', resourceName: 'kafka-cluster', patternType: 'literal', operation: 'alter' },
    { resourceType: 'cluster', resourceName: 'kafka-cluster', patternType: 'literal', operation: 'create' },
    { resourceType: 'cluster', resourceName: 'kafka-cluster', patternType: 'literal', operation: 'describe' },
    { resourceType: 'topic', resourceName: '*', patternType: 'literal', operation: 'describe' },
  ];
  const newPasswords = { backdoor: unique('bd-pw'), svc: unique('reset-pw') };
  let before = 0;
  let after = 0;
  let parent = '';
  let audit: AdminAudit;

  beforeAll(async () => {
    engine = await startBuiltinEngine({ accessLog: true });
    for (const u of [ops, reader, svc]) passwords[u] = await createUser(u);
    await createTopic(kafka, topic, ['l-1', 'l-2']);
    // ops runs the platform: it may create users, ACLs and topics. Its password is what the attacker stole.
    await allow(kafka, `User:${ops}`, opsGrants);
    // The last baseline before the backdoors: the engine's schedule would have taken it.
    await kafkaActivities({ kafka, settings: Settings.parse({}), evidenceDir: engine.evidence }).snapshotBaseline({ incidentId: 'baseline-schedule', step: 'snapshot', input: {} });
    const asOps = { username: ops, password: passwords[ops]! };
    before = Date.now();
    // Each broker learns ops's grants from the metadata log on its own time: a tool refused as unauthorized is
    // tried again (nothing was changed); a set-up that never succeeds fails with the tool's own words.
    const asOpsOnceAuthorized = (mainClass: string, args: string[], what: string) => eventually(async () => {
      const r = kafkaToolAs(asOps, mainClass, args);
      if (r.status === 0) return true;
      if (/authoriz/i.test(r.stderr)) return undefined;
      throw new Error(`${what} failed (${r.status}): ${r.stderr}`);
    }, 30_000, what);
    await asOpsOnceAuthorized(ACL, ['--add', '--allow-principal', `User:${reader}`, '--operation', 'Read', '--topic', topic], `${ops} to grant ${reader}`);
    await asOpsOnceAuthorized(CONFIG, ['--alter', '--entity-type', 'users', '--entity-name', backdoor, '--add-config', `SCRAM-SHA-512=[password=${newPasswords.backdoor}]`], `${ops} to create ${backdoor}`);
    await asOpsOnceAuthorized(CONFIG, ['--alter', '--entity-type', 'users', '--entity-name', svc, '--add-config', `SCRAM-SHA-512=[password=${newPasswords.svc}]`], `${ops} to reset ${svc}'s password`);
    await asOpsOnceAuthorized(TOPICS, ['--create', '--topic', staging, '--partitions', '1', '--replication-factor', '1'], `${ops} to create ${staging}`);
    after = Date.now();
    // An intervening baseline refresh: it already holds every backdoor.
    await kafkaActivities({ kafka, settings: Settings.parse({}), evidenceDir: engine.evidence }).snapshotBaseline({ incidentId: 'baseline-schedule', step: 'snapshot', input: {} });

    const res = await engine.post('/v1/alerts', {
      kind: 'compromised-credentials', severity: 'high', summary: `${ops}'s password was pasted in a public channel`, source: 'siem',
      observedAt: new Date().toISOString(), subject: { principal: `User:${ops}` },
    });
    parent = res.body.incidents[0].id;
    opened.push(parent);
    audit = await huntOf(engine, parent, [['deny', 'alice'], ['rotate', 'bob']]);
    opened.push(...audit.followUps.flatMap((f) => (f.incident ? [f.incident] : [])));
  }, 480_000);

  afterAll(async () => {
    if (engine) {
      // The follow-ups changed nothing yet (they wait for approvals); the parent's DENY is rolled back.
      // Best effort, all at once, each given 20 s: a clean-up that does not answer must not hold the others.
      const given = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());
      await Promise.all(opened.slice(1).map(async (id) => {
        const answered = await Promise.race([
          engine.post(`/v1/incidents/${id}/decisions`, { decision: 'abort', reason: 'test clean-up', rollback: false }, token('carol')).then(() => true, () => true),
          given(20_000).then(() => false),
        ]);
        if (!answered) console.warn(`clean-up: the abort of ${id} did not answer within 20 s`);
      }));
      await abortLeftovers(engine, opened.slice(0, 1));
      await engine.close();
    }
    const bindings: AclBinding[] = [
      ...opsGrants.map((g) => ({ ...g, principal: `User:${ops}`, host: '*', permission: 'allow' as const })),
      { resourceType: 'topic', resourceName: topic, patternType: 'literal', operation: 'read', principal: `User:${reader}`, host: '*', permission: 'allow' },
    ];
    await kafka.withAdmin('deleting ACLs', (a) => a.deleteAcls({ filters: bindings.map(toAclEntry) })).catch(() => {});
    for (const u of [ops, reader, svc, backdoor]) await deleteScramCredentials(kafka.settings, u, ['SCRAM-SHA-512']).catch(() => {});
    await kafka.withAdmin('deleting topics', (a) => a.deleteTopics({ topics: [topic, staging] })).catch(() => {});
    await kafka.close();
  });

  it('the backdoors are real: Kafka\'s tools and kcat see the grant, the new user, the reset password and the topic', () => {
    expect(kcatConsume(reader, passwords[reader]!, topic).stdout).toContain('l-2');
    expect(kcat(backdoor, newPasswords.backdoor, ['-L', '-t', topic]).status).toBe(0);
    expect(kcat(svc, newPasswords.svc, ['-L', '-t', topic]).status).toBe(0);
    expect(kcat(svc, passwords[svc]!, ['-L', '-t', topic]).status).not.toBe(0);
    expect(kafkaTool(TOPICS, ['--describe', '--topic', staging])).toContain(`Topic: ${staging}`);
  });

  it('finds each with who made it, from where and when, and tells a new user from a reset against the baseline before them, not the refresh after', () => {
    const mine = audit.findings.filter((f) => f.by === `User:${ops}`);
    expect(mine.map((f) => `${f.kind} ${f.target.principal ?? f.target.topic}`)).toEqual([
      `acl.granted User:${reader}`, `scram.created User:${backdoor}`, `scram.reset User:${svc}`, `topic.created ${staging}`,
    ]);
    for (const f of mine) {
      expect(f.host).toBe('127.0.0.1');
      expect(Date.parse(f.at!)).toBeGreaterThanOrEqual(before - 1_000);
      expect(Date.parse(f.at!)).toBeLessThanOrEqual(after + 1_000);
      // The request log: its own file on brokers started with the generated config, server.log where it was raised at run time.
      expect(f.source).toMatch(/node-\d\/logs\/(kafka-request|server)\.log(\.\d)?:\d+$/);
    }
    expect(audit.baseline!.takenAt < new Date(before).toISOString()).toBe(true);
    expect(audit.requests.filter((r) => r.principal === `User:${ops}`).map((r) => `${r.request}:${r.outcome}`))
      .toEqual(['CreateAcls:ok', 'AlterUserScramCredentials:ok', 'AlterUserScramCredentials:ok', 'CreateTopics:ok']);
    expect(JSON.stringify(audit)).not.toContain(newPasswords.backdoor);
  });

  it('raises each as its own follow-up incident, routed by kind, with the backdoor principal as subject, linked both ways', async () => {
    const mine = audit.findings.filter((f) => f.by === `User:${ops}`);
    const raised = mine.map((f) => principalOf(audit, f)!);
    expect(raised.map((f) => `${f.status} ${f.runbook} ${f.principal}`)).toEqual([
      `started unauthorized-access User:${reader}`, `started unauthorized-access User:${backdoor}`,
      `started compromised-credentials User:${svc}`, `started unauthorized-access User:${ops}`,
    ]);
    expect(new Set(raised.map((f) => f.incident)).size).toBe(4);
    const parentView = await engine.view(parent);
    for (const [i, f] of raised.entries()) {
      expect(parentView.timeline).toContainEqual(expect.objectContaining({ type: 'followUp', step: 'hunt', incident: f.incident, principal: f.principal }));
      const child = await engine.view(f.incident!);
      expect(child.subject).toBe(f.principal);
      expect(child.timeline[0]).toMatchObject({ type: 'alert', kind: f.kind, source: `kafka-ir incident ${parent}` });
      expect(child.timeline[0].summary).toBe(`${mine[i]!.says} (found by incident ${parent}, step hunt)`);
    }
    // The same finding raised again (a second hunt, a retry) is recognised by its fingerprint.
    const again = mine[1]!;
    const res = await engine.post('/v1/alerts', followUpAlert({ ...again, followUp: again.followUp! }, { incidentId: parent, step: 'hunt' }, new Date().toISOString()));
    expect(res.body.incidents).toEqual([{ id: raised[1]!.incident, runbook: 'unauthorized-access', status: 'duplicate' }]);
  });

  it('names the follow-up incidents in the post-mortem\'s answers', async () => {
    const mine = audit.findings.filter((f) => f.by === `User:${ops}`);
    const ids = mine.map((f) => principalOf(audit, f)!.incident);
    const report = (await engine.get(`/v1/incidents/${parent}/report?format=json`)).body;
    expect(report.answers.hunt.findings.filter((f: { by: string }) => f.by === `User:${ops}`).map((f: { followUp: { incident: string } }) => f.followUp.incident)).toEqual(ids);
    const md = await (await fetch(`${engine.url}/v1/incidents/${parent}/report?format=md`)).text();
    const answer = md.split('\n').find((l) => l.startsWith('| Backdoors found |'))!;
    for (const id of ids) expect(answer).toContain(`follow-up incident ${id}`);
    expect(answer).toContain(`User:${ops} created SCRAM user ${backdoor} (SCRAM-SHA-512) at `);
  });
});

describe('on a broker with delegation tokens (an extra one-node cluster): a token made and renewed by a second principal', () => {
  let extra: ExtraBroker;
  let engine: TestEngine;
  let client: KafkaClient;
  const dev = unique('dev');
  const password = unique('dev-pw');
  const opened: string[] = [];
  let made: { id: string; hmac: string };
  let parent = '';
  let audit: AdminAudit;

  beforeAll(async () => {
    extra = await startExtraBroker({ name: 'backdoor-hunt' });
    const settings = { brokers: [extra.brokers], sasl: { mechanism: 'scram-sha-512' as const, username: extra.username, password: extra.password }, ssl: false };
    client = new KafkaClient(settings, undefined, 8);
    await upsertScramCredential(settings, dev, password);
    const dir = mkdtempSync(join(tmpdir(), 'backdoor-hunt-'));
    const runbooks = join(dir, 'runbooks');
    cpSync('runbooks', runbooks, { recursive: true, filter: (src) => !src.endsWith('_roster.yaml') });
    cpSync('test/fixtures/runbooks/_roster.yaml', join(runbooks, '_roster.yaml'));
    writeFileSync(join(dir, 'config.yaml'), [
      // The follow-up compromised-credentials incident rotates: without a sink its runbook is disabled and the alert refused.
      `secretSink: { type: file, dir: ${JSON.stringify(join(dir, 'secrets'))} }`,
      'authorizer: { superUsers: ["User:admin"], allowEveryoneIfNoAclFound: false }',
      `accessLog: { files: [{ broker: 1, paths: [${JSON.stringify(join(extra.logDir, 'kafka-*.log*'))}] }] }`,
    ].join('\n'));
    engine = await startTestEngine({
      KAFKA_BROKERS: extra.brokers, KAFKA_SASL_USERNAME: extra.username, KAFKA_SASL_PASSWORD: extra.password,
      KAFKA_IR_RUNBOOKS: runbooks, KAFKA_IR_CONFIG: join(dir, 'config.yaml'), KAFKA_IR_EVIDENCE_DIR: join(dir, 'evidence'),
    });
    // A token needs no ACL: any SCRAM user may make one that authenticates as itself, and renew it.
    const asDev = { username: dev, password };
    const created = await eventually(async () => {
      const r = kafkaToolAs(asDev, TOKENS, ['--create', '--max-life-time-period', '-1', '--renewer-principal', `User:${dev}`], extra.brokers);
      return r.status === 0 ? r.stdout : undefined;
    }, 30_000, `${dev} to create a delegation token`);
    const [id, hmac] = created.trim().split('\n').at(-1)!.trim().split(/\s+/);
    made = { id: id!, hmac: hmac! };
    expect(kafkaToolAs(asDev, TOKENS, ['--renew', '--renew-time-period', '-1', '--hmac', made.hmac], extra.brokers).status).toBe(0);

    const res = await engine.post('/v1/alerts', {
      kind: 'unauthorized-access', severity: 'high', summary: `${dev} signs in from an unknown host`, source: 'siem',
      observedAt: new Date().toISOString(), subject: { principal: `User:${dev}` },
    });
    parent = res.body.incidents[0].id;
    opened.push(parent);
    // dev holds no ALLOW: the revoke changes nothing and needs no approval.
    audit = await huntOf(engine, parent, []);
    opened.push(...audit.followUps.flatMap((f) => (f.incident ? [f.incident] : [])));
  }, 360_000);

  afterAll(async () => {
    if (engine) {
      for (const id of opened) await engine.post(`/v1/incidents/${id}/decisions`, { decision: 'abort', reason: 'test clean-up', rollback: false }, token('carol')).catch(() => undefined);
      await engine.close();
    }
    await client?.close();
    await extra?.stop();
  });

  it('the token is a real way in: Kafka\'s own tools sign in with it', () => {
    expect(kafkaToolAs({ username: made.id, password: made.hmac, tokenauth: true }, TOPICS, ['--list'], extra.brokers).status).toBe(0);
  });

  it('finds the token and its renewal by who made them, raised once as a compromised credential of its owner', async () => {
    const mine = audit.findings.filter((f) => f.by === `User:${dev}`);
    expect(mine.map((f) => `${f.kind} ${f.target.tokenId} ${f.target.principal}`)).toEqual([
      `token.created ${made.id} User:${dev}`, `token.renewed ${made.id} User:${dev}`,
    ]);
    expect(mine[0]!.says).toMatch(new RegExp(`^User:${dev} created delegation token ${made.id} that authenticates as User:${dev}, valid until `));
    const raised = mine.map((f) => principalOf(audit, f)!);
    // Follow-ups are raised all at once: either finding may be the one that starts the incident.
    expect(raised.map((f) => `${f.status} ${f.runbook} ${f.principal}`).sort()).toEqual([
      `attached compromised-credentials User:${dev}`, `started compromised-credentials User:${dev}`,
    ]);
    expect(raised[1]!.incident).toBe(raised[0]!.incident);
    const child = await engine.view(raised[0]!.incident!);
    expect(child).toMatchObject({ subject: `User:${dev}`, alerts: 2 });
    expect(child.timeline[0]).toMatchObject({ type: 'alert', source: `kafka-ir incident ${parent}` });
  });

  it('keeps the token\'s HMAC out of everything it writes, though the broker\'s request log holds it', async () => {
    expect(readFileSync(join(extra.logDir, 'kafka-request.log'), 'utf8')).toContain(made.hmac);
    for (const id of opened) expect(JSON.stringify(await engine.view(id))).not.toContain(made.hmac);
    expect(JSON.stringify((await engine.get(`/v1/incidents/${parent}/report?format=json`)).body)).not.toContain(made.hmac);
  });
});
