// Kafka's own ConfigCommand against the dev cluster as admin (its credentials in a 0600 file that is removed afterwards).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InfraEnv } from '../infra-env.js';
import { InfraError } from '../infra-error.js';

export type AdminEnv = Pick<InfraEnv, 'KAFKA_BROKERS' | 'KAFKA_HOME' | 'KAFKA_SASL_USERNAME' | 'KAFKA_SASL_PASSWORD'>;

/** Runs `kafka.admin.ConfigCommand --alter <args>` once per argument list; `what` names the change in errors. */
export function alterConfigs(env: AdminEnv, runs: { args: string[]; what: string }[]): void {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-ir-configs-'));
  const config = join(dir, 'admin.properties');
  writeFileSync(config, [
    'security.protocol=SASL_PLAINTEXT', 'sasl.mechanism=SCRAM-SHA-512',
    `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${env.KAFKA_SASL_USERNAME}" password="${env.KAFKA_SASL_PASSWORD}";`,
  ].join('\n'), { mode: 0o600 });
  try {
    for (const { args, what } of runs) {
      const res = spawnSync('java', [
        '-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', `-Dlog4j.configuration=file:${join(env.KAFKA_HOME, 'config', 'tools-log4j.properties')}`,
        '-cp', `${env.KAFKA_HOME}/lib/*`, 'kafka.admin.ConfigCommand', '--bootstrap-server', env.KAFKA_BROKERS, '--command-config', config,
        '--alter', ...args,
      ], { encoding: 'utf8', timeout: 60_000 });
      if (res.status !== 0) throw new InfraError(`${what} failed: ${res.stderr || res.stdout}`.trim());
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
