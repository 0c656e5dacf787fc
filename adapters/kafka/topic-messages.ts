// Reads a topic of shipped access-log lines from a time to its end (and a little beyond, for late lines), with a throw-away group.
import { randomUUID } from 'node:crypto';
import type { ShippedMessage, TopicMessages } from '../access-log/topic-lines.js';
import { mapKafkaError, type KafkaClient } from './client.js';
import { deleteGroup } from './read-partitions.js';

export function kafkaTopicMessages(client: KafkaClient): TopicMessages {
  return {
    async read(topic, { from, more, waitMs, signal, onMessage }) {
      const starts = await client.withAdmin(`finding offsets of ${topic} at ${new Date(from).toISOString()}`, (a) => a.fetchTopicOffsetsByTimestamp(topic, from));
      const ends = await client.withAdmin(`finding end offsets of ${topic}`, (a) => a.fetchTopicOffsets(topic));
      const next = new Map(starts.map((s) => [s.partition, Number(s.offset)]));
      const end = new Map(ends.map((e) => [e.partition, Number(e.offset)]));
      const caughtUp = () => [...end].every(([p, e]) => (next.get(p) ?? 0) >= e);

      const groupId = `kafka-ir-access-${randomUUID()}`;
      const consumer = client.kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 250, retry: { retries: 1, restartOnFailure: async () => false } });
      let finish!: () => void;
      let fail!: (err: unknown) => void;
      const finished = new Promise<void>((resolve, reject) => { finish = resolve; fail = reject; });
      finished.catch(() => undefined);
      consumer.on(consumer.events.CRASH, ({ payload }) => fail(payload.error));
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        next.set(payload.partition, Math.max(next.get(payload.partition) ?? 0, Number(payload.lastOffset) + 1));
      });
      const onAbort = () => fail(signal?.reason ?? new Error('reading access records cancelled'));
      signal?.addEventListener('abort', onAbort, { once: true });
      let caughtUpAt: number | undefined;
      const timer = setInterval(() => {
        if (!caughtUp()) return;
        caughtUpAt ??= Date.now();
        if (!more() || Date.now() - caughtUpAt >= waitMs) finish();
      }, 100);
      try {
        await consumer.connect();
        await consumer.subscribe({ topics: [topic] });
        await consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: true,
          eachBatch: async ({ batch }) => {
            for (const m of batch.messages) {
              const message: ShippedMessage = { key: m.key, value: m.value, partition: batch.partition, offset: m.offset };
              onMessage(message);
            }
          },
        });
        for (const [partition, offset] of next) consumer.seek({ topic, partition, offset: String(offset) });
        await finished;
      } catch (err) {
        if (signal?.aborted) throw err;
        throw mapKafkaError(err, `reading access records from ${topic}`, client.settings.ssl);
      } finally {
        clearInterval(timer);
        signal?.removeEventListener('abort', onAbort);
        await consumer.disconnect().catch(() => undefined);
        await deleteGroup(client, groupId);
      }
    },
  };
}
