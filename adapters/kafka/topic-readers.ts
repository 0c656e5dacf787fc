// Reading topics as an ordinary client does: through a consumer group that commits, or by assignment with no group at all.
import { Consumer as PlatformaticConsumer } from '@platformatic/kafka';
import { Kafka } from 'kafkajs';
import type { KafkaSettings } from '../../src/model/connections.js';
import { kafkaJsConfig } from './client.js';
import { tlsOptions } from './tls-options.js';

/** A reader that keeps polling from the start of its topics until it is stopped or the brokers refuse it. */
export interface TopicReader {
  /** Messages received so far. */
  received(): number;
  /** Settles with the brokers' refusal once the reader is cut off. */
  cutOff: Promise<string>;
  stop(): Promise<void>;
}

/** A kafkajs consumer in group `groupId`, from the beginning of `topics`, committing after each batch. */
export async function readThroughGroup(settings: KafkaSettings, clientId: string, groupId: string, topics: string[]): Promise<TopicReader> {
  const consumer = new Kafka(kafkaJsConfig(settings, clientId)).consumer({
    groupId, maxWaitTimeInMs: 200, retry: { retries: 3, restartOnFailure: async () => false },
  });
  let received = 0;
  const cutOff = new Promise<string>((resolve) => consumer.on(consumer.events.CRASH, ({ payload }) => resolve(payload.error.message)));
  try {
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({ eachMessage: async () => { received += 1; } });
  } catch (err) {
    await consumer.disconnect();
    throw err;
  }
  return { received: () => received, cutOff, stop: () => consumer.disconnect() };
}

/**
 * Plain Fetch requests to each partition's leader from its earliest offset, the next offset after what arrived
 * each time, as `kcat -C` without `-G` or a Java consumer's assign() does: no JoinGroup, no OffsetCommit, so
 * group offsets never show it; only the brokers' request records do.
 */
export async function readWithoutGroup(settings: KafkaSettings, clientId: string, topic: string): Promise<TopicReader & {
  /** A fetch at the offset after the last one received came back with nothing new: it holds every message there was. */
  caughtUp(): boolean;
}> {
  const consumer = new PlatformaticConsumer({
    clientId,
    bootstrapBrokers: settings.brokers,
    // The client requires a group id; it is never used: fetch() joins nothing and commits nothing.
    groupId: `${clientId}-never-joined`,
    sasl: settings.sasl ? { mechanism: settings.sasl.mechanism.toUpperCase() as 'SCRAM-SHA-512', username: settings.sasl.username, password: settings.sasl.password } : undefined,
    tls: tlsOptions(settings),
    retries: 0,
  });
  let stopped = false;
  let received = 0;
  let caughtUp = false;
  let cut!: (why: string) => void;
  const cutOff = new Promise<string>((resolve) => { cut = resolve; });
  try {
    const metadata = await consumer.metadata({ topics: [topic] });
    const t = metadata.topics.get(topic)!;
    const earliest = (await consumer.listOffsets({ topics: [topic], timestamp: -2n })).get(topic) ?? [];
    const next = t.partitions.map((_, p) => earliest[p] ?? 0n);
    const poll = async () => {
      while (!stopped) {
        for (const [p, partition] of t.partitions.entries()) {
          const res = await consumer.fetch({
            node: partition.leader, maxWaitTime: 300,
            topics: [{ topicId: t.id, partitions: [{ partition: p, fetchOffset: next[p]!, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, lastFetchedEpoch: -1 }] }],
          });
          let fresh = 0;
          for (const r of res.responses.flatMap((x) => x.partitions)) {
            if (r.errorCode !== 0) throw new Error(`fetch of ${topic}-${p} refused: error code ${r.errorCode}`);
            for (const batch of r.records ?? []) {
              for (const record of batch.records) {
                const offset = batch.firstOffset + BigInt(record.offsetDelta);
                if (offset >= next[p]!) { fresh += 1; next[p] = offset + 1n; }
              }
            }
          }
          received += fresh;
          if (fresh === 0 && received > 0) caughtUp = true;
        }
      }
    };
    void poll().catch((err: unknown) => { if (!stopped) cut(err instanceof Error ? err.message : String(err)); });
  } catch (err) {
    await consumer.close(true);
    throw err;
  }
  return {
    received: () => received,
    caughtUp: () => caughtUp,
    cutOff,
    stop: async () => { stopped = true; await consumer.close(true); },
  };
}
