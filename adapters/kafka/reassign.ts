// Partition reassignments (KIP-455): submitted exactly as planned under a replication throttle, then waited for until data moved and leadership followed.
import { KafkaIrError } from '../../src/model/errors.js';
import type { Change } from '../../src/model/plan.js';
import { liveBrokers } from './broker-config.js';
import type { KafkaClient } from './client.js';
import { replicaSizes } from './log-dirs.js';
import { holdThrottles, type ThrottleChange } from './replication-throttle.js';

type ReassignChange = Extract<Change, { op: 'partition.reassign' }>;
export interface PartitionNow { replicas: number[]; leader: number; isr: number[] }
/** How far the moves got, told on every poll; `bytes` (when the brokers report their log sizes) covers the partitions still copying. */
export interface MoveProgress { moved: number; remaining: number; of: number; bytes?: { copied: number; total: number } }
/** Told of every poll; throwing stops the wait (the attempt is over, the drain stalled, the activity was cancelled). */
export type OnMoveProgress = (p: MoveProgress) => void;

const POLL_MS = 1_000;

const key = (topic: string, partition: number) => `${topic}-${partition}`;
const same = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Current replicas (in assignment order), leader and ISR of every partition of `topics` (all topics when omitted). */
export async function readPartitions(client: KafkaClient, topics?: string[]): Promise<Map<string, PartitionNow & { topic: string; partition: number }>> {
  const { topics: meta } = await client.withAdmin('reading topic metadata', (a) => a.fetchTopicMetadata(topics ? { topics } : undefined));
  return new Map(meta.flatMap((t) => t.partitions.map((p) => [key(t.name, p.partitionId),
    { topic: t.name, partition: p.partitionId, replicas: p.replicas, leader: p.leader, isr: p.isr }] as const)));
}

/** The target replica list of every reassignment still in progress for `topics`. */
export async function ongoingReassignments(client: KafkaClient, topics: string[]): Promise<Map<string, number[]>> {
  if (!topics.length) return new Map();
  const res = await client.withAdmin('listing partition reassignments', (a) => a.listPartitionReassignments({}));
  const wanted = new Set(topics);
  // kafkajs' typings say `topic` and `partitionIndex`; its decoder returns the protocol's `name` and `partition`.
  const listed = res.topics as unknown as { name: string; partitions: { partition: number; replicas: number[]; removingReplicas: number[] }[] }[];
  return new Map(listed.filter((t) => wanted.has(t.name)).flatMap((t) => t.partitions.map((p) =>
    [key(t.name, p.partition), p.replicas.filter((r) => !p.removingReplicas.includes(r))] as const)));
}

/**
 * Holds the replication throttle while the moves that are not yet in place are submitted (or found in flight) and
 * waited for until every partition has exactly its planned replicas, then lifts it. A move in flight towards the
 * planned `before` (an undo while the drain still runs) is replaced by its target, as KIP-455 allows.
 */
export async function applyReassignments(
  client: KafkaClient, changes: Change[], onProgress: OnMoveProgress = () => {},
): Promise<{ changed: Change[]; alreadyInPlace: number }> {
  const moves = changes.filter((c): c is ReassignChange => c.op === 'partition.reassign');
  const throttles = changes.filter((c): c is ThrottleChange => c.op === 'partition.throttle');
  const topics = [...new Set(moves.map((m) => m.topic))];
  const [now, ongoing] = await Promise.all([readPartitions(client, topics), ongoingReassignments(client, topics)]);
  const submit: ReassignChange[] = [];
  const inFlight: ReassignChange[] = [];
  for (const m of moves) {
    const target = ongoing.get(key(m.topic, m.partition));
    const replicas = now.get(key(m.topic, m.partition))?.replicas ?? [];
    if (target ? same(target, m.after) : same(replicas, m.after)) {
      if (target) inFlight.push(m);
    } else if (target ? same(target, m.before) : same(replicas, m.before)) {
      submit.push(m);
    } else if (!target && settling(replicas, m)) {
      // Between the two: a move to the plan's target that the controller just finished, not yet in every broker's metadata.
      inFlight.push(m);
    } else {
      throw new KafkaIrError('PLAN_DRIFT',
        `${key(m.topic, m.partition)} has replicas [${replicas.join(',')}]${target ? ` moving to [${target.join(',')}]` : ''}, but the plan expected [${m.before.join(',')}]`,
        'the assignment changed since the plan was made: plan again');
    }
  }
  const done = new Set<Change>();
  const waiting = [...submit, ...inFlight];
  if (waiting.length) for (const t of await holdThrottles(client, throttles, 'during')) done.add(t);
  if (submit.length) {
    const submitTopics = [...new Set(submit.map((m) => m.topic))];
    await client.withAdmin('reassigning partitions', (a) => a.alterPartitionReassignments({
      topics: submitTopics.map((topic) => ({
        topic, partitionAssignment: submit.filter((m) => m.topic === topic).map((m) => ({ partition: m.partition, replicas: m.after })),
      })),
    }));
  }
  if (waiting.length) await waitForAssignments(client, waiting, onProgress);
  for (const t of await holdThrottles(client, throttles, 'before')) done.add(t);
  for (const m of waiting) done.add(m);
  const changed = changes.filter((c) => done.has(c));
  return { changed, alreadyInPlace: moves.length + throttles.length - changed.length };
}

/** Replicas that hold every planned one and only brokers of the plan's before or after: a move towards `after` ending. */
function settling(replicas: number[], m: ReassignChange): boolean {
  return replicas.length > m.after.length && m.after.every((b) => replicas.includes(b)) && replicas.every((b) => m.before.includes(b) || m.after.includes(b));
}

/** Bytes the new replicas of `moves` hold, against what their leaders hold; undefined where the brokers do not say. */
async function copiedBytes(client: KafkaClient, moves: ReassignChange[], now: Map<string, PartitionNow>): Promise<MoveProgress['bytes']> {
  const copies = moves.flatMap((m) => {
    const p = now.get(key(m.topic, m.partition));
    return p ? m.after.filter((b) => !m.before.includes(b)).map((to) => ({ topic: m.topic, partition: m.partition, to, from: p.leader })) : [];
  });
  if (!copies.length) return undefined;
  const ids = new Set(copies.flatMap((c) => [c.to, c.from]));
  const brokers = (await liveBrokers(client)).filter((b) => ids.has(b.id));
  const sizes = await replicaSizes(client.settings, brokers, copies).catch(() => undefined);
  if (!sizes) return undefined;
  return copies.reduce((sum, c) => {
    const total = sizes.get(`${key(c.topic, c.partition)}@${c.from}`) ?? 0;
    return { copied: sum.copied + Math.min(total, sizes.get(`${key(c.topic, c.partition)}@${c.to}`) ?? 0), total: sum.total + total };
  }, { copied: 0, total: 0 });
}

async function waitForAssignments(client: KafkaClient, moves: ReassignChange[], onProgress: OnMoveProgress): Promise<void> {
  const topics = [...new Set(moves.map((m) => m.topic))];
  for (;;) {
    const [now, ongoing] = await Promise.all([readPartitions(client, topics), ongoingReassignments(client, topics)]);
    const pending = moves.filter((m) => {
      const p = now.get(key(m.topic, m.partition));
      // Done: no longer moving, exactly the planned replicas, and led by one of them (the controller elects one from the ISR).
      return ongoing.has(key(m.topic, m.partition)) || !p || !same(p.replicas, m.after) || !m.after.includes(p.leader);
    });
    const bytes = pending.length ? await copiedBytes(client, pending, now) : undefined;
    onProgress({ moved: moves.length - pending.length, remaining: pending.length, of: moves.length, ...(bytes ? { bytes } : {}) });
    if (!pending.length) return;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
