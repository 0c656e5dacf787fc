// Kafka's own command-line tools (TopicCommand, ConfigCommand) as the independent client for integration checks.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { infra } from './infra.js';

let commandConfig: string | undefined;

/** The admin's SASL settings in a 0600 file, written once per test process (the password never reaches argv or output). */
function adminProperties(): string {
  if (commandConfig) return commandConfig;
  const env = infra();
  commandConfig = join(mkdtempSync(join(tmpdir(), 'kafka-tools-')), 'admin.properties');
  writeFileSync(commandConfig, [
    'security.protocol=SASL_PLAINTEXT', `sasl.mechanism=${env.KAFKA_SASL_MECHANISM.toUpperCase()}`,
    `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${env.KAFKA_SASL_USERNAME}" password="${env.KAFKA_SASL_PASSWORD}";`,
  ].join('\n'), { mode: 0o600 });
  return commandConfig;
}

export function kafkaTool(mainClass: string, args: string[]): string {
  const env = infra();
  const res = spawnSync('java', ['-cp', `${env.KAFKA_HOME}/lib/*`, mainClass,
    '--bootstrap-server', env.KAFKA_BROKERS, '--command-config', adminProperties(), ...args], { encoding: 'utf8', timeout: 60_000 });
  if (res.status !== 0) throw new Error(`${mainClass} ${args.join(' ')} failed (${res.status}): ${res.stderr.split('\n').filter((l) => !l.startsWith('log4j:')).join('\n')}`);
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
