// A new topic the benchmark owns, ready on every broker before anything reads or writes it.
import type { KafkaClient } from '../adapters/kafka/client.js';

export async function createFreshTopic(client: KafkaClient, topic: string, numPartitions: number, replicationFactor: number): Promise<void> {
  await client.withAdmin(`creating ${topic}`, (a) => a.createTopics({ topics: [{ topic, numPartitions, replicationFactor }], waitForLeaders: false }));
  // KRaft brokers learn of a new topic asynchronously; kafkajs' own wait gives up on UNKNOWN_TOPIC_OR_PARTITION.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ready = await client.withAdmin('reading metadata', (a) => a.fetchTopicMetadata({ topics: [topic] }))
      .then(({ topics }) => topics[0]?.partitions.length === numPartitions && topics[0].partitions.every((p) => p.leader >= 0), () => false);
    if (ready) return;
    if (Date.now() > deadline) throw new Error(`${topic} has no leaders after 30 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
