// kafka.access.verify against the real brokers asked as the principal: for a matrix of ACL shapes, each request the model judges is tried with kcat and kafkajs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection, describeGroupsV5, findCoordinatorV6, initProducerIdV5 } from '@platformatic/kafka';
import { afterAll, describe, expect, it } from 'vitest';
import { kafkaActivities } from '../../activities/kafka/index.js';
import { createAcls, deleteAcls } from '../../adapters/kafka/acls.js';
import { aclKey, type AclBinding } from '../../src/model/acl.js';
import { authorize, type AccessRequest } from '../../src/model/authorize.js';
import { Settings } from '../../src/model/settings.js';
import { eventually } from '../support/engine.js';
import { infra, unique } from '../support/infra.js';
import { admin, createTopic, createUser, userKafka } from '../support/kafka.js';

const dir = mkdtempSync(join(tmpdir(), 'access-verdict-'));
const kafka = admin();
// As the dev cluster's server.properties set them (Kafka hides both from DescribeConfigs).
const declared = kafkaActivities({ kafka, settings: Settings.parse({ authorizer: { superUsers: ['User:admin'], allowEveryoneIfNoAclFound: false } }), evidenceDir: dir });
/** A new user's engine with no settings file at all: authorizer facts undeclared. */
const undeclared = kafkaActivities({ kafka, settings: Settings.parse({}), evidenceDir: dir });
const step = (input: unknown) => ({ incidentId: unique('ir-verdict'), step: 'verify', input });

afterAll(async () => { await kafka.close(); rmSync(dir, { recursive: true, force: true }); });

interface Subject { user: string; password: string; principal: string; topic: string; sibling: string; group: string; txn: string }

/** The requests a client of the principal makes, and what each needs from the authorizer. */
const PROBES = {
  'read topic': (s: Subject) => [req(s, 'topic', s.topic, 'read'), req(s, 'topic', s.topic, 'describe')],
  'write topic': (s: Subject) => [req(s, 'topic', s.topic, 'write'), req(s, 'topic', s.topic, 'describe')],
  'describe topic': (s: Subject) => [req(s, 'topic', s.topic, 'describe')],
  'read a sibling topic': (s: Subject) => [req(s, 'topic', s.sibling, 'read'), req(s, 'topic', s.sibling, 'describe')],
  'describe group': (s: Subject) => [req(s, 'group', s.group, 'describe')],
  'describe cluster ACLs': (s: Subject) => [req(s, 'cluster', 'kafka-cluster', 'describe')],
  'find the transaction coordinator': (s: Subject) => [req(s, 'transactional-id', s.txn, 'describe')],
  'start a transactional producer': (s: Subject) => [req(s, 'transactional-id', s.txn, 'write')],
} satisfies Record<string, (s: Subject) => AccessRequest[]>;
type Probe = keyof typeof PROBES;

function req(s: Subject, resourceType: AccessRequest['resourceType'], name: string, operation: AccessRequest['operation']): AccessRequest {
  // The tests' clients connect over loopback: the broker sees 127.0.0.1.
  return { principal: s.principal, host: '127.0.0.1', resourceType, name, operation };
}

function kcatRead(s: Subject, topic: string): boolean {
  const res = spawnSync('kcat', ['-b', infra().KAFKA_BROKERS, '-X', 'security.protocol=SASL_PLAINTEXT', '-X', 'sasl.mechanisms=SCRAM-SHA-512',
    '-X', `sasl.username=${s.user}`, '-X', `sasl.password=${s.password}`, '-C', '-t', topic, '-p', '0', '-o', 'beginning', '-c', '1', '-e', '-q'],
  { encoding: 'utf8', timeout: 20_000 });
  return res.status === 0 && res.stdout.includes('msg-1');
}

/** True when the brokers serve the request; false when they refuse it as not authorized; anything else fails the test. */
async function served(call: () => Promise<unknown>): Promise<boolean> {
  try {
    await call();
    return true;
  } catch (err) {
    const nested = (err as { errors?: { apiId?: string }[] }).errors?.map((e) => e.apiId).join(' ') ?? '';
    const text = `${(err as { type?: string }).type ?? ''} ${nested} ${String(err)}`;
    if (/AUTHORIZATION_FAILED|Not authorized/i.test(text)) return false;
    // Authorized, and then sent on to a coordinator this broker is not: the authorizer said yes.
    if (/NOT_COORDINATOR|COORDINATOR_LOAD_IN_PROGRESS|COORDINATOR_NOT_AVAILABLE/.test(nested)) return true;
    throw err;
  }
}

/**
 * Requests kafkajs hides behind its own coordinator lookups (a refused FindCoordinator reads as "not found"),
 * sent as the principal on a plain @platformatic/kafka connection to one broker.
 */
async function raw<T>(s: Subject, call: (c: Connection) => Promise<T>): Promise<T> {
  const [host, port] = infra().KAFKA_BROKERS.split(',')[0]!.split(':') as [string, string];
  const c = new Connection('verdict-probe', { sasl: { mechanism: 'SCRAM-SHA-512', username: s.user, password: s.password } });
  c.on('error', () => {});
  try {
    await c.connect(host, Number(port));
    return await call(c);
  } finally {
    await c.close().catch(() => {});
  }
}

/** What the brokers answer the principal, each probe through a client of its own. */
async function ask(s: Subject): Promise<Record<Probe, boolean>> {
  const withAdmin = async <T>(call: (a: ReturnType<ReturnType<typeof userKafka>['admin']>) => Promise<T>) => {
    const a = userKafka(s.user, s.password).admin();
    await a.connect();
    try { return await call(a); } finally { await a.disconnect(); }
  };
  const [describeTopic, write, group, cluster, coordinator, producerId] = await Promise.all([
    served(() => withAdmin((a) => a.fetchTopicMetadata({ topics: [s.topic] }))),
    served(async () => {
      const p = userKafka(s.user, s.password).producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
      await p.connect();
      try { await p.send({ topic: s.topic, messages: [{ value: 'probe' }] }); } finally { await p.disconnect(); }
    }),
    served(() => raw(s, (c) => describeGroupsV5.api.async(c, [s.group], false))),
    served(() => withAdmin((a) => a.describeAcls({ resourceType: 1, resourcePatternType: 1, operation: 1, permissionType: 1 } as never))),
    served(() => raw(s, (c) => findCoordinatorV6.api.async(c, 1, [s.txn]))),
    served(() => raw(s, (c) => initProducerIdV5.api.async(c, s.txn, 60_000, -1n, -1))),
  ]);
  return {
    'read topic': kcatRead(s, s.topic), 'write topic': write, 'describe topic': describeTopic, 'read a sibling topic': kcatRead(s, s.sibling),
    'describe group': group, 'describe cluster ACLs': cluster, 'find the transaction coordinator': coordinator, 'start a transactional producer': producerId,
  };
}

async function subject(): Promise<Subject> {
  const user = unique('verdict');
  const topic = unique('verdict-topic');
  const s = { user, password: await createUser(user), principal: `User:${user}`, topic, sibling: `${topic}-sibling`, group: unique('verdict-group'), txn: unique('verdict-txn') };
  await createTopic(kafka, s.topic, ['msg-1']);
  await createTopic(kafka, s.sibling, ['msg-1']);
  return s;
}

type Shape = (s: Subject) => Omit<AclBinding, 'host'>[];
const acl = (s: Subject, permission: AclBinding['permission'], operation: AclBinding['operation'], resourceType: AclBinding['resourceType'], resourceName: string, patternType: AclBinding['patternType'] = 'literal', principal = s.principal) =>
  ({ principal, permission, operation, resourceType, resourceName, patternType });
const DENY_ALL: Shape = (s) => (['topic', 'group', 'transactional-id'] as const).map((t) => acl(s, 'deny', 'all', t, '*')).concat(acl(s, 'deny', 'all', 'cluster', 'kafka-cluster'));

const SHAPES: [string, Shape][] = [
  ['no ACL at all', () => []],
  ['ALLOW READ on the topic (DESCRIBE implied)', (s) => [acl(s, 'allow', 'read', 'topic', s.topic)]],
  ['ALLOW READ and DENY READ on the topic: DESCRIBE stays allowed', (s) => [acl(s, 'allow', 'read', 'topic', s.topic), acl(s, 'deny', 'read', 'topic', s.topic)]],
  ['ALLOW ALL on a prefix, DENY ALL on one literal topic under it', (s) => [acl(s, 'allow', 'all', 'topic', s.topic.slice(0, -4), 'prefixed'), acl(s, 'deny', 'all', 'topic', s.topic)]],
  ['ALLOW ALL and DENY ALL on every topic ("*")', (s) => [acl(s, 'allow', 'all', 'topic', '*'), acl(s, 'deny', 'all', 'topic', '*')]],
  ['ALLOW DESCRIBE on the group, DENY ALL on every group', (s) => [acl(s, 'allow', 'describe', 'group', s.group), acl(s, 'deny', 'all', 'group', '*')]],
  ['ALLOW DESCRIBE on the cluster', (s) => [acl(s, 'allow', 'describe', 'cluster', 'kafka-cluster')]],
  ['ALLOW DESCRIBE on the cluster, DENY ALL on kafka-cluster', (s) => [acl(s, 'allow', 'describe', 'cluster', 'kafka-cluster'), acl(s, 'deny', 'all', 'cluster', 'kafka-cluster')]],
  ['ALLOW WRITE on the transactional id', (s) => [acl(s, 'allow', 'write', 'transactional-id', s.txn)]],
  ['ALLOW READ on the topic to User:*', (s) => [acl(s, 'allow', 'read', 'topic', s.topic, 'literal', 'User:*')]],
  ['ALLOW READ on the topic from another host only', (s) => [{ ...acl(s, 'allow', 'read', 'topic', s.topic), host: '10.9.9.9' }]],
  ['kafka.acl.deny over ALLOWs on every type', (s) => [
    acl(s, 'allow', 'all', 'topic', s.topic.slice(0, 8), 'prefixed'), acl(s, 'allow', 'all', 'group', '*'), acl(s, 'allow', 'describe', 'cluster', 'kafka-cluster'),
    acl(s, 'allow', 'write', 'transactional-id', s.txn), ...DENY_ALL(s)]],
];

/** The verdict kafka.access.verify gives once every broker has the ACLs: it passes for exactly one expectation. */
function verdictOf(acts: typeof declared, principal: string): Promise<{ verdict: 'denied' | 'allowed'; reason: string }> {
  return eventually(async () => {
    try {
      await acts.verifyAccess(step({ principal, expect: 'denied' }));
      return { verdict: 'denied' as const, reason: '' };
    } catch (err) {
      await acts.verifyAccess(step({ principal, expect: 'allowed' }));
      return { verdict: 'allowed' as const, reason: String((err as Error).message) };
    }
  }, 30_000, `every broker to agree on ${principal}`);
}

describe('kafka.access.verify judges as the brokers do', () => {
  it.each(SHAPES)('%s', async (_name, shape) => {
    const s = await subject();
    const bindings = shape(s).map((b) => ({ host: '*', ...b }) as AclBinding);
    if (bindings.length) await createAcls(kafka, bindings);
    try {
      const { verdict, reason } = await verdictOf(declared, s.principal);
      // What verify's model says of each request, from the bindings that apply (the shape's, and User:*'s of other tests).
      const holding = async (principal: string) => (await declared.snapshotAcls(step({ principal }))).bindings;
      const applying = new Map([...await holding(s.principal), ...await holding('User:*'), ...bindings].map((b) => [aclKey(b), b]));
      const view = { bindings: [...applying.values()], superUsers: ['User:admin'], allowEveryoneIfNoAclFound: false };
      const predicted = Object.fromEntries(Object.entries(PROBES).map(([probe, needs]) =>
        [probe, needs(s).every((r) => authorize(view, r) === 'allowed')])) as Record<Probe, boolean>;
      const answered = await eventually(async () => {
        const now = await ask(s);
        return JSON.stringify(now) === JSON.stringify(predicted) ? now : undefined;
      }, 30_000, 'the brokers to answer as predicted').catch(async () => ask(s));
      expect(answered, `verify said ${verdict}${reason ? `: ${reason}` : ''}`).toEqual(predicted);
      // "denied" must mean the brokers refuse everything the principal tries.
      if (verdict === 'denied') expect(Object.values(answered).every((ok) => !ok), JSON.stringify(answered)).toBe(true);
      if (Object.values(answered).some(Boolean)) expect(verdict).toBe('allowed');
    } finally {
      // A User:* ALLOW would grant every principal of the shared cluster, other tests' included.
      if (bindings.length) await deleteAcls(kafka, bindings);
    }
  }, 120_000);
});

describe('deny + verify with no settings file (authorizer facts undeclared)', () => {
  it('passes on the dev cluster once every broker holds the DENYs, and the brokers refuse the principal everything', async () => {
    const s = await subject();
    await createAcls(kafka, [
      { resourceType: 'topic', resourceName: s.topic, patternType: 'literal', principal: s.principal, host: '*', operation: 'all', permission: 'allow' },
      { resourceType: 'cluster', resourceName: 'kafka-cluster', patternType: 'literal', principal: s.principal, host: '*', operation: 'describe', permission: 'allow' },
    ]);
    await eventually(async () => ((await ask(s))['read topic'] ? true : undefined), 30_000, 'the principal to read its topic');
    const plan = await undeclared.planDenyPrincipal(step({ principal: s.principal }));
    expect(plan.notes.join('\n')).toContain('allow.everyone.if.no.acl.found is hidden by the brokers and not declared');
    await undeclared.applyChanges({ incidentId: 'ir-verdict', step: 'deny', changes: plan.changes });
    const verified = await eventually(() => undeclared.verifyAccess(step({ principal: s.principal, expect: 'denied' })), 30_000, 'verify to pass');
    expect(verified.verdict).toBe('denied');
    expect(verified.brokers.map((b) => b.verdict)).toEqual(['denied', 'denied', 'denied']);
    expect(verified.unconfirmed).toBeUndefined();
    expect(Object.values(await ask(s)).some(Boolean)).toBe(false);
  }, 120_000);
});
