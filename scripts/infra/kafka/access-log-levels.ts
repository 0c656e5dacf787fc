// Sets the request and authorizer loggers of running brokers (ConfigCommand): DEBUG for a cluster started before its config had them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InfraEnv } from '../infra-env.js';
import { InfraError } from '../infra-error.js';

/**
 * Levels set this way last until the broker restarts, and the request lines go where the logger's appender is:
 * server.log on a broker whose config predates kafka-request.log. A freshly started broker writes both at DEBUG
 * to their own files (log4j-properties.ts). `level` WARN turns the access records off (to measure their cost).
 */
export function setAccessLogLevels(env: Pick<InfraEnv, 'KAFKA_BROKERS' | 'KAFKA_HOME' | 'KAFKA_SASL_USERNAME' | 'KAFKA_SASL_PASSWORD'>, brokerIds: number[], level: 'DEBUG' | 'WARN' = 'DEBUG'): void {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-ir-loggers-'));
  const config = join(dir, 'admin.properties');
  writeFileSync(config, [
    'security.protocol=SASL_PLAINTEXT', 'sasl.mechanism=SCRAM-SHA-512',
    `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${env.KAFKA_SASL_USERNAME}" password="${env.KAFKA_SASL_PASSWORD}";`,
  ].join('\n'), { mode: 0o600 });
  try {
    for (const id of brokerIds) {
      const res = spawnSync('java', [
        '-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', `-Dlog4j.configuration=file:${join(env.KAFKA_HOME, 'config', 'tools-log4j.properties')}`,
        '-cp', `${env.KAFKA_HOME}/lib/*`, 'kafka.admin.ConfigCommand', '--bootstrap-server', env.KAFKA_BROKERS, '--command-config', config,
        '--alter', '--entity-type', 'broker-loggers', '--entity-name', String(id),
        '--add-config', `kafka.request.logger=${level},kafka.authorizer.logger=${level}`,
      ], { encoding: 'utf8', timeout: 60_000 });
      if (res.status !== 0) throw new InfraError(`raising the access loggers of broker ${id} failed: ${res.stderr || res.stdout}`.trim());
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
