// What integration tests know about the real infrastructure: its env, the engine config it implies, and unique names.
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { loadConfig, type Config } from '../../src/config.js';
import type { KafkaSettings } from '../../src/model/connections.js';
import { infraTls, type InfraTlsEnv } from '../../scripts/infra/index.js';

export const infra = () => inject('infra');

/** The dev cluster's TLS listeners and files (the integration setup starts it with `--tls`). */
export function tlsInfra(): InfraTlsEnv {
  const tls = infraTls(infra());
  if (!tls) throw new Error('the dev cluster has no TLS listeners: npm run infra -- up --brokers 3 --tls');
  return tls;
}

export function unique(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export function adminSettings(): KafkaSettings {
  return loadConfig(engineEnv()).kafka;
}

/** The environment `kafka-ir start` would get from `.infra/env`, plus test-specific overrides. */
export function engineEnv(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = infra();
  return {
    KAFKA_BROKERS: env.KAFKA_BROKERS,
    KAFKA_SASL_MECHANISM: env.KAFKA_SASL_MECHANISM,
    KAFKA_SASL_USERNAME: env.KAFKA_SASL_USERNAME,
    KAFKA_SASL_PASSWORD: env.KAFKA_SASL_PASSWORD,
    TEMPORAL_ADDRESS: env.TEMPORAL_ADDRESS,
    KAFKA_IR_RUNBOOKS: 'test/fixtures/runbooks',
    KAFKA_IR_PORT: '0',
    TEMPORAL_TASK_QUEUE: unique('kafka-ir-test'),
    // Intake logs (one per task queue) under the temporary directory, not the home of whoever runs the tests.
    KAFKA_IR_DATA_DIR: join(tmpdir(), 'kafka-ir-test-data'),
    ...overrides,
  };
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig(engineEnv(overrides));
}
