// Partition sizes on disk as each broker reports its own log directories (DescribeLogDirs, KIP-113): how far a copy got.
import { describeLogDirsV4 } from '@platformatic/kafka';
import type { KafkaSettings } from '../../src/model/connections.js';
import { withBrokerConnection, type BrokerAddress } from './broker-connection.js';

export interface PartitionRef { topic: string; partition: number }

/** Bytes of each partition's log on each broker asked, keyed `topic-partition@broker`; a broker without the partition has no entry. */
export async function replicaSizes(settings: KafkaSettings, brokers: BrokerAddress[], partitions: PartitionRef[]): Promise<Map<string, number>> {
  const topics = [...new Set(partitions.map((p) => p.topic))].map((name) => ({ name, partitions: partitions.filter((p) => p.topic === name).map((p) => p.partition) }));
  const sizes = new Map<string, number>();
  await Promise.all(brokers.map(async (broker) => {
    const res = await withBrokerConnection(settings, broker, 'describing log directories', (c) => describeLogDirsV4.api.async(c, topics));
    for (const dir of res.results) {
      for (const t of dir.topics) {
        // A future log is a move between this broker's own directories, not the copy from another broker.
        for (const p of t.partitions.filter((x) => !x.isFutureKey)) sizes.set(`${t.name}-${p.partitionIndex}@${broker.id}`, Number(p.partitionSize));
      }
    }
  }));
  return sizes;
}
