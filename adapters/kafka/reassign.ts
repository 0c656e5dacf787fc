// Partition reassignments (KIP-455): submitted exactly as planned, then waited for until data moved and leadership followed.
import { KafkaIrError } from '../../src/model/errors.js';
import type { Change } from '../../src/model/plan.js';
import type { KafkaClient } from './client.js';

type ReassignChange = Extract<Change, { op: 'partition.reassign' }>;
export interface PartitionNow { replicas: number[]; leader: number; isr: number[] }
/** Partitions moved so far, of those submitted or already moving: told on every poll. */
export interface ReassignProgress { reassigned: number; of: number }

/** Under the 30-second start-to-close timeout of the `kafka` activity proxy: a longer move is retried, not resubmitted. */
const WAIT_MS = 20_000;
const POLL_MS = 500;

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
  return new Map(res.topics.filter((t) => wanted.has(t.topic)).flatMap((t) => t.partitions.map((p) =>
    [key(t.topic, p.partitionIndex), p.replicas.filter((r) => !(p.removingReplicas ?? []).includes(r))] as const)));
}

/** Submits the reassignments that are not yet in place or in flight, and waits until every partition has exactly its planned replicas. */
export async function applyReassignments(
  client: KafkaClient, changes: Change[], onProgress: (p: ReassignProgress) => void = () => {},
): Promise<{ changed: Change[]; alreadyInPlace: number }> {
  const moves = changes.filter((c): c is ReassignChange => c.op === 'partition.reassign');
  const topics = [...new Set(moves.map((m) => m.topic))];
  const [now, ongoing] = await Promise.all([readPartitions(client, topics), ongoingReassignments(client, topics)]);
  const submit: ReassignChange[] = [];
  const inFlight: ReassignChange[] = [];
  for (const m of moves) {
    const target = ongoing.get(key(m.topic, m.partition));
    const replicas = now.get(key(m.topic, m.partition))?.replicas ?? [];
    if (target ? same(target, m.after) : same(replicas, m.after)) {
      if (target) inFlight.push(m);
    } else if (!target && same(replicas, m.before)) {
      submit.push(m);
    } else {
      throw new KafkaIrError('PLAN_DRIFT',
        `${key(m.topic, m.partition)} has replicas [${replicas.join(',')}]${target ? ` moving to [${target.join(',')}]` : ''}, but the plan expected [${m.before.join(',')}]`,
        'the assignment changed since the plan was made: plan again');
    }
  }
  if (submit.length) {
    const submitTopics = [...new Set(submit.map((m) => m.topic))];
    await client.withAdmin('reassigning partitions', (a) => a.alterPartitionReassignments({
      topics: submitTopics.map((topic) => ({
        topic, partitionAssignment: submit.filter((m) => m.topic === topic).map((m) => ({ partition: m.partition, replicas: m.after })),
      })),
    }));
  }
  const waiting = [...submit, ...inFlight];
  if (waiting.length) await waitForAssignments(client, waiting, onProgress);
  return { changed: waiting, alreadyInPlace: moves.length - waiting.length };
}

async function waitForAssignments(client: KafkaClient, moves: ReassignChange[], onProgress: (p: ReassignProgress) => void): Promise<void> {
  const topics = [...new Set(moves.map((m) => m.topic))];
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const [now, ongoing] = await Promise.all([readPartitions(client, topics), ongoingReassignments(client, topics)]);
    const pending = moves.filter((m) => {
      const p = now.get(key(m.topic, m.partition));
      // Done: no longer moving, exactly the planned replicas, and led by one of them (the controller elects one from the ISR).
      return ongoing.has(key(m.topic, m.partition)) || !p || !same(p.replicas, m.after) || !m.after.includes(p.leader);
    });
    onProgress({ reassigned: moves.length - pending.length, of: moves.length });
    if (!pending.length) return;
    if (Date.now() > deadline) {
      throw new KafkaIrError('REASSIGNMENT_IN_PROGRESS',
        `${pending.length} of ${moves.length} partition(s) still moving: ${pending.slice(0, 10).map((m) => key(m.topic, m.partition)).join(', ')}`,
        'large partitions take a while to copy; the step is retried and waits again without resubmitting');
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
