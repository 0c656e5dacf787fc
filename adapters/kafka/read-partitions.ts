// Reads offset ranges of partitions in parallel into one part file each, with a throw-away consumer group it deletes.
import { randomUUID } from 'node:crypto';
import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { evidenceLine } from '../evidence/evidence-record.js';
import type { ReadLimits } from '../evidence/merge-parts.js';
import { mapKafkaError, type KafkaClient } from './client.js';

/** Messages at offsets start (inclusive) to end (exclusive); with `include`, only those inside one of its [from, to) spans. */
export interface PartitionRange { topic: string; partition: number; start: number; end: number; include?: [number, number][] }
/** `complete`: read to the end of the range; `limited`: a message in it was left out for the limits. */
export interface PartitionRead extends PartitionRange { file: string; messages: number; bytes: number; complete: boolean; limited: boolean }
export interface ReadProgress { messages: number; bytes: number; partitionsDone: number; partitions: number }

/**
 * Reads every range; `ranges` is in the order the capture is assembled in. A partition stops early once it and the
 * ranges before it reach a limit: whatever it read further could not make it into the capture, and the result does
 * not depend on which partition the broker answered first.
 */
export async function readPartitions(
  client: KafkaClient, ranges: PartitionRange[], partsDir: string, mask: string[], limits: ReadLimits,
  onProgress: (p: ReadProgress) => void, signal?: AbortSignal,
): Promise<PartitionRead[]> {
  const reads: PartitionRead[] = ranges.map((r, i) => ({ ...r, file: join(partsDir, `${i}.part`), messages: 0, bytes: 0, complete: r.start >= r.end, limited: false }));
  await Promise.all(reads.map((r) => writeFile(r.file, '')));
  const stopped = new Set(reads.filter((r) => r.complete));
  const index = new Map(reads.map((r) => [`${r.partition}@${r.topic}`, r]));
  const reachedLimit = (r: PartitionRead) => {
    const upTo = reads.slice(0, reads.indexOf(r) + 1);
    const sum = (f: (x: PartitionRead) => number) => upTo.reduce((n, x) => n + f(x), 0);
    return (limits.maxBytes !== undefined && sum((x) => x.bytes) >= limits.maxBytes)
      || (limits.maxMessages !== undefined && sum((x) => x.messages) >= limits.maxMessages);
  };
  const progress = () => onProgress({
    messages: reads.reduce((n, r) => n + r.messages, 0), bytes: reads.reduce((n, r) => n + r.bytes, 0),
    partitionsDone: stopped.size, partitions: reads.length,
  });
  if (stopped.size === reads.length) return reads;

  const groupId = `kafka-ir-evidence-${randomUUID()}`;
  const consumer = client.kafka.consumer({
    groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 500, retry: { retries: 1, restartOnFailure: async () => false },
  });
  let finish!: () => void;
  let fail!: (err: unknown) => void;
  const finished = new Promise<void>((resolve, reject) => { finish = resolve; fail = reject; });
  // A crash before anyone awaits `finished` (e.g. during connect) must not become an unhandled rejection.
  finished.catch(() => undefined);
  const stop = (r: PartitionRead) => {
    if (stopped.has(r)) return;
    stopped.add(r);
    consumer.pause([{ topic: r.topic, partitions: [r.partition] }]);
    if (stopped.size === reads.length) finish();
  };
  consumer.on(consumer.events.CRASH, ({ payload }) => fail(payload.error));
  // Also fires for batches of only control records (transactions), which never reach eachBatch.
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    const r = index.get(`${payload.partition}@${payload.topic}`);
    if (r && Number(payload.lastOffset) + 1 >= r.end) { r.complete = true; stop(r); }
    progress();
  });
  const onAbort = () => fail(signal?.reason ?? new Error('evidence capture cancelled'));
  signal?.addEventListener('abort', onAbort, { once: true });

  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...new Set(ranges.map((r) => r.topic))] });
    await consumer.run({
      // Nothing is committed; but each batch is resolved, which is what moves kafkajs' next fetch past it. Unresolved,
      // a partition whose range needs more than one fetch gets its first batch again and again, without end.
      autoCommit: false,
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch }) => {
        const r = index.get(`${batch.partition}@${batch.topic}`);
        if (!r || stopped.has(r)) return;
        let text = '';
        for (const m of batch.messages) {
          const offset = Number(m.offset);
          if (offset < r.start || offset >= r.end) continue;
          if (r.include && !r.include.some(([from, to]) => offset >= from && offset < to)) continue;
          if (reachedLimit(r)) { r.limited = true; break; }
          const line = evidenceLine({ ...m, topic: batch.topic, partition: batch.partition }, mask);
          text += line;
          r.messages += 1;
          r.bytes += Buffer.byteLength(line);
        }
        if (text) await appendFile(r.file, text);
        if (reachedLimit(r)) stop(r);
      },
    });
    for (const r of reads) {
      if (stopped.has(r)) consumer.pause([{ topic: r.topic, partitions: [r.partition] }]);
      else consumer.seek({ topic: r.topic, partition: r.partition, offset: String(r.start) });
    }
    await finished;
    return reads;
  } catch (err) {
    if (signal?.aborted) throw err;
    throw mapKafkaError(err, `reading ${ranges.map((r) => `${r.topic}[${r.partition}]`).join(', ')}`, client.settings.ssl);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await consumer.disconnect().catch(() => undefined);
    await deleteGroup(client, groupId);
  }
}

/** No group is left behind: the broker keeps an empty group around, so it is deleted (retried while it empties). */
export async function deleteGroup(client: KafkaClient, groupId: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await client.withAdmin(`deleting consumer group ${groupId}`, (a) => a.deleteGroups([groupId]));
      return;
    } catch (err) {
      const text = JSON.stringify((err as { cause?: { groups?: unknown } }).cause?.groups ?? '') + String(err);
      if (/GROUP_ID_NOT_FOUND|does not exist/i.test(text)) return;
      if (attempt >= 10) throw err;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}
