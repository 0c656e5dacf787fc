// `up`: Kafka and Temporal running and answering, then .infra/env written. Idempotent; a new broker count recreates Kafka.
import { adminPassword } from './admin-password.js';
import { withInfraLock } from './infra-lock.js';
import { writeInfraEnv, type InfraEnv } from './infra-env.js';
import { ensureKafkaJars } from './kafka/kafka-jars.js';
import { currentBrokerCount, ensureKafkaCluster, hasSecondCluster, purgeKafkaCluster, stopKafkaCluster } from './kafka/kafka-cluster.js';
import { infraPaths, kafkaVersion } from './paths.js';
import { requireTool } from './prerequisites.js';
import { ensureTemporalBinary } from './temporal/temporal-binary.js';
import { ensureTemporal } from './temporal/temporal-server.js';

export interface UpOptions {
  /** 1–3. Omitted: keep the existing cluster's count (1 when there is none). */
  brokers?: number;
  /** 1 or 2: a second, one-broker cluster beside the main one (own ports and data). Omitted: keep what exists. */
  clusters?: number;
}

export async function up(options: UpOptions = {}): Promise<InfraEnv> {
  const { runDir } = infraPaths();
  return withInfraLock(runDir, async () => {
    requireTool('java', 'to run Kafka');
    const version = kafkaVersion();
    const kafkaHome = ensureKafkaJars(version);
    const temporalBinary = ensureTemporalBinary();
    const password = adminPassword(runDir);
    const second = (options.clusters ?? (hasSecondCluster() ? 2 : 1)) === 2;
    if (!second && hasSecondCluster()) {
      await stopKafkaCluster(2);
      purgeKafkaCluster(2);
    }
    const [brokers, temporalAddress, secondBrokers] = await Promise.all([
      ensureKafkaCluster({ brokers: options.brokers ?? currentBrokerCount() ?? 1, version, kafkaHome, adminPassword: password }),
      ensureTemporal(temporalBinary),
      // Same SCRAM admin, authorizer and access records as the main cluster; one broker is enough to tell two apart.
      second ? ensureKafkaCluster({ brokers: 1, version, kafkaHome, adminPassword: password, cluster: 2 }) : undefined,
    ]);
    const env: InfraEnv = {
      KAFKA_BROKERS: brokers.join(','),
      ...(secondBrokers ? { KAFKA_BROKERS_2: secondBrokers.join(',') } : {}),
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'admin',
      KAFKA_SASL_PASSWORD: password,
      TEMPORAL_ADDRESS: temporalAddress,
      KAFKA_HOME: kafkaHome,
      KAFKA_VERSION: version,
    };
    writeInfraEnv(env);
    return env;
  });
}
