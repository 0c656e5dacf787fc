// Topic ids as Kafka's logs write them (Uuid.toString: URL-safe base64, no padding) → topic names, from metadata.
import { KafkaIrError } from '../../src/model/errors.js';
import { allTopicsMetadata } from './all-topics.js';
import { withBrokerConnection } from './broker-connection.js';
import type { KafkaClient } from './client.js';

/** "3b0f1961-6df5-4c85-8c4e-0e6d7a9f3519" (the protocol's bytes as hex) → "Ow8ZYW31TIWMTg5tep81GQ" (the logs'). */
export function logTopicId(hexUuid: string): string {
  return Buffer.from(hexUuid.replace(/-/g, ''), 'hex').toString('base64url');
}

/** Every current topic's id (as the logs write it) → name. Deleted topics are not here: the records name those. */
export async function topicIdNames(client: KafkaClient): Promise<Map<string, string>> {
  const { brokers } = await client.withAdmin('describing the cluster', (a) => a.describeCluster());
  const broker = brokers[0];
  if (!broker) throw new KafkaIrError('KAFKA_UNAVAILABLE', 'describing the cluster: no broker listed', 'it will be retried');
  const meta = await withBrokerConnection(client.settings, { id: broker.nodeId, host: broker.host, port: broker.port }, 'reading topic ids', allTopicsMetadata);
  return new Map(meta.topics.flatMap((t) => (t.name ? [[logTopicId(t.topicId), t.name] as const] : [])));
}
