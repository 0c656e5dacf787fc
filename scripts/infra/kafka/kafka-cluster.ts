// The main dev cluster: 1–3 combined nodes under <run>/kafka on fixed ports, recreated when its shape changes.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InfraError } from '../infra-error.js';
import { infraPaths } from '../paths.js';
import { HOST, PORTS, isPortFree } from '../ports.js';
import { progress } from '../progress.js';
import { isRunning } from '../daemon.js';
import type { BrokerMetrics } from './jmx-exporter.js';
import {
  formatNode,
  isFormatted,
  kafkaNode,
  newClusterId,
  nodeFiles,
  nodeLogTail,
  nodePid,
  startNode,
  stopNode,
  writeNodeConfig,
  type KafkaNode,
} from './kafka-node.js';
import { probeKafka, waitForKafka, type KafkaHealth } from './wait-for-kafka.js';

export const MAX_BROKERS = 3;
const STOP_GRACE_MS = 15_000;

interface ClusterState {
  clusterId: string;
  brokers: number;
  version: string;
  /** SCRAM credentials are baked in at format time: a new password needs a new cluster. */
  passwordSha256: string;
}

export interface KafkaClusterStatus {
  state: 'up' | 'down' | 'degraded';
  version?: string;
  clusterId?: string;
  nodes: { nodeId: number; address: string; pid?: number }[];
  detail?: string;
}

const clusterDir = () => join(infraPaths().runDir, 'kafka');
const stateFile = () => join(clusterDir(), 'cluster.json');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function readState(): ClusterState | undefined {
  try {
    return JSON.parse(readFileSync(stateFile(), 'utf8')) as ClusterState;
  } catch {
    return undefined;
  }
}

/** The broker count of the existing cluster, if one was created (running or not). */
export function currentBrokerCount(): number | undefined {
  return readState()?.brokers;
}

export function clientAddress(index: number): string {
  return `${HOST}:${PORTS.kafkaClient + index}`;
}

export function metricsAddress(index: number): string {
  return `${HOST}:${PORTS.kafkaMetrics + index}`;
}

function mainNodes(brokers: number, adminPassword: string, agentJar: string): KafkaNode[] {
  const voters = Array.from({ length: brokers }, (_, i) => ({ nodeId: i + 1, controllerPort: PORTS.kafkaController + i }));
  return voters.map((voter, i) => {
    const dir = join(clusterDir(), `node-${voter.nodeId}`);
    // A copy in the run state: the broker outlives the checkout that started it.
    const metrics: BrokerMetrics = { port: PORTS.kafkaMetrics + i, agentJar, config: join(dir, 'jmx-exporter.yaml') };
    return kafkaNode(dir, {
      nodeId: voter.nodeId,
      clientPort: PORTS.kafkaClient + i,
      controllerPort: voter.controllerPort,
      voters,
      adminPassword,
    }, metrics);
  });
}

async function assertPortsFree(node: KafkaNode): Promise<void> {
  for (const port of [node.spec.clientPort, node.spec.controllerPort, ...(node.metrics ? [node.metrics.port] : [])]) {
    if (!(await isPortFree(port))) {
      throw new InfraError(`port ${HOST}:${port} (Kafka node ${node.spec.nodeId}) is taken by another process: stop it, then retry`);
    }
  }
}

/** Starts whatever is not running and waits until every broker answers an authenticated admin request. */
export async function ensureKafkaCluster(options: {
  brokers: number;
  version: string;
  kafkaHome: string;
  adminPassword: string;
  /** The Prometheus JMX exporter agent every node is started with. */
  agentJar: string;
}): Promise<{ brokers: string[]; metrics: string[] }> {
  const { brokers, version, kafkaHome, adminPassword, agentJar } = options;
  if (!Number.isInteger(brokers) || brokers < 1 || brokers > MAX_BROKERS) {
    throw new InfraError(`--brokers must be 1..${MAX_BROKERS}, got ${brokers}`);
  }
  const wanted = { brokers, version, passwordSha256: sha256(adminPassword) };
  let state = readState();
  if (
    !state ||
    state.brokers !== wanted.brokers ||
    state.version !== wanted.version ||
    state.passwordSha256 !== wanted.passwordSha256
  ) {
    if (state) progress(`recreating Kafka: ${state.brokers} broker(s) ${state.version} → ${brokers} broker(s) ${version}`);
    await stopKafkaCluster();
    rmSync(clusterDir(), { recursive: true, force: true });
    mkdirSync(clusterDir(), { recursive: true });
    state = { clusterId: newClusterId(), ...wanted };
    writeFileSync(stateFile(), `${JSON.stringify(state, null, 2)}\n`);
  }

  const nodes = mainNodes(brokers, adminPassword, agentJar);
  const stopped = nodes.filter((node) => nodePid(node) === undefined);
  const withoutAgent = nodes.filter((node) => {
    const pid = nodePid(node);
    return pid !== undefined && !isRunning(pid, '-javaagent:');
  });
  if (withoutAgent.length > 0) {
    // Not restarted here: other checkouts' tests may be using them. `down` then `up` once brings the metrics.
    progress(`Kafka node(s) ${withoutAgent.map((n) => n.spec.nodeId).join(',')} run without the metrics agent (started by an older checkout): ` +
      '`npm run infra -- down && npm run infra -- up` restarts them with it');
  }
  for (const node of stopped) await assertPortsFree(node);
  for (const node of stopped) {
    writeNodeConfig(node);
    if (!isFormatted(node)) formatNode(kafkaHome, node, state.clusterId);
  }
  if (stopped.length > 0) {
    progress(`starting Kafka ${version} node(s) ${stopped.map((n) => n.spec.nodeId).join(',')} (cluster ${state.clusterId})…`);
    for (const node of stopped) startNode(kafkaHome, node);
  }

  const addresses = nodes.map((_, i) => clientAddress(i));
  const metrics = nodes.map((_, i) => metricsAddress(i));
  await waitForKafka({ brokers: addresses, username: 'admin', password: adminPassword }, brokers, {
    timeoutMs: 120_000,
    deadNode: () => {
      const dead = nodes.find((node) => nodePid(node) === undefined);
      return dead && `node ${dead.spec.nodeId}\n${nodeLogTail(dead)}`;
    },
  });
  return { brokers: addresses, metrics };
}

function existingNodeDirs(): string[] {
  if (!existsSync(clusterDir())) return [];
  return readdirSync(clusterDir())
    .filter((name) => /^node-\d+$/.test(name))
    .map((name) => join(clusterDir(), name));
}

export async function stopKafkaCluster(): Promise<number> {
  const results = await Promise.all(existingNodeDirs().map((dir) => stopNode(nodeFiles(dir), STOP_GRACE_MS)));
  return results.filter(Boolean).length;
}

export function purgeKafkaCluster(): void {
  rmSync(clusterDir(), { recursive: true, force: true });
}

export async function kafkaClusterStatus(adminPassword: string | undefined): Promise<KafkaClusterStatus> {
  const state = readState();
  if (!state) return { state: 'down', nodes: [] };
  const nodes = Array.from({ length: state.brokers }, (_, i) => {
    const pid = nodePid(nodeFiles(join(clusterDir(), `node-${i + 1}`)));
    return { nodeId: i + 1, address: clientAddress(i), ...(pid === undefined ? {} : { pid }) };
  });
  const base = { version: state.version, clusterId: state.clusterId, nodes };
  const alive = nodes.filter((n) => n.pid !== undefined).length;
  if (alive === 0) return { state: 'down', ...base };
  if (alive < nodes.length || !adminPassword) return { state: 'degraded', ...base, detail: `${alive}/${nodes.length} node processes running` };
  const health: KafkaHealth = await probeKafka(
    { brokers: nodes.map((n) => n.address), username: 'admin', password: adminPassword },
    nodes.length,
  );
  return health.ok ? { state: 'up', ...base } : { state: 'degraded', ...base, detail: health.reason };
}
