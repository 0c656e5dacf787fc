// Acting on the cluster as one of its users, with that user's own credentials: producing, and checking whether it may sign in.
import { Kafka } from 'kafkajs';
import type { KafkaSettings } from '../../src/model/connections.js';
import { kafkaJsConfig } from './client.js';

/** Writes `values` to `topic` as the user of `settings`, in one request. */
export async function produceAs(settings: KafkaSettings, clientId: string, topic: string, values: readonly string[]): Promise<void> {
  const producer = new Kafka(kafkaJsConfig(settings, clientId)).producer();
  try {
    await producer.connect();
    await producer.send({ topic, messages: values.map((value) => ({ value })) });
  } finally {
    await producer.disconnect();
  }
}

/** Undefined once the user of `settings` signs in and sees `topic`'s metadata; otherwise the brokers' refusal. */
export async function signInRefusal(settings: KafkaSettings, clientId: string, topic: string): Promise<string | undefined> {
  const client = new Kafka(kafkaJsConfig(settings, clientId, undefined, 0)).admin();
  try {
    await client.connect();
    await client.fetchTopicMetadata({ topics: [topic] });
    return undefined;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await client.disconnect().catch(() => {});
  }
}
