// kafka.broker.isolate against the real 3-broker cluster: replicas and leadership leave the broker, clients keep working, undo restores all.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaActivities } from '../../activities/kafka/index.js';
import type { Change, Plan } from '../../src/model/plan.js';
import { Settings } from '../../src/model/settings.js';
import { eventually } from '../support/engine.js';
import { unique } from '../support/infra.js';
import { admin } from '../support/kafka.js';
import { brokerDynamicConfigs, describeTopics } from '../support/kafka-tools.js';

const BROKER = 3;
// Caps high enough that other tests' clients on this shared cluster are never refused.
const CAPS = { maxConnections: 1000, maxConnectionCreationRate: 200 };
const dir = mkdtempSync(join(tmpdir(), 'broker-isolate-'));
const fenceLog = join(dir, 'fenced.log');
const kafka = admin();
const acts = kafkaActivities({ kafka, settings: Settings.parse({}), evidenceDir: dir });
const fencing = kafkaActivities({ kafka, settings: Settings.parse({ fenceCommand: ['sh', '-c', `echo "{brokerId} {host}" >> '${fenceLog}'`] }), evidenceDir: dir });
const req = (input: unknown) => ({ incidentId: unique('ir-isolate'), step: 'isolate', input });
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
  // Whatever a failed test left behind: the caps go, then the topics (their reassignments go with them).
  if (plan) await apply(plan.inverse.filter((c) => c.op === 'config.set')).catch(() => {});
  await kafka.withAdmin('deleting topics', (a) => a.deleteTopics({ topics: [rf3, rf2, strict] })).catch(() => {});
  await kafka.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('kafka.broker.isolate', () => {
  it('plans moves where a broker is free and drops where none is, and planning changes nothing', async () => {
    const before = describeTopics(mine);
    const configsBefore = brokerDynamicConfigs(BROKER);
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
    expect(plan.notes.join('\n')).toMatch(/preferred leader election/);
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
  });

  it('changes nothing when applied again', async () => {
    expect(await apply(plan!.changes)).toEqual({ changed: [], alreadyInPlace: plan!.changes.length });
  });

  it('undo restores the exact assignment and configs, heartbeating while partitions move', async () => {
    const configsBefore = brokerDynamicConfigs(1);
    const beats: unknown[] = [];
    const env = new MockActivityEnvironment();
    env.on('heartbeat', (d: unknown) => beats.push(d));
    const result = (await env.run(acts.applyChanges, { incidentId: 'ir-isolate-test', step: 'isolate', changes: plan!.inverse })) as { changed: Change[] };
    expect(result.changed).toHaveLength(plan!.inverse.length);
    expect(beats.at(-1)).toEqual({ reassigned: 4, of: 4 });

    const restored = describeTopics(mine);
    expect(restored.map((p) => [p.topic, p.partition, p.replicas])).toEqual([
      [rf2, 0, [3, 1]], [rf2, 1, [2, 3]], [rf3, 0, [3, 1, 2]], [rf3, 1, [1, 3, 2]],
    ].sort((a, b) => String(a[0]).localeCompare(String(b[0])) || Number(a[1]) - Number(b[1])));
    await eventually(async () => (brokerDynamicConfigs(BROKER)['max.connections'] === undefined ? true : undefined), 10_000, 'broker 3 to drop its cap');
    expect(brokerDynamicConfigs(BROKER)['max.connection.creation.rate']).toBeUndefined();
    expect(brokerDynamicConfigs(1)).toEqual(configsBefore);
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
