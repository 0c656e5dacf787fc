// kafka.blastRadius against the real cluster: ACL reach with DENY precedence, group members, consumption as a lower bound.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Consumer } from 'kafkajs';
import { kafkaActivities } from '../../activities/kafka/index.js';
import { Settings } from '../../src/model/settings.js';
import { eventually } from '../support/engine.js';
import { unique } from '../support/infra.js';
import { admin, createTopic, createUser, userKafka } from '../support/kafka.js';
import { kcatConsume } from '../support/kcat.js';
import { toAclEntry } from '../../adapters/kafka/acls.js';
import type { AclBinding } from '../../src/model/acl.js';

const N = 4;
const dir = mkdtempSync(join(tmpdir(), 'blast-radius-'));
const kafka = admin();
const base = unique('br');
const prefix = `${base}-pay-`;
const [A, B, C, D] = [`${base}-lit`, `${prefix}b`, `${prefix}c`, `${base}-dark`];
const user = unique('eve');
const principal = `User:${user}`;
const group = unique('eve-group');
const acts = kafkaActivities({
  kafka, evidenceDir: dir,
  settings: Settings.parse({
    classifications: [{ topic: `${prefix}*`, label: 'payments' }, { topic: D, label: 'pii' }],
    authorizer: { superUsers: ['User:admin'] },
  }),
});
let password: string;
let consumer: Consumer;
let since: string;

const acl = (b: Omit<AclBinding, 'principal' | 'host'>): AclBinding => ({ ...b, principal, host: '*' });
const ours = (topics: string[]) => topics.filter((t) => t.startsWith(base));

beforeAll(async () => {
  password = await createUser(user);
  since = new Date(Date.now() - 1_000).toISOString();
  for (const t of [A, B, C, D]) await createTopic(kafka, t, Array.from({ length: N }, (_, i) => `${t}-${i}`));
  await kafka.withAdmin('creating ACLs', (a) => a.createAcls({ acl: [
    acl({ resourceType: 'topic', resourceName: A, patternType: 'literal', operation: 'read', permission: 'allow' }),
    acl({ resourceType: 'topic', resourceName: prefix, patternType: 'prefixed', operation: 'read', permission: 'allow' }),
    acl({ resourceType: 'topic', resourceName: C, patternType: 'literal', operation: 'read', permission: 'deny' }),
    acl({ resourceType: 'topic', resourceName: D, patternType: 'literal', operation: 'read', permission: 'allow' }),
    acl({ resourceType: 'topic', resourceName: '*', patternType: 'literal', operation: 'write', permission: 'allow' }),
    acl({ resourceType: 'topic', resourceName: A, patternType: 'literal', operation: 'write', permission: 'deny' }),
    acl({ resourceType: 'group', resourceName: group, patternType: 'literal', operation: 'read', permission: 'allow' }),
  ].map(toAclEntry) }));

  // Its group consumes all of A and B (and commits); it stays connected so it shows as a member.
  const received: string[] = [];
  consumer = await eventually(async () => {
    const c = userKafka(user, password).consumer({ groupId: group, maxWaitTimeInMs: 200 });
    // Brokers learn new ACLs a moment apart: a fetch refused on the way in crashes the consumer, so try again.
    let crash: Error | undefined;
    c.on(c.events.CRASH, (e) => { crash = e.payload.error; });
    try {
      await c.connect();
      await c.subscribe({ topics: [A, B], fromBeginning: true });
      await c.run({ eachMessage: async ({ message }) => { received.push(message.value?.toString() ?? ''); } });
      for (let i = 0; i < 100 && received.length === 0 && !crash; i++) await new Promise((r) => setTimeout(r, 100));
      if (crash) throw crash;
      return c;
    } catch (err) {
      await c.disconnect();
      throw err;
    }
  }, 20_000, `${user} to join ${group}`);
  await eventually(async () => (received.length === 2 * N ? true : undefined), 60_000, 'the group to consume A and B');
  await eventually(async () => {
    const offsets = await kafka.withAdmin('reading offsets', (a) => a.fetchOffsets({ groupId: group, topics: [A, B] }));
    return offsets.every((t) => t.partitions.every((p) => p.offset === String(N))) ? true : undefined;
  }, 20_000, 'the group to commit');
  // A group-less reader (assign mode) reads D: it leaves no offsets behind.
  const dark = kcatConsume(user, password, D);
  expect(dark.status, dark.stderr).toBe(0);
  expect(dark.stdout.trim().split('\n')).toHaveLength(N);
});

afterAll(async () => {
  await consumer?.disconnect();
  await kafka.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('kafka.blastRadius', () => {
  it('reports reach with DENY precedence, the group with its member, consumption by groups only, and the caveat', async () => {
    const r = await acts.measureBlastRadius({ incidentId: unique('ir-br'), step: 'blast', input: { principal, since } });
    expect(r.superUser).toBe(false);
    expect(r.notes).toEqual([]);
    expect(ours(r.readableTopics)).toEqual([D, A, B].sort());
    expect(ours(r.writableTopics)).toEqual([D, B, C].sort());
    expect(r.groups).toEqual([{ id: group, state: 'Stable', members: [{ clientId: `test-${user}`, host: expect.stringContaining('127.0.0.1') }] }]);
    expect(r.consumed).toEqual([{ topic: A, messages: N }, { topic: B, messages: N }].sort((x, y) => x.topic.localeCompare(y.topic)));
    expect(r.readTopics.sort()).toEqual([A, B].sort());
    expect(r.classified).toEqual([{ topic: D, label: 'pii', status: 'atRisk' }, { topic: B, label: 'payments', status: 'read' }]
      .sort((x, y) => x.topic.localeCompare(y.topic)));
    expect(r.caveat).toMatch(/lower bound.*without a consumer group/);
  });

  it('agrees with the broker: kcat as the principal reads exactly the topics reported readable', async () => {
    const r = await acts.measureBlastRadius({ incidentId: unique('ir-br'), step: 'blast', input: { principal, since } });
    for (const t of [A, B, C, D]) {
      const res = kcatConsume(user, password, t);
      expect({ t, readable: res.status === 0 }).toEqual({ t, readable: r.readableTopics.includes(t) });
      if (res.status !== 0) expect(res.stderr).toMatch(/[Aa]uthoriz/);
    }
  });

  it('counts nothing consumed before `since`', async () => {
    const r = await acts.measureBlastRadius({ incidentId: unique('ir-br'), step: 'blast', input: { principal, since: new Date().toISOString() } });
    expect(r.consumed).toEqual([]);
    expect(r.classified.map((c) => c.status)).toEqual(['atRisk', 'atRisk']);
  });

  it('says a (declared) super user reaches every topic, ACLs or not', async () => {
    const r = await acts.measureBlastRadius({ incidentId: unique('ir-br'), step: 'blast', input: { principal: 'User:admin', since } });
    expect(r.superUser).toBe(true);
    expect(ours(r.readableTopics)).toEqual([A, B, C, D].sort());
    expect(ours(r.writableTopics)).toEqual([A, B, C, D].sort());
  });

  // Kafka 3.9 reports super.users (an authorizer config) as sensitive, without a value.
  it('says when it cannot tell whether the principal is a super user, and what that would mean', async () => {
    const blind = kafkaActivities({ kafka, evidenceDir: dir, settings: Settings.parse({}) });
    const r = await blind.measureBlastRadius({ incidentId: unique('ir-br'), step: 'blast', input: { principal: 'User:admin', since } });
    expect(r.superUser).toBe('unknown');
    expect(r.notes).toEqual([expect.stringMatching(/^the brokers do not reveal super.users and KAFKA_IR_CONFIG declares none .*User:admin is a super user, it can read and write every topic/)]);
  });
});
