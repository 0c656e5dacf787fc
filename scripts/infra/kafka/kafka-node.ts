// One Kafka node on disk and as a process: its generated configs, storage format, start and stop.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { livePid, logTail, startDaemon, stopDaemon } from '../daemon.js';
import { InfraError } from '../infra-error.js';
import { requireTool } from '../prerequisites.js';
import { javaAgentFlag, jmxExporterConfig, type BrokerMetrics } from './jmx-exporter.js';
import { brokerLog4j2Properties, brokerLog4jProperties } from './log4j-properties.js';
import { serverProperties, type KafkaNodeSpec } from './server-properties.js';

/** Where a node keeps its files; enough to find and stop its process. */
export interface NodeFiles {
  dir: string;
  propsFile: string;
  pidFile: string;
  logDir: string;
  stdoutFile: string;
}

export interface KafkaNode extends NodeFiles {
  spec: KafkaNodeSpec;
  /** The Prometheus JMX exporter agent, when the node serves metrics. */
  metrics?: BrokerMetrics;
}

/** Small heaps and the serial collector: this runs on a 2-core dev box next to the tests. */
const BROKER_JVM = ['-Xms96m', '-Xmx384m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-XX:+ExitOnOutOfMemoryError'];
const TOOL_JVM = ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'];

/** Both dialects: Kafka 3.x reads the first (reload4j), 4.x the second (log4j2); each ignores the other. */
function logConfigFlags(dir: string, prefix: string): string[] {
  return [
    `-Dlog4j.configuration=file:${join(dir, `${prefix}log4j.properties`)}`,
    `-Dlog4j2.configurationFile=${join(dir, `${prefix}log4j2.properties`)}`,
  ];
}

export function nodeFiles(dir: string): NodeFiles {
  return {
    dir,
    propsFile: join(dir, 'server.properties'),
    pidFile: join(dir, 'kafka.pid'),
    logDir: join(dir, 'logs'),
    stdoutFile: join(dir, 'logs', 'stdout.log'),
  };
}

export function kafkaNode(dir: string, spec: Omit<KafkaNodeSpec, 'dataDir'>, metrics?: BrokerMetrics): KafkaNode {
  return { ...nodeFiles(dir), spec: { ...spec, dataDir: join(dir, 'data') }, ...(metrics ? { metrics } : {}) };
}

/** A Kafka cluster id: 16 random bytes, base64url (Uuid.toString); never starting with '-' (argv). */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export function writeNodeConfig(node: KafkaNode): void {
  mkdirSync(node.logDir, { recursive: true });
  writeFileSync(node.propsFile, serverProperties(node.spec), { mode: 0o600 });
  // The dev brokers authenticate to each other as admin (server-properties.ts).
  const files = { logDir: node.logDir, brokerPrincipal: 'User:admin' };
  writeFileSync(join(node.dir, 'log4j.properties'), brokerLog4jProperties(files));
  writeFileSync(join(node.dir, 'log4j2.properties'), brokerLog4j2Properties(files));
  if (node.metrics) copyFileSync(jmxExporterConfig(), node.metrics.config);
}

export function isFormatted(node: KafkaNode): boolean {
  return existsSync(join(node.spec.dataDir, 'meta.properties'));
}

export function formatNode(kafkaHome: string, node: KafkaNode, clusterId: string): void {
  const java = requireTool('java', 'to run Kafka');
  const pw = node.spec.adminPassword;
  const result = spawnSync(
    java,
    [
      ...TOOL_JVM,
      ...logConfigFlags(join(kafkaHome, 'config'), 'tools-'),
      '-cp',
      join(kafkaHome, 'lib', '*'),
      'kafka.tools.StorageTool',
      'format',
      '-t',
      clusterId,
      '-c',
      node.propsFile,
      '--add-scram',
      `SCRAM-SHA-512=[name=admin,password=${pw}]`,
      '--add-scram',
      `SCRAM-SHA-256=[name=admin,password=${pw}]`,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (result.status !== 0) {
    throw new InfraError(`StorageTool format failed for node ${node.spec.nodeId}:\n${result.stdout}${result.stderr}`.trimEnd());
  }
}

export function startNode(kafkaHome: string, node: KafkaNode): number {
  const java = requireTool('java', 'to run Kafka');
  return startDaemon({
    command: java,
    args: [
      ...BROKER_JVM,
      '-Djava.awt.headless=true',
      ...(node.metrics ? [javaAgentFlag(node.metrics)] : []),
      ...logConfigFlags(node.dir, ''),
      `-Dkafka.logs.dir=${node.logDir}`,
      '-cp',
      join(kafkaHome, 'lib', '*'),
      'kafka.Kafka',
      node.propsFile,
    ],
    cwd: node.dir,
    logFile: node.stdoutFile,
    pidFile: node.pidFile,
    marker: node.propsFile,
  });
}

export function nodePid(node: NodeFiles): number | undefined {
  return livePid(node.pidFile, node.propsFile);
}

export function stopNode(node: NodeFiles, graceMs: number): Promise<boolean> {
  return stopDaemon(node.pidFile, node.propsFile, graceMs);
}

/** For errors: why a node is not answering. */
export function nodeLogTail(node: NodeFiles): string {
  return `${join(node.logDir, 'server.log')}:\n${logTail(join(node.logDir, 'server.log'))}\n${node.stdoutFile}:\n${logTail(node.stdoutFile, 10)}`;
}
