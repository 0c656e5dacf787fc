// Kafka's own command-line tools (TopicCommand, ConfigCommand) as the independent client for integration checks.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { infra } from './infra.js';

/** Who a tool signs in as: a SCRAM user, or a delegation token (its id and HMAC, `tokenauth`). */
export interface ToolLogin { username: string; password: string; tokenauth?: boolean }

const configs = new Map<string, string>();

/** The login's SASL settings in a 0600 file, written once per login and process (the password never reaches argv or output). */
function commandConfig(login: ToolLogin): string {
  const key = `${login.username}\n${login.password}\n${login.tokenauth ?? false}`;
  let file = configs.get(key);
  if (file) return file;
  const mechanism = login.tokenauth ? 'SCRAM-SHA-512' : infra().KAFKA_SASL_MECHANISM.toUpperCase();
  file = join(mkdtempSync(join(tmpdir(), 'kafka-tools-')), 'client.properties');
  writeFileSync(file, [
    'security.protocol=SASL_PLAINTEXT', `sasl.mechanism=${mechanism}`,
    `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${login.username}" password="${login.password}"${login.tokenauth ? ' tokenauth="true"' : ''};`,
  ].join('\n'), { mode: 0o600 });
  configs.set(key, file);
  return file;
}

/** A Kafka tool signed in as `login` against `brokers` (default: the dev cluster); its result, whether it failed or not. */
export function kafkaToolAs(login: ToolLogin, mainClass: string, args: string[], brokers = infra().KAFKA_BROKERS): { status: number | null; stdout: string; stderr: string } {
  const res = spawnSync('java', ['-cp', `${infra().KAFKA_HOME}/lib/*`, mainClass,
    '--bootstrap-server', brokers, '--command-config', commandConfig(login), ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr.split('\n').filter((l) => !l.startsWith('log4j:')).join('\n') };
}

export function kafkaTool(mainClass: string, args: string[]): string {
  const env = infra();
  const res = kafkaToolAs({ username: env.KAFKA_SASL_USERNAME, password: env.KAFKA_SASL_PASSWORD }, mainClass, args);
  if (res.status !== 0) throw new Error(`${mainClass} ${args.join(' ')} failed (${res.status}): ${res.stderr}`);
  return res.stdout;
}

export interface DescribedPartition { topic: string; partition: number; leader: number; replicas: number[]; isr: number[] }

/** TopicCommand --describe, parsed: every partition's leader, replicas (in order) and ISR. */
export function describeTopics(topics: string[]): DescribedPartition[] {
  const out = kafkaTool('org.apache.kafka.tools.TopicCommand', ['--describe', '--topic', topics.join('|').replace(/\./g, '\\.')]);
  const ids = (s: string) => s.split(',').filter(Boolean).map(Number);
  return [...out.matchAll(/Topic: (\S+)\s+Partition: (\d+)\s+Leader: (-?\d+|none)\s+Replicas: ([\d,]*)\s+Isr: ([\d,]*)/g)].map((m) => ({
    topic: m[1]!, partition: Number(m[2]), leader: m[3] === 'none' ? -1 : Number(m[3]), replicas: ids(m[4]!), isr: ids(m[5]!),
  })).sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}

/** ConfigCommand --describe of one broker: its per-broker dynamic configs (key → value). */
export function brokerDynamicConfigs(brokerId: number): Record<string, string> {
  const out = kafkaTool('kafka.admin.ConfigCommand', ['--describe', '--entity-type', 'brokers', '--entity-name', String(brokerId)]);
  return Object.fromEntries([...out.matchAll(/^\s+([\w.]+)=(\S*) sensitive=/gm)].map((m) => [m[1]!, m[2]!]));
}

/** ConfigCommand --describe of one topic: its dynamic topic configs (key → value). */
export function topicDynamicConfigs(topic: string): Record<string, string> {
  const out = kafkaTool('kafka.admin.ConfigCommand', ['--describe', '--entity-type', 'topics', '--entity-name', topic]);
  return Object.fromEntries([...out.matchAll(/^\s+([\w.]+)=(\S*) sensitive=/gm)].map((m) => [m[1]!, m[2]!]));
}
