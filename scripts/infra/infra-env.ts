// `.infra/env`: the KEY=VALUE file `up` writes for tests and tools, and its reader.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { InfraError } from './infra-error.js';
import { infraPaths } from './paths.js';

export interface InfraEnv {
  /** Comma-separated 127.0.0.1:port list of the client (SASL_PLAINTEXT) listeners. */
  KAFKA_BROKERS: string;
  /** Comma-separated 127.0.0.1:port list of the brokers' Prometheus JMX exporters (/metrics), in node id order. */
  KAFKA_METRICS: string;
  KAFKA_SASL_MECHANISM: 'scram-sha-512';
  KAFKA_SASL_USERNAME: string;
  KAFKA_SASL_PASSWORD: string;
  TEMPORAL_ADDRESS: string;
  /** Its lib/ holds the broker jars (Kafka's own tools run with `java -cp "$KAFKA_HOME/lib/*" …`). */
  KAFKA_HOME: string;
  KAFKA_VERSION: string;
}

const keys = [
  'KAFKA_BROKERS',
  'KAFKA_METRICS',
  'KAFKA_SASL_MECHANISM',
  'KAFKA_SASL_USERNAME',
  'KAFKA_SASL_PASSWORD',
  'TEMPORAL_ADDRESS',
  'KAFKA_HOME',
  'KAFKA_VERSION',
] as const satisfies readonly (keyof InfraEnv)[];

export function writeInfraEnv(env: InfraEnv, file = infraPaths().infraEnvFile): void {
  mkdirSync(dirname(file), { recursive: true });
  const body = keys.map((key) => `${key}=${env[key]}`).join('\n');
  writeFileSync(file, `# written by \`npm run infra -- up\`; local dev infrastructure only\n${body}\n`, { mode: 0o600 });
}

export function removeInfraEnv(file = infraPaths().infraEnvFile): void {
  rmSync(file, { force: true });
}

export function readInfraEnv(file = infraPaths().infraEnvFile): InfraEnv {
  if (!existsSync(file)) throw new InfraError(`${file} does not exist: run \`npm run infra -- up\` first`);
  const values = new Map<string, string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const eq = trimmed.indexOf('=');
    if (eq > 0) values.set(trimmed.slice(0, eq), trimmed.slice(eq + 1));
  }
  const missing = keys.filter((key) => !values.get(key));
  if (missing.length > 0) {
    throw new InfraError(`${file} lacks ${missing.join(', ')}: run \`npm run infra -- up\` again`);
  }
  const env = Object.fromEntries(keys.map((key) => [key, values.get(key) ?? ''])) as Record<(typeof keys)[number], string>;
  if (env.KAFKA_SASL_MECHANISM !== 'scram-sha-512') {
    throw new InfraError(`${file}: unexpected KAFKA_SASL_MECHANISM=${env.KAFKA_SASL_MECHANISM}`);
  }
  return { ...env, KAFKA_SASL_MECHANISM: 'scram-sha-512' };
}
