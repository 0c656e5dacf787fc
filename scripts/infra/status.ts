// `status`: per-component state from pid files plus a live probe (SCRAM admin request, Temporal namespace).
import { storedAdminPassword } from './admin-password.js';
import { runningExtraBrokers } from './kafka/extra-broker.js';
import { kafkaClusterStatus, type KafkaClusterStatus } from './kafka/kafka-cluster.js';
import { infraPaths } from './paths.js';
import { temporalStatus, type TemporalStatus } from './temporal/temporal-server.js';

export interface InfraStatus {
  /** Every component running and answering. */
  up: boolean;
  kafka: KafkaClusterStatus;
  temporal: TemporalStatus;
  /** Left over by tests that did not call stop(); they do not count towards `up`. */
  extraBrokers: { address: string; pid: number }[];
}

export async function status(): Promise<InfraStatus> {
  const [kafka, temporal] = await Promise.all([
    kafkaClusterStatus(storedAdminPassword(infraPaths().runDir)),
    temporalStatus(),
  ]);
  return { up: kafka.state === 'up' && temporal.state === 'up', kafka, temporal, extraBrokers: runningExtraBrokers() };
}
