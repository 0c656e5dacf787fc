// `status`: per-component state from pid files plus a live probe (SCRAM admin request, Temporal namespace).
import { storedAdminPassword } from './admin-password.js';
import { runningExtraBrokers } from './kafka/extra-broker.js';
import { hasSecondCluster, kafkaClusterStatus, type KafkaClusterStatus } from './kafka/kafka-cluster.js';
import { infraPaths } from './paths.js';
import { temporalStatus, type TemporalStatus } from './temporal/temporal-server.js';

export interface InfraStatus {
  /** Every component running and answering. */
  up: boolean;
  kafka: KafkaClusterStatus;
  /** The second cluster, when `up --clusters 2` made one; it counts towards `up`. */
  secondKafka?: KafkaClusterStatus;
  temporal: TemporalStatus;
  /** Left over by tests that did not call stop(); they do not count towards `up`. */
  extraBrokers: { address: string; pid: number }[];
}

export async function status(): Promise<InfraStatus> {
  const password = storedAdminPassword(infraPaths().runDir);
  const [kafka, temporal, secondKafka] = await Promise.all([
    kafkaClusterStatus(password),
    temporalStatus(),
    hasSecondCluster() ? kafkaClusterStatus(password, 2) : undefined,
  ]);
  const up = kafka.state === 'up' && temporal.state === 'up' && (secondKafka?.state ?? 'up') === 'up';
  return { up, kafka, ...(secondKafka ? { secondKafka } : {}), temporal, extraBrokers: runningExtraBrokers() };
}
