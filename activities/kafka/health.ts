// kafka.health.verify: live brokers, under-replicated and offline partitions, and a produce/consume round trip.
import { randomBytes } from 'node:crypto';
import type { ActionInput } from '../../src/model/actions.js';
import type { HealthReport, PartitionState } from '../../src/model/actions/cluster.js';
import { KafkaIrError } from '../../src/model/errors.js';
import { mapKafkaError, type KafkaClient } from '../../adapters/kafka/client.js';
import { liveBrokers } from '../../adapters/kafka/broker-config.js';
import { readPartitions } from '../../adapters/kafka/reassign.js';

const PROBE_TIMEOUT_MS = 20_000;

/**
 * Writes one message (acks=all) and reads it back. latencyMs = the acknowledgement plus the fetch after seeking to it;
 * the consumer group join in between (a throw-away group, deleted afterwards) is not counted.
 */
async function probe(client: KafkaClient, topic: string): Promise<NonNullable<HealthReport['probe']>> {
  const value = `kafka-ir-probe-${randomBytes(8).toString('hex')}`;
  const groupId = `kafka-ir-probe-${randomBytes(6).toString('hex')}`;
  const producer = client.kafka.producer({ allowAutoTopicCreation: false });
  const consumer = client.kafka.consumer({ groupId, maxWaitTimeInMs: 100, retry: { retries: 1 } });
  const roundTrip = async (): Promise<number> => {
    await producer.connect();
    const sent = Date.now();
    const [meta] = await producer.send({ topic, acks: -1, messages: [{ value }] });
    const acked = Date.now() - sent;
    if (!meta) throw new Error('the producer returned no record metadata');
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: false });
    let seeked = 0;
    let onReceived: (ms: number) => void = () => {};
    const received = new Promise<number>((resolve) => { onReceived = resolve; });
    // run() resolves once the group is joined; seek() needs that.
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => { if (message.value?.toString() === value) onReceived(Date.now() - seeked); },
    });
    seeked = Date.now();
    consumer.seek({ topic, partition: meta.partition, offset: meta.baseOffset ?? meta.offset ?? '0' });
    return acked + await received;
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no round trip within ${PROBE_TIMEOUT_MS / 1000} s`)), PROBE_TIMEOUT_MS);
    });
    return { ok: true, latencyMs: await Promise.race([roundTrip(), timeout]) };
  } catch (err) {
    return { ok: false, error: mapKafkaError(err, `probing ${topic}`, client.settings.ssl).message };
  } finally {
    clearTimeout(timer);
    await producer.disconnect().catch(() => {});
    await consumer.disconnect().catch(() => {});
    await client.withAdmin('deleting the probe group', (a) => a.deleteGroups([groupId])).catch(() => {});
  }
}

export async function verifyHealth(client: KafkaClient, input: ActionInput<'kafka.health.verify'>): Promise<HealthReport> {
  const brokers = (await liveBrokers(client)).length;
  const partitions: PartitionState[] = [...(await readPartitions(client)).values()];
  const underReplicated = partitions.filter((p) => p.leader >= 0 && p.isr.length < p.replicas.length);
  const offline = partitions.filter((p) => p.leader < 0);
  const report = input.probeTopic ? await probe(client, input.probeTopic) : undefined;
  const problems = [
    ...(input.brokers !== undefined && brokers < input.brokers ? [`${brokers} of ${input.brokers} brokers are up`] : []),
    ...(underReplicated.length ? [`${underReplicated.length} under-replicated partition(s): ${underReplicated.slice(0, 10).map((p) => `${p.topic}-${p.partition}`).join(', ')}`] : []),
    ...(offline.length ? [`${offline.length} offline partition(s): ${offline.slice(0, 10).map((p) => `${p.topic}-${p.partition}`).join(', ')}`] : []),
    ...(report && !report.ok ? [`the produce/consume probe on ${input.probeTopic} failed: ${report.error}`] : []),
  ];
  const health: HealthReport = { brokers, underReplicated, offline, ...(report ? { probe: report } : {}), healthy: problems.length === 0, problems };
  if (input.expectHealthy && !health.healthy) {
    throw new KafkaIrError('CLUSTER_UNHEALTHY', `the cluster is not healthy: ${problems.join('; ')}`, 'retried until it recovers; look at the brokers if it does not');
  }
  return health;
}
