// Integration setup: the real Kafka clusters (TLS listeners on the main one, access loggers at DEBUG) and Temporal dev server of scripts/infra, started (or reused) once per run.
import type { TestProject } from 'vitest/node';
import { up, type InfraEnv } from '../../scripts/infra/index.js';
import { setAccessLogLevels } from '../../scripts/infra/kafka/access-log-levels.js';

declare module 'vitest' {
  export interface ProvidedContext { infra: InfraEnv }
}

export default async function setup(project: TestProject): Promise<void> {
  const brokers = Number(process.env.KAFKA_IR_TEST_BROKERS ?? 3);
  // The second, one-broker cluster is for the engine serving several (test/integration/clusters.test.ts).
  const env = await up({ brokers, clusters: 2, tls: true });
  // Brokers started from an older config log no access records: raise the loggers (idempotent, lasts until a restart).
  setAccessLogLevels(env, Array.from({ length: brokers }, (_, i) => i + 1));
  project.provide('infra', env);
}
