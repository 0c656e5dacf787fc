// Debian's kcat (librdkafka): an independent client to check what the brokers really allow.
import { spawnSync } from 'node:child_process';
import { eventually } from './engine.js';
import { infra, tlsInfra } from './infra.js';

export interface KcatResult { status: number | null; stdout: string; stderr: string }

/** kcat as `user` with `args` (after the connection settings); `input` is its stdin (messages for -P). */
export function kcat(user: string, password: string, args: string[], timeoutMs = 20_000, input = ''): KcatResult {
  return kcatOver([
    '-b', infra().KAFKA_BROKERS, '-X', 'security.protocol=SASL_PLAINTEXT', '-X', 'sasl.mechanisms=SCRAM-SHA-512',
    '-X', `sasl.username=${user}`, '-X', `sasl.password=${password}`,
  ], args, timeoutMs, input);
}

/** kcat with the connection settings given (`-b …`, `-X security.protocol=…`, certificates), then `args`. */
export function kcatOver(connection: string[], args: string[], timeoutMs = 20_000, input = ''): KcatResult {
  const res = spawnSync('kcat', [...connection, ...args], { encoding: 'utf8', timeout: timeoutMs, input });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

/** The dev cluster's TLS listeners as kcat reaches them (`up --tls`): SASL_SSL as a SCRAM user, or mTLS with a certificate. */
export const kcatTls = {
  saslSsl: (user: string, password: string) => [
    '-b', tlsInfra().KAFKA_SASL_SSL_BROKERS, '-X', 'security.protocol=SASL_SSL', '-X', `ssl.ca.location=${tlsInfra().KAFKA_TLS_CA}`,
    '-X', 'sasl.mechanisms=SCRAM-SHA-512', '-X', `sasl.username=${user}`, '-X', `sasl.password=${password}`,
  ],
  mtls: (cert: string, key: string) => [
    '-b', tlsInfra().KAFKA_MTLS_BROKERS, '-X', 'security.protocol=SSL', '-X', `ssl.ca.location=${tlsInfra().KAFKA_TLS_CA}`,
    '-X', `ssl.certificate.location=${cert}`, '-X', `ssl.key.location=${key}`,
  ],
};

/** Reads up to 10 messages of `topic` from the start, in assign mode (no group): what a thief with kcat -C does. */
export function kcatConsume(user: string, password: string, topic: string): KcatResult {
  return kcat(user, password, ['-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-m', '10']);
}

/** Waits until the brokers refuse the user's reads of the topic (not authorized), as kcat sees it. */
export async function kcatRefused(user: string, password: string, topic: string): Promise<void> {
  await eventually(async () => {
    const r = kcatConsume(user, password, topic);
    return r.status !== 0 && /authoriz/i.test(r.stderr) ? true : undefined;
  }, 30_000, `${user} to be refused`);
}
