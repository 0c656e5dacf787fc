// The Prometheus JMX exporter java agent from Maven Central, and the flag that starts a broker with it (detection/README.md).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { InfraError } from '../infra-error.js';
import { infraPaths } from '../paths.js';
import { HOST } from '../ports.js';
import { requireTool } from '../prerequisites.js';
import { progress } from '../progress.js';

export const JMX_EXPORTER_VERSION = '1.0.1';

/** Where a broker's agent serves /metrics, and what it exports (the detection pack's exporter config). */
export interface BrokerMetrics {
  port: number;
  agentJar: string;
  config: string;
}

/** The agent jar, fetched once into ~/.cache/kafka-ir/jmx-exporter-<version>/ (outside the broker's lib/, which the pom owns). */
export function ensureJmxExporter(version = JMX_EXPORTER_VERSION): string {
  const dir = join(infraPaths().cacheDir, `jmx-exporter-${version}`);
  const jar = join(dir, `jmx_prometheus_javaagent-${version}.jar`);
  if (existsSync(jar)) return jar;
  const mvn = requireTool('mvn', 'to fetch the Prometheus JMX exporter from Maven Central');
  progress(`fetching the Prometheus JMX exporter ${version} from Maven Central…`);
  const staging = `${dir}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const result = spawnSync(mvn, [
    '-q', '-B', 'dependency:copy', `-Dartifact=io.prometheus.jmx:jmx_prometheus_javaagent:${version}`, `-DoutputDirectory=${staging}`,
  ], { cwd: infraPaths().cacheDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0 || !existsSync(join(staging, `jmx_prometheus_javaagent-${version}.jar`))) {
    rmSync(staging, { recursive: true, force: true });
    throw new InfraError(`mvn could not fetch io.prometheus.jmx:jmx_prometheus_javaagent:${version}:\n${result.stdout}${result.stderr}`.trimEnd());
  }
  mkdirSync(dir, { recursive: true });
  renameSync(join(staging, `jmx_prometheus_javaagent-${version}.jar`), jar);
  rmSync(staging, { recursive: true, force: true });
  return jar;
}

/** The exporter config of the detection pack, which each dev broker copies and Compose mounts. */
export function jmxExporterConfig(): string {
  return join(infraPaths().repoRoot, 'detection', 'jmx-exporter.yaml');
}

/** `-javaagent:<jar>=<host>:<port>:<config>`: the agent's own HTTP server, on loopback only. */
export function javaAgentFlag(metrics: BrokerMetrics): string {
  return `-javaagent:${metrics.agentJar}=${HOST}:${metrics.port}:${metrics.config}`;
}
