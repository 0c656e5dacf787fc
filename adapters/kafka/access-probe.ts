// Makes every broker write one access line now (a ListOffsets of a made-up topic): it proves each broker's records reach the present.
import { listOffsetsV9, ResponseError } from '@platformatic/kafka';
import { KafkaIrError } from '../../src/model/errors.js';
import { withBrokerConnection } from './broker-connection.js';
import type { KafkaClient } from './client.js';

export interface ProbeResult {
  /** Brokers that answered (their line is written) and when they were asked. */
  sent: { broker: number; at: number }[];
  /** Brokers that could not be reached: no line will come from them. */
  failed: { broker: number; error: string }[];
}

/**
 * `marker` names a topic that does not exist (e.g. "__kafka-ir-probe-<uuid>"): the broker answers "unknown topic"
 * and logs the request like any other, in its request log and (as a DESCRIBE) in its authorizer log.
 */
export async function probeBrokers(client: KafkaClient, marker: string): Promise<ProbeResult & { brokers: number[] }> {
  const { brokers } = await client.withAdmin('describing the cluster', (a) => a.describeCluster());
  if (!brokers.length) throw new KafkaIrError('KAFKA_UNAVAILABLE', 'describing the cluster: no broker listed', 'it will be retried');
  const sent: ProbeResult['sent'] = [];
  const failed: ProbeResult['failed'] = [];
  await Promise.all(brokers.map(async ({ nodeId, host, port }) => {
    const at = Date.now();
    try {
      await withBrokerConnection(client.settings, { id: nodeId, host, port }, 'probing the access records', async (c) => {
        // The answer is an error (the topic does not exist): the request is what counts.
        await listOffsetsV9.api.async(c, -1, 0, [{ name: marker, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n }] }])
          .catch((err: unknown) => {
            if (!(err instanceof ResponseError)) throw err;
          });
      });
      sent.push({ broker: nodeId, at });
    } catch (err) {
      failed.push({ broker: nodeId, error: (err as Error).message });
    }
  }));
  return { brokers: brokers.map((b) => b.nodeId).sort((a, b) => a - b), sent, failed };
}
