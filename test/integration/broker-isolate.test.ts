// kafka.broker.isolate against the real 3-broker cluster: replicas and leadership leave the broker, clients keep working, undo restores all.
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaActivities } from '../../activities/kafka/index.js';
import type { Change, Plan } from '../../src/model/plan.js';
import { parseIncidentId } from '../../src/model/incident.js';
import { Settings } from '../../src/model/settings.js';
import { abortLeftovers } from '../support/builtin-engine.js';
import { eventually, startTestEngine, type TestEngine } from '../support/engine.js';
import { infra, unique } from '../support/infra.js';
import { admin } from '../support/kafka.js';
import { brokerDynamicConfigs, describeTopics, topicDynamicConfigs } from '../support/kafka-tools.js';

const BROKER = 3;
// Caps high enough that other tests' clients on this shared cluster are never refused.
const CAPS = { maxConnections: 1000, maxConnectionCreationRate: 200 };
const dir = mkdtempSync(join(tmpdir(), 'broker-isolate-'));
const fenceLog = join(dir, 'fenced.log');
const kafka = admin();
const acts = kafkaActivities({ kafka, settings: Settings.parse({}), evidenceDir: dir });
const fencing = kafkaActivities({ kafka, settings: Settings.parse({ fenceCommand: ['sh', '-c', `echo "{brokerId} {host}" >> '${fenceLog}'`] }), evidenceDir: dir });
const req = (input: unknown) => ({ incidentId: unique('ir-isolate'), step: 'isolate', input });
const THROTTLE_KEYS = ['leader.replication.throttled.rate', 'follower.replication.throttled.rate', 'leader.replication.throttled.replicas', 'follower.replication.throttled.replicas'];
/** The replication throttle configs Kafka's ConfigCommand reports on brokers 1–3 and on `topics`. */
const throttleConfigs = (topics: string[]) => Object.fromEntries([
  ...[1, 2, 3].map((b) => [`broker ${b}`, brokerDynamicConfigs(b)] as const),
  ...topics.map((t) => [t, topicDynamicConfigs(t)] as const),
].map(([name, configs]) => [name, Object.fromEntries(Object.entries(configs).filter(([k]) => THROTTLE_KEYS.includes(k)))]));
const unthrottled = (topics: string[]) => Object.fromEntries([...[1, 2, 3].map((b) => `broker ${b}`), ...topics].map((n) => [n, {}]));
const apply = (changes: Change[]) => acts.applyChanges({ incidentId: 'ir-isolate-test', step: 'isolate', changes });

const rf3 = unique('iso-rf3');
const rf2 = unique('iso-rf2');
const strict = unique('iso-strict');
const mine = [rf3, rf2];
let plan: Plan | undefined;

/** Explicit assignments, so broker 3 leads a partition of each topic and is a follower of another. */
async function createAssigned(topic: string, assignment: number[][], minInsync: number): Promise<void> {
  await kafka.withAdmin('creating topic', (a) => a.createTopics({
    waitForLeaders: false,
    topics: [{ topic, replicaAssignment: assignment.map((replicas, partition) => ({ partition, replicas })), configEntries: [{ name: 'min.insync.replicas', value: String(minInsync) }] }],
  }));
  await eventually(async () => {
    const parts = describeTopics([topic]);
    return parts.length === assignment.length && parts.every((p) => p.leader === p.replicas[0] && p.isr.length === p.replicas.length) ? true : undefined;
  }, 30_000, `${topic} to have its preferred leaders and a full ISR`);
}

beforeAll(async () => {
  await createAssigned(rf3, [[3, 1, 2], [1, 3, 2]], 2);
  await createAssigned(rf2, [[3, 1], [2, 3]], 1);
  await createAssigned(strict, [[3, 1, 2]], 3);
  const producer = kafka.kafka.producer();
  await producer.connect();
  await producer.send({ topic: rf3, acks: -1, messages: ['a', 'b', 'c', 'd'].map((value, i) => ({ value, partition: i % 2 })) });
  await producer.disconnect();
});

afterAll(async () => {
  // Whatever a failed test left behind: the caps and throttles go, then the topics (their reassignments go with them).
  if (plan) await apply(plan.inverse.filter((c) => c.op === 'config.set' || c.op === 'partition.throttle')).catch(() => {});
  await kafka.withAdmin('deleting topics', (a) => a.deleteTopics({ topics: [rf3, rf2, strict] })).catch(() => {});
  await kafka.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('kafka.broker.isolate', () => {
  it('plans moves where a broker is free and drops where none is, and planning changes nothing', async () => {
    const before = describeTopics(mine);
    const configsBefore = brokerDynamicConfigs(BROKER);
    expect(throttleConfigs(mine)).toEqual(unthrottled(mine));
    plan = await acts.planIsolateBroker(req({ brokerId: BROKER, topics: mine, ...CAPS }));
    const moves = plan.changes.filter((c) => c.op === 'partition.reassign');
    expect(moves).toHaveLength(4);
    expect(moves).toEqual(expect.arrayContaining([
      { op: 'partition.reassign', topic: rf3, partition: 0, before: [3, 1, 2], after: [1, 2] },
      { op: 'partition.reassign', topic: rf3, partition: 1, before: [1, 3, 2], after: [1, 2] },
      { op: 'partition.reassign', topic: rf2, partition: 0, before: [3, 1], after: [1, 2] },
      { op: 'partition.reassign', topic: rf2, partition: 1, before: [2, 3], after: [2, 1] },
    ]));
    expect(plan.changes.filter((c) => c.op === 'config.set')).toEqual([
      { op: 'config.set', resource: 'broker', name: '3', key: 'max.connections', after: '1000' },
      { op: 'config.set', resource: 'broker', name: '3', key: 'max.connection.creation.rate', after: '200' },
    ]);
    // Only rf2 copies data (rf3 drops its replica on broker 3): every broker it involves gets the rate, its topic the replicas.
    const rate = String(50 * 1024 * 1024);
    expect(plan.changes.filter((c) => c.op === 'partition.throttle')).toEqual([
      ...['1', '2', '3'].flatMap((name) => ['leader', 'follower'].map((side) => ({ op: 'partition.throttle', resource: 'broker', name, key: `${side}.replication.throttled.rate`, during: rate }))),
      ...['leader', 'follower'].map((side) => ({ op: 'partition.throttle', resource: 'topic', name: rf2, key: `${side}.replication.throttled.replicas`, during: '0:3,0:1,0:2,1:2,1:3,1:1' })),
    ]);
    // Undo copies into broker 3 for both topics; leadership returns to each partition's first replica.
    expect(plan.inverse.flatMap((c) => (c.op === 'partition.throttle' && c.resource === 'topic' ? [c.name] : [])).sort()).toEqual([rf2, rf2, rf3, rf3].sort());
    expect(plan.inverse.filter((c) => c.op === 'leader.elect')).toEqual(expect.arrayContaining([
      { op: 'leader.elect', topic: rf3, partition: 0, leader: 3 }, { op: 'leader.elect', topic: rf2, partition: 1, leader: 2 },
    ]));
    expect(plan.summary).toMatch(/reassign 4 partition\(s\) off broker 3 \(throttled to 50 MiB\/s\)/);
    expect(plan.notes.join('\n')).toMatch(/then elects the preferred leaders/);
    const dropNote = plan.notes.find((n) => n.startsWith('no other broker can take a replica'));
    expect(dropNote).toContain(`${rf3}-0`);
    expect(dropNote).toContain(`${rf3}-1`);
    expect(dropNote).not.toContain(rf2);
    expect(describeTopics(mine)).toEqual(before);
    expect(brokerDynamicConfigs(BROKER)).toEqual(configsBefore);
  });

  it('refuses to drop below min.insync.replicas unless forced, naming the partition', async () => {
    await expect(acts.planIsolateBroker(req({ brokerId: BROKER, topics: [strict] })))
      .rejects.toThrow(new RegExp(`${strict}-0 \\(replicas 3→2, min.insync.replicas 3\\)`));
    const forced = await acts.planIsolateBroker(req({ brokerId: BROKER, topics: [strict], force: true, ...CAPS }));
    expect(forced.changes[0]).toEqual({ op: 'partition.reassign', topic: strict, partition: 0, before: [3, 1, 2], after: [1, 2] });
    expect(forced.notes.join('\n')).toMatch(/acks=all will be refused/);
  });

  it('drains the broker while a producer (acks=all) and a consumer keep working, and caps that broker only', async () => {
    const sent: string[] = [];
    const received = new Set<string>();
    const consumer = kafka.kafka.consumer({ groupId: unique('iso-reader'), maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: rf3, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => { received.add(message.value!.toString()); } });
    const producer = kafka.kafka.producer();
    await producer.connect();
    let producing = true;
    const loop = (async () => {
      for (let i = 0; producing; i++) {
        await producer.send({ topic: rf3, acks: -1, messages: [{ value: `m${i}` }] });
        sent.push(`m${i}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    try {
      const result = await apply(plan!.changes);
      expect(result).toEqual({ changed: plan!.changes, alreadyInPlace: 0 });
      producing = false;
      await loop;
      expect(sent.length).toBeGreaterThan(0);
      await eventually(async () => ([...sent, 'a', 'b', 'c', 'd'].every((v) => received.has(v)) ? true : undefined), 20_000, 'the consumer to read every acknowledged message');
    } finally {
      producing = false;
      await loop.catch(() => {});
      await producer.disconnect();
      await consumer.disconnect();
    }

    const after = describeTopics(mine);
    expect(after.map((p) => [p.topic, p.partition, p.replicas])).toEqual(
      plan!.changes.flatMap((c) => (c.op === 'partition.reassign' ? [[c.topic, c.partition, c.after]] : []))
        .sort((a, b) => String(a[0]).localeCompare(String(b[0])) || Number(a[1]) - Number(b[1])));
    expect(after.filter((p) => p.leader === BROKER || p.replicas.includes(BROKER) || p.isr.includes(BROKER))).toEqual([]);

    await eventually(async () => (brokerDynamicConfigs(BROKER)['max.connections'] === '1000' ? true : undefined), 10_000, 'broker 3 to report its cap');
    expect(brokerDynamicConfigs(BROKER)).toMatchObject({ 'max.connections': '1000', 'max.connection.creation.rate': '200' });
    expect(brokerDynamicConfigs(1)['max.connections']).toBeUndefined();
    expect(brokerDynamicConfigs(2)['max.connections']).toBeUndefined();
    // The throttle was held for the moves only.
    expect(throttleConfigs(mine)).toEqual(unthrottled(mine));
  });

  it('changes nothing when applied again', async () => {
    expect(await apply(plan!.changes)).toEqual({ changed: [], alreadyInPlace: plan!.changes.length });
  });

  it('undo restores the exact assignment, the preferred leaders and the configs, heartbeating while partitions move', async () => {
    const configsBefore = brokerDynamicConfigs(1);
    const beats: unknown[] = [];
    // The drain's own start-to-close timeout (workflows/dispatch.ts), which the mock would otherwise set to 1 s.
    const env = new MockActivityEnvironment({ startToCloseTimeoutMs: 3_600_000 });
    env.on('heartbeat', (d: unknown) => beats.push(d));
    const result = (await env.run(acts.applyChanges, { incidentId: 'ir-isolate-test', step: 'isolate', changes: plan!.inverse })) as { changed: Change[]; alreadyInPlace: number };
    expect(beats.at(-1)).toMatchObject({ moved: 4, remaining: 0, of: 4 });

    const restored = describeTopics(mine);
    expect(restored.map((p) => [p.topic, p.partition, p.replicas])).toEqual([
      [rf2, 0, [3, 1]], [rf2, 1, [2, 3]], [rf3, 0, [3, 1, 2]], [rf3, 1, [1, 3, 2]],
    ].sort((a, b) => String(a[0]).localeCompare(String(b[0])) || Number(a[1]) - Number(b[1])));
    // Broker 3 led rf3-0 and rf2-0 before the drain: kafka-ir elected it again; the others kept their preferred leader throughout.
    expect(result.changed).toEqual(plan!.inverse.filter((c) => c.op !== 'leader.elect' || (c.leader === BROKER)));
    expect(result.alreadyInPlace).toBe(2);
    await eventually(async () => (describeTopics(mine).every((p) => p.leader === p.replicas[0]) ? true : undefined), 10_000, 'every partition to be led by its preferred replica');
    await eventually(async () => (brokerDynamicConfigs(BROKER)['max.connections'] === undefined ? true : undefined), 10_000, 'broker 3 to drop its cap');
    expect(brokerDynamicConfigs(BROKER)['max.connection.creation.rate']).toBeUndefined();
    expect(brokerDynamicConfigs(1)).toEqual(configsBefore);
    expect(throttleConfigs(mine)).toEqual(unthrottled(mine));
    expect(await apply(plan!.inverse)).toEqual({ changed: [], alreadyInPlace: plan!.inverse.length });
  });

  it('runs the fence command with the broker id and host substituted', async () => {
    const fenced = await fencing.planIsolateBroker(req({ brokerId: BROKER, topics: mine, ...CAPS }));
    const fence = fenced.changes.filter((c) => c.op === 'broker.fence');
    expect(fence).toEqual([{ op: 'broker.fence', brokerId: 3, host: '127.0.0.1', command: ['sh', '-c', `echo "3 127.0.0.1" >> '${fenceLog}'`] }]);
    expect(fenced.inverse.some((c) => c.op === 'broker.fence')).toBe(false);
    await apply(fence);
    expect(readFileSync(fenceLog, 'utf8')).toBe('3 127.0.0.1\n');
  });
});

describe('a drain slowed by its throttle past the attempt budget (incident engine, Temporal retries)', () => {
  const slow = unique('iso-slow');
  const runbookId = unique('slow-drain');
  const runbooks = join(dir, 'slow-drain-runbooks');
  const opened: string[] = [];
  let engine: TestEngine | undefined;
  let temporal: Client | undefined;
  let slowPlan: Plan | undefined;

  beforeAll(async () => {
    mkdirSync(runbooks);
    cpSync('test/fixtures/runbooks/_roster.yaml', join(runbooks, '_roster.yaml'));
    writeFileSync(join(runbooks, `${runbookId}.yaml`), [
      `id: ${runbookId}`, 'version: 1', 'title: Isolate a broker from the alert topics under a low throttle, restore it when a commander approves',
      `match: { kind: [test.${runbookId}] }`, 'subject: brokerId', 'phases:', '  containment:',
      '    - id: isolate',
      '      action: kafka.broker.isolate',
      '      with: { brokerId: "${alert.subject.brokerId}", topics: "${alert.subject.topics}", maxConnections: 1000, maxConnectionCreationRate: 200, replicationThrottle: 64KiB }',
      '  recovery:',
      '    - id: restore',
      '      undo: isolate',
      '      approval: { from: [incident-commanders], timeout: 1h, onTimeout: abort }',
    ].join('\n'));
    // The attempt budget made small through the settings file, as an operator would: every attempt hands over after 2 s.
    writeFileSync(join(dir, 'slow-drain.yaml'), 'reassignment: { attemptWait: 2s }\n');
    await createAssigned(slow, [[3, 1]], 1);
    // 25 × 100 KiB that does not compress: at 64 KiB/s, after the quota's initial allowance, half a minute of copying each way.
    const producer = kafka.kafka.producer();
    await producer.connect();
    for (let batch = 0; batch < 5; batch++) {
      await producer.send({ topic: slow, acks: -1, messages: Array.from({ length: 5 }, () => ({ partition: 0, value: randomBytes(100 * 1024) })) });
    }
    await producer.disconnect();
    engine = await startTestEngine({ KAFKA_IR_RUNBOOKS: runbooks, KAFKA_IR_CONFIG: join(dir, 'slow-drain.yaml'), KAFKA_IR_EVIDENCE_DIR: join(dir, 'evidence') });
    temporal = new Client({ connection: await Connection.connect({ address: infra().TEMPORAL_ADDRESS }) });
  });

  afterAll(async () => {
    // A failed run leaves nothing moved, throttled or capped: the incident rolls back, and the inverse is applied again directly.
    if (engine) await abortLeftovers(engine, opened);
    if (slowPlan) await apply(slowPlan.inverse).catch((err: unknown) => console.warn(`could not undo the slow drain: ${String(err)}`));
    await engine?.close();
    await temporal?.connection.close();
    await kafka.withAdmin('deleting topics', (a) => a.deleteTopics({ topics: [slow] })).catch(() => {});
  });

  it('completes across attempts with its progress in the heartbeats; undo moves the replica back, elects broker 3 and lifts the throttle', async () => {
    const res = await engine!.post('/v1/alerts', {
      kind: `test.${runbookId}`, severity: 'high', summary: 'slow drain', source: 'broker-isolate.test', observedAt: new Date().toISOString(),
      subject: { brokerId: BROKER, topics: [slow] },
    });
    const id: string = res.body.incidents[0].id;
    opened.push(id);
    const handle = temporal!.workflow.getHandle(parseIncidentId(id)!.workflowId);
    const pendingApply = async () => {
      const pending = (await handle.describe()).raw.pendingActivities?.find((a) => a.activityType?.name === 'applyChanges');
      const payload = pending?.heartbeatDetails?.payloads?.[0];
      return pending && {
        attempt: pending.attempt ?? 0,
        lastFailure: pending.lastFailure?.message ?? '',
        progress: payload ? defaultPayloadConverter.fromPayload<{ moved: number; remaining: number; bytes?: { copied: number; total: number } }>(payload) : undefined,
      };
    };

    // While the replica copies: a later attempt, the handover said why, bytes copied so far in the heartbeats.
    const moving = await eventually(async () => {
      const p = await pendingApply();
      return p && p.attempt >= 2 && (p.progress?.bytes?.copied ?? 0) > 0 ? p : undefined;
    }, 60_000, 'a second attempt of the drain reporting bytes copied');
    slowPlan = (await engine!.stepOf(id, 'isolate')).plan;
    expect(moving.progress).toMatchObject({ moved: 0, remaining: 1, bytes: { total: expect.any(Number) } });
    expect(moving.progress!.bytes!.total).toBeGreaterThanOrEqual(25 * 100 * 1024);
    expect(moving.lastFailure).toMatch(/^1 of 1 partition\(s\) still moving, .* copied — the moves go on/);
    // Nothing else may plan a move of a partition already moving.
    await expect(acts.planIsolateBroker(req({ brokerId: BROKER, topics: [slow] }))).rejects.toThrow(`partitions already being reassigned: ${slow}-0`);
    // The throttle is in place, on the broker receiving the copy and on the topic (Kafka's ConfigCommand).
    expect(brokerDynamicConfigs(2)).toMatchObject({ 'leader.replication.throttled.rate': '65536', 'follower.replication.throttled.rate': '65536' });
    expect(topicDynamicConfigs(slow)).toMatchObject({ 'leader.replication.throttled.replicas': '0:3,0:1,0:2', 'follower.replication.throttled.replicas': '0:3,0:1,0:2' });

    await engine!.waitForStep(id, 'restore', 'awaiting_approval', 120_000);
    const isolate = await engine!.stepOf(id, 'isolate');
    expect(isolate.status).toBe('done');
    // The output tells what the last attempt did: a move that finished while Temporal waited to retry counts as in place.
    expect(slowPlan!.changes).toEqual(expect.arrayContaining(isolate.output.changed));
    expect(isolate.output.changed.length + isolate.output.alreadyInPlace).toBe(slowPlan!.changes.length);
    expect(describeTopics([slow])).toMatchObject([{ replicas: [1, 2], leader: 1 }]);
    expect(throttleConfigs([slow])).toEqual(unthrottled([slow]));
    // Temporal's record: the apply was scheduled with the drain's heartbeat timeout and completed on a later attempt.
    const events = (await handle.fetchHistory()).events ?? [];
    const scheduled = events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'applyChanges')!;
    const started = events.find((e) => String(e.activityTaskStartedEventAttributes?.scheduledEventId) === String(scheduled.eventId))!;
    expect(Number(scheduled.activityTaskScheduledEventAttributes!.heartbeatTimeout!.seconds)).toBe(60);
    expect(started.activityTaskStartedEventAttributes!.attempt).toBeGreaterThan(1);

    await engine!.decide(id, 'restore', 'carol');
    await engine!.waitForStep(id, 'restore', 'done', 180_000);
    expect((await engine!.stepOf(id, 'restore')).output).toMatchObject({
      undone: 'isolate', changed: expect.arrayContaining([{ op: 'leader.elect', topic: slow, partition: 0, leader: BROKER }]),
    });
    await eventually(async () => {
      const [p] = describeTopics([slow]);
      return p && p.leader === BROKER && p.isr.length === 2 ? p : undefined;
    }, 10_000, `${slow}-0 to be led by broker 3 again`);
    expect(describeTopics([slow])).toMatchObject([{ replicas: [3, 1], leader: 3 }]);
    expect(throttleConfigs([slow])).toEqual(unthrottled([slow]));
    await engine!.closed(id);
  }, 360_000);
});
