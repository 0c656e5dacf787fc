// `up`: Kafka and Temporal running and answering, then .infra/env written. Idempotent; a new broker count recreates Kafka, --tls restarts it.
import { join } from 'node:path';
import { adminPassword } from './admin-password.js';
import { withInfraLock } from './infra-lock.js';
import { writeInfraEnv, type InfraEnv, type InfraTlsEnv } from './infra-env.js';
import { ensureKafkaJars } from './kafka/kafka-jars.js';
import { DEV_PRINCIPAL_MAPPING_RULES, ensureDevPki, type DevPki } from './kafka/dev-pki.js';
import { currentBrokerCount, currentTls, ensureKafkaCluster, hasSecondCluster, purgeKafkaCluster, stopKafkaCluster } from './kafka/kafka-cluster.js';
import { ensureDefaultQuota } from './kafka/default-quota.js';
import { ensureJmxExporter } from './kafka/jmx-exporter.js';
import { infraPaths, kafkaVersion } from './paths.js';
import { HOST, PORTS } from './ports.js';
import { requireTool } from './prerequisites.js';
import { ensureTemporalBinary } from './temporal/temporal-binary.js';
import { ensureTemporal } from './temporal/temporal-server.js';

export interface UpOptions {
  /** 1–3. Omitted: keep the existing cluster's count (1 when there is none). */
  brokers?: number;
  /** 1 or 2: a second, one-broker cluster beside the main one (own ports and data). Omitted: keep what exists. */
  clusters?: number;
  /** SASL_SSL and mTLS listeners on the main cluster (certificates made once under <run>/tls). Omitted: keep what it has. */
  tls?: boolean;
}

function tlsEnv(pki: DevPki, brokers: number): InfraTlsEnv {
  const list = (first: number) => Array.from({ length: brokers }, (_, i) => `${HOST}:${first + i}`).join(',');
  return {
    KAFKA_SASL_SSL_BROKERS: list(PORTS.kafkaSaslSsl), KAFKA_MTLS_BROKERS: list(PORTS.kafkaMtls),
    KAFKA_TLS_CA: pki.ca, KAFKA_TLS_CA_KEY: pki.caKey, KAFKA_TLS_CLIENT_CERT: pki.clientCert, KAFKA_TLS_CLIENT_KEY: pki.clientKey,
    KAFKA_TLS_CLIENT_KEY_ENCRYPTED: pki.clientKeyEncrypted, KAFKA_TLS_CLIENT_P12: pki.clientP12, KAFKA_TLS_TRUSTSTORE_JKS: pki.truststoreJks,
    KAFKA_TLS_PASSWORD: pki.password, KAFKA_TLS_PRINCIPAL_MAPPING_RULES: DEV_PRINCIPAL_MAPPING_RULES, KAFKA_TLS_CLIENT_PRINCIPAL: pki.clientPrincipal,
  };
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
    const second = (options.clusters ?? (hasSecondCluster() ? 2 : 1)) === 2;
    if (!second && hasSecondCluster()) {
      await stopKafkaCluster(2);
      purgeKafkaCluster(2);
    }
    const count = options.brokers ?? currentBrokerCount() ?? 1;
    const pki = options.tls ?? currentTls() ? ensureDevPki(join(runDir, 'tls')) : undefined;
    const [kafka, temporalAddress, secondCluster] = await Promise.all([
      ensureKafkaCluster({ brokers: count, version, kafkaHome, adminPassword: password, agentJar, ...(pki ? { pki } : {}) }),
      ensureTemporal(temporalBinary),
      // Same SCRAM admin, authorizer and access records as the main cluster; one broker is enough to tell two apart.
      second ? ensureKafkaCluster({ brokers: 1, version, kafkaHome, adminPassword: password, cluster: 2 }) : undefined,
    ]);
    const env: InfraEnv = {
      KAFKA_BROKERS: kafka.brokers.join(','),
      KAFKA_METRICS: kafka.metrics.join(','),
      ...(secondCluster ? { KAFKA_BROKERS_2: secondCluster.brokers.join(',') } : {}),
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'admin',
      KAFKA_SASL_PASSWORD: password,
      TEMPORAL_ADDRESS: temporalAddress,
      KAFKA_HOME: kafkaHome,
      KAFKA_VERSION: version,
      ...(pki ? tlsEnv(pki, count) : {}),
    };
    ensureDefaultQuota(env);
    writeInfraEnv(env);
    return env;
  });
}
