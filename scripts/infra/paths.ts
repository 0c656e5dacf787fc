// Where the infrastructure lives: caches and run state outside the clone, `.infra/env` inside it.
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface InfraPaths {
  /** The clone: two levels above scripts/infra. */
  repoRoot: string;
  /** Downloaded and built artefacts shared by every clone: jars, the temporal binary. */
  cacheDir: string;
  binDir: string;
  /** Mutable state: data dirs, logs, pid files, generated configs, the admin password. */
  runDir: string;
  infraEnvFile: string;
  pomFile: string;
}

/** Read at call time (not import time) so a test may point KAFKA_IR_INFRA_DIR elsewhere first. */
export function infraPaths(): InfraPaths {
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const cacheDir = join(homedir(), '.cache', 'kafka-ir');
  const override = process.env.KAFKA_IR_INFRA_DIR;
  return {
    repoRoot,
    cacheDir,
    binDir: join(cacheDir, 'bin'),
    runDir: override ? resolve(override) : join(cacheDir, 'run'),
    infraEnvFile: join(repoRoot, '.infra', 'env'),
    pomFile: join(repoRoot, 'scripts', 'infra', 'kafka', 'pom.xml'),
  };
}

export function kafkaVersion(): string {
  return process.env.KAFKA_VERSION ?? '3.9.1';
}

export function kafkaHome(version: string): string {
  return join(infraPaths().cacheDir, `kafka-${version}`);
}

/**
 * The dev brokers' access records as settings accessLog.files: their own request and authorizer files, or
 * server.log and authorizer.log for brokers started before those existed ({broker}: the node id in node-<id>).
 */
export function devAccessLogFiles(): string[] {
  const logs = join(infraPaths().runDir, 'kafka', 'node-{broker}', 'logs');
  return ['kafka-request.log*', 'kafka-authorizer.log*', 'server.log*', 'authorizer.log*'].map((name) => join(logs, name));
}
