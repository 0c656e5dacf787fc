// `up`: Kafka and Temporal running and answering, then .infra/env written. Idempotent; a new broker count recreates Kafka.
import { adminPassword } from './admin-password.js';
import { withInfraLock } from './infra-lock.js';
import { writeInfraEnv, type InfraEnv } from './infra-env.js';
import { ensureKafkaJars } from './kafka/kafka-jars.js';
import { ensureDefaultQuota } from './kafka/default-quota.js';
import { ensureJmxExporter } from './kafka/jmx-exporter.js';
import { currentBrokerCount, ensureKafkaCluster } from './kafka/kafka-cluster.js';
import { infraPaths, kafkaVersion } from './paths.js';
import { requireTool } from './prerequisites.js';
import { ensureTemporalBinary } from './temporal/temporal-binary.js';
import { ensureTemporal } from './temporal/temporal-server.js';

export interface UpOptions {
  /** 1–3. Omitted: keep the existing cluster's count (1 when there is none). */
  brokers?: number;
}

export async function up(options: UpOptions = {}): Promise<InfraEnv> {
  const { runDir } = infraPaths();
  return withInfraLock(runDir, async () => {
    requireTool('java', 'to run Kafka');
    const version = kafkaVersion();
    const kafkaHome = ensureKafkaJars(version);
    const agentJar = ensureJmxExporter();
    const temporalBinary = ensureTemporalBinary();
    const password = adminPassword(runDir);
    const [kafka, temporalAddress] = await Promise.all([
      ensureKafkaCluster({ brokers: options.brokers ?? currentBrokerCount() ?? 1, version, kafkaHome, adminPassword: password, agentJar }),
      ensureTemporal(temporalBinary),
    ]);
    const env: InfraEnv = {
      KAFKA_BROKERS: kafka.brokers.join(','),
      KAFKA_METRICS: kafka.metrics.join(','),
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'admin',
      KAFKA_SASL_PASSWORD: password,
      TEMPORAL_ADDRESS: temporalAddress,
      KAFKA_HOME: kafkaHome,
      KAFKA_VERSION: version,
    };
    ensureDefaultQuota(env);
    writeInfraEnv(env);
    return env;
  });
}
