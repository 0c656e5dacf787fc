// Integration setup: the real Kafka cluster and Temporal dev server of scripts/infra, started (or reused) once per run.
import type { TestProject } from 'vitest/node';
import { up, type InfraEnv } from '../../scripts/infra/index.js';

declare module 'vitest' {
  export interface ProvidedContext { infra: InfraEnv }
}

export default async function setup(project: TestProject): Promise<void> {
  const brokers = Number(process.env.KAFKA_IR_TEST_BROKERS ?? 3);
  project.provide('infra', await up({ brokers }));
}
