// `down`: stops Kafka (both dev clusters, and leftover extra brokers) and Temporal; `purge` also deletes their data and the password.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { withInfraLock } from './infra-lock.js';
import { removeInfraEnv } from './infra-env.js';
import { stopExtraBrokers } from './kafka/extra-broker.js';
import { stopKafkaCluster } from './kafka/kafka-cluster.js';
import { infraPaths } from './paths.js';
import { stopTemporal } from './temporal/temporal-server.js';

export interface DownOptions {
  purge?: boolean;
}

export interface DownResult {
  kafkaNodesStopped: number;
  extraBrokersStopped: number;
  temporalStopped: boolean;
  purged: boolean;
}

export async function down(options: DownOptions = {}): Promise<DownResult> {
  const { runDir } = infraPaths();
  return withInfraLock(runDir, async () => {
    const [kafkaNodesStopped, secondNodesStopped, extraBrokersStopped, temporalStopped] = await Promise.all([
      stopKafkaCluster(),
      stopKafkaCluster(2),
      stopExtraBrokers(),
      stopTemporal(),
    ]);
    removeInfraEnv();
    if (options.purge) {
      // Everything but the lock we hold; the jars and the temporal binary are caches and stay.
      for (const name of readdirSync(runDir)) {
        if (name !== 'infra.lock') rmSync(join(runDir, name), { recursive: true, force: true });
      }
    }
    return { kafkaNodesStopped: kafkaNodesStopped + secondNodesStopped, extraBrokersStopped, temporalStopped, purged: options.purge === true };
  });
}
