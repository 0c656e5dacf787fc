// What an evidence capture records besides messages: topic layout, topic configs, group offsets, and the offset ranges.
import { ConfigResourceTypes } from './kafkajs-enums.js';
import { KafkaIrError } from '../../src/model/errors.js';
import type { KafkaClient } from './client.js';
import type { PartitionRange } from './read-partitions.js';
import type { OffsetRange } from '../../src/model/access-findings.js';

export interface TopicRecord { name: string; partitions: { partition: number; replicas: number[] }[]; configs: Record<string, string | null> }
export interface GroupOffsets { groupId: string; offsets: { topic: string; partition: number; offset: number }[] }

/** Partitions and replicas (not leaders or ISR: they move, and the same data must yield the same manifest). */
export async function topicRecords(client: KafkaClient, topics: string[]): Promise<TopicRecord[]> {
  const meta = await client.withAdmin('reading topic metadata', (a) => a.fetchTopicMetadata({ topics }));
  const configs = await client.withAdmin('reading topic configs', (a) => a.describeConfigs({
    includeSynonyms: false, resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
  }));
  return topics.map((name) => {
    const t = meta.topics.find((x) => x.name === name);
    if (!t) throw new KafkaIrError('KAFKA_REJECTED', `topic ${name} does not exist`, 'check the topic names in the step input');
    const entries = configs.resources.find((r) => r.resourceName === name)?.configEntries ?? [];
    return {
      name,
      partitions: t.partitions.map((p) => ({ partition: p.partitionId, replicas: [...p.replicas].sort((x, y) => x - y) }))
        .sort((x, y) => x.partition - y.partition),
      configs: Object.fromEntries(entries.map((e) => [e.configName, e.isSensitive ? null : e.configValue] as const)
        .sort(([x], [y]) => x.localeCompare(y))),
    };
  });
}

/** Committed offsets on these topics of every group (bar kafka-ir's own throw-away readers). */
export async function groupOffsets(client: KafkaClient, topics: string[]): Promise<GroupOffsets[]> {
  const { groups } = await client.withAdmin('listing consumer groups', (a) => a.listGroups());
  const ids = groups.map((g) => g.groupId).filter((id) => !id.startsWith('kafka-ir-evidence-')).sort();
  const result: GroupOffsets[] = [];
  for (const groupId of ids) {
    const res = await client.withAdmin(`reading offsets of group ${groupId}`, (a) => a.fetchOffsets({ groupId, topics }));
    const offsets = res.flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, partition: p.partition, offset: Number(p.offset) })))
      .filter((o) => o.offset >= 0);
    if (offsets.length) result.push({ groupId, offsets });
  }
  return result;
}

/** [first offset at or after `from`, first offset at or after `to` (or the end now)) for every partition. */
export async function offsetRanges(client: KafkaClient, topics: TopicRecord[], from: Date, to?: Date): Promise<PartitionRange[]> {
  const ranges: PartitionRange[] = [];
  for (const t of topics) {
    const starts = await client.withAdmin(`finding offsets of ${t.name} at ${from.toISOString()}`, (a) => a.fetchTopicOffsetsByTimestamp(t.name, from.getTime()));
    const ends = to
      ? await client.withAdmin(`finding offsets of ${t.name} at ${to.toISOString()}`, (a) => a.fetchTopicOffsetsByTimestamp(t.name, to.getTime()))
      : await client.withAdmin(`finding end offsets of ${t.name}`, (a) => a.fetchTopicOffsets(t.name));
    for (const { partition } of t.partitions) {
      const start = Number(starts.find((s) => s.partition === partition)?.offset ?? 0);
      const end = Number(ends.find((e) => e.partition === partition)?.offset ?? 0);
      ranges.push({ topic: t.name, partition, start, end: Math.max(start, end) });
    }
  }
  return ranges;
}

/**
 * Exact offsets, one read per partition: the partition's ranges become one span read from the first offset to the
 * last, keeping only offsets inside a range. Offsets retention has deleted since, or never written, are left out.
 */
export async function exactRanges(client: KafkaClient, ranges: OffsetRange[]): Promise<PartitionRange[]> {
  const out: PartitionRange[] = [];
  for (const topic of [...new Set(ranges.map((r) => r.topic))].sort()) {
    const bounds = await client.withAdmin(`finding offsets of ${topic}`, (a) => a.fetchTopicOffsets(topic));
    const parts = [...new Set(ranges.filter((r) => r.topic === topic).map((r) => r.partition))].sort((a, b) => a - b);
    for (const partition of parts) {
      const b = bounds.find((x) => x.partition === partition);
      const low = Number(b?.low ?? 0);
      const high = Number(b?.high ?? 0);
      const include = ranges.filter((r) => r.topic === topic && r.partition === partition)
        .map((r) => [Math.max(r.from, low), Math.min(r.to, high)] as [number, number])
        .filter(([from, to]) => to > from).sort((x, y) => x[0] - y[0]);
      const start = include[0]?.[0] ?? low;
      const end = Math.max(start, ...include.map(([, to]) => to));
      out.push({ topic, partition, start, end, include });
    }
  }
  return out;
}
