// Which brokers make up the cluster: the live ones (DescribeCluster), and those gone silent, which only the KRaft quorum still lists.
import { GenericError, MultipleErrors, describeClusterV0, describeQuorumV2 } from '@platformatic/kafka';
import type { KafkaSettings } from '../../src/model/connections.js';
import { KafkaIrError } from '../../src/model/errors.js';
import { allTopicsMetadata } from './all-topics.js';
import { withAnyBroker, type BrokerAddress } from './broker-connection.js';
import type { KafkaClient } from './client.js';

/** A broker the cluster counts on that is not live, and when it last fetched the metadata log. */
export interface SilentBroker { id: number; lastFetch?: string }

/** The live (unfenced) brokers, with the address each advertises to clients, as a broker that answers tells it now. */
export async function liveBrokers(client: Pick<KafkaClient, 'settings'>): Promise<BrokerAddress[]> {
  const res = await withAnyBroker(client.settings, 'describing the cluster', (c) => describeClusterV0.api.async(c, false, 1));
  return res.brokers.map((b) => ({ id: b.brokerId, host: b.host, port: b.port })).sort((a, b) => a.id - b.id);
}

/**
 * Brokers that stopped answering and were fenced: DescribeCluster no longer lists them, but they still fetch (or
 * fetched) the metadata log as observers, or as voters that host replicas (a voter without any is a dedicated
 * controller, which serves no client). Empty when the quorum cannot be described (not KRaft, or not authorized).
 */
export async function silentBrokers(settings: KafkaSettings, live: BrokerAddress[]): Promise<SilentBroker[]> {
  try {
    return await withAnyBroker(settings, 'describing the metadata quorum', async (c) => {
      const quorum = await describeQuorumV2.api.async(c, [{ topicName: '__cluster_metadata', partitions: [{ partitionIndex: 0 }] }]);
      const partition = quorum.topics[0]?.partitions[0];
      if (!partition) return [];
      const metadata = await allTopicsMetadata(c);
      const hosting = new Set(metadata.topics.flatMap((t) => t.partitions.flatMap((p) => p.replicaNodes)));
      const liveIds = new Set(live.map((b) => b.id));
      const members = [...partition.observers, ...partition.currentVoters.filter((v) => hosting.has(v.replicaId))];
      return members.filter((m) => !liveIds.has(m.replicaId)).map((m) => ({
        id: m.replicaId, ...(m.lastFetchTimestamp > 0n ? { lastFetch: new Date(Number(m.lastFetchTimestamp)).toISOString() } : {}),
      }));
    });
  } catch (err) {
    if (cannotDescribeQuorum(err)) return [];
    throw new KafkaIrError('KAFKA_UNAVAILABLE', `describing the metadata quorum: ${err instanceof Error ? err.message : String(err)}`,
      'the quorum may be electing a new leader; it will be retried', { cause: err });
  }
}

/** Refusals that will not pass with time: the engine may not describe the cluster, or the brokers have no such API. */
function cannotDescribeQuorum(err: unknown): boolean {
  const cause = (err as { cause?: unknown }).cause ?? err;
  if (cause instanceof Error && GenericError.isGenericError(cause) && cause.code === 'PLT_KFK_UNSUPPORTED_API') return true;
  if (!(cause instanceof Error) || !MultipleErrors.isMultipleErrors(cause)) return false;
  return (cause as AggregateError).errors.some((e: { apiId?: string }) =>
    e.apiId === 'CLUSTER_AUTHORIZATION_FAILED' || e.apiId === 'UNSUPPORTED_VERSION' || e.apiId === 'INVALID_REQUEST');
}
