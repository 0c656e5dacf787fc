// `.infra/env`: the KEY=VALUE file `up` writes for tests and tools, and its reader.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { InfraError } from './infra-error.js';
import { infraPaths } from './paths.js';

/** Flat, so the whole of it can be handed to a process as its environment. */
export interface InfraEnv extends Partial<InfraTlsEnv> {
  /** Comma-separated 127.0.0.1:port list of the client (SASL_PLAINTEXT) listeners. */
  KAFKA_BROKERS: string;
  /** Comma-separated 127.0.0.1:port list of the brokers' Prometheus JMX exporters (/metrics), in node id order. */
  KAFKA_METRICS: string;
  /** The second cluster's broker (`up --clusters 2`), with the same SASL credentials. */
  KAFKA_BROKERS_2?: string;
  KAFKA_SASL_MECHANISM: 'scram-sha-512';
  KAFKA_SASL_USERNAME: string;
  KAFKA_SASL_PASSWORD: string;
  TEMPORAL_ADDRESS: string;
  /** Its lib/ holds the broker jars (Kafka's own tools run with `java -cp "$KAFKA_HOME/lib/*" …`). */
  KAFKA_HOME: string;
  KAFKA_VERSION: string;
}

/** `up --tls` only: the SASL_SSL and mTLS listeners and the files and names a client needs for them. */
export interface InfraTlsEnv {
  /** 127.0.0.1:port list of the SASL_SSL listeners (the same SCRAM users). */
  KAFKA_SASL_SSL_BROKERS: string;
  /** 127.0.0.1:port list of the SSL listeners that require a client certificate. */
  KAFKA_MTLS_BROKERS: string;
  KAFKA_TLS_CA: string;
  KAFKA_TLS_CA_KEY: string;
  /** The engine's client certificate (subject CN=kafka-ir-engine,OU=kafka-ir-dev,O=kafka-ir): PEM, encrypted PEM key, PKCS12. */
  KAFKA_TLS_CLIENT_CERT: string;
  KAFKA_TLS_CLIENT_KEY: string;
  KAFKA_TLS_CLIENT_KEY_ENCRYPTED: string;
  KAFKA_TLS_CLIENT_P12: string;
  KAFKA_TLS_TRUSTSTORE_JKS: string;
  /** Of the encrypted key, the PKCS12 stores and the JKS truststore. */
  KAFKA_TLS_PASSWORD: string;
  KAFKA_TLS_PRINCIPAL_MAPPING_RULES: string;
  /** The engine's principal on the mTLS listener (a super user). */
  KAFKA_TLS_CLIENT_PRINCIPAL: string;
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
const optionalKeys = ['KAFKA_BROKERS_2'] as const satisfies readonly (keyof InfraEnv)[];

const tlsKeys = [
  'KAFKA_SASL_SSL_BROKERS', 'KAFKA_MTLS_BROKERS', 'KAFKA_TLS_CA', 'KAFKA_TLS_CA_KEY', 'KAFKA_TLS_CLIENT_CERT', 'KAFKA_TLS_CLIENT_KEY',
  'KAFKA_TLS_CLIENT_KEY_ENCRYPTED', 'KAFKA_TLS_CLIENT_P12', 'KAFKA_TLS_TRUSTSTORE_JKS', 'KAFKA_TLS_PASSWORD',
  'KAFKA_TLS_PRINCIPAL_MAPPING_RULES', 'KAFKA_TLS_CLIENT_PRINCIPAL',
] as const satisfies readonly (keyof InfraTlsEnv)[];

export function writeInfraEnv(env: InfraEnv, file = infraPaths().infraEnvFile): void {
  mkdirSync(dirname(file), { recursive: true });
  const lines = [...keys, ...optionalKeys].filter((key) => env[key] !== undefined).map((key) => `${key}=${shellWord(env[key]!)}`);
  const tls = infraTls(env);
  if (tls) lines.push(...tlsKeys.map((key) => `${key}=${shellWord(tls[key])}`));
  const body = lines.join('\n');
  writeFileSync(file, `# written by \`npm run infra -- up\`; local dev infrastructure only\n${body}\n`, { mode: 0o600 });
}

/** Single-quoted when a shell would read it otherwise (`set -a; . .infra/env`); none of the values holds a quote. */
const shellWord = (value: string) => (/^[\w@%+=:,./-]*$/.test(value) ? value : `'${value}'`);

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
    if (eq > 0) values.set(trimmed.slice(0, eq), trimmed.slice(eq + 1).replace(/^'(.*)'$/, '$1'));
  }
  const missing = keys.filter((key) => !values.get(key));
  if (missing.length > 0) {
    throw new InfraError(`${file} lacks ${missing.join(', ')}: run \`npm run infra -- up\` again`);
  }
  const env = Object.fromEntries(keys.map((key) => [key, values.get(key) ?? ''])) as Record<(typeof keys)[number], string>;
  if (env.KAFKA_SASL_MECHANISM !== 'scram-sha-512') {
    throw new InfraError(`${file}: unexpected KAFKA_SASL_MECHANISM=${env.KAFKA_SASL_MECHANISM}`);
  }
  const second = values.get('KAFKA_BROKERS_2');
  const tls = infraTls(Object.fromEntries(values) as Partial<InfraTlsEnv>);
  return { ...env, KAFKA_SASL_MECHANISM: 'scram-sha-512', ...(second ? { KAFKA_BROKERS_2: second } : {}), ...tls };
}

/** The TLS part of an infra env, when `up --tls` wrote all of it. */
export function infraTls(env: Partial<InfraTlsEnv>): InfraTlsEnv | undefined {
  if (!tlsKeys.every((key) => env[key])) return undefined;
  return Object.fromEntries(tlsKeys.map((key) => [key, env[key]!])) as unknown as InfraTlsEnv;
}
