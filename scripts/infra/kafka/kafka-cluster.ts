// The dev clusters: the main one (1–3 combined nodes under <run>/kafka) and an optional second (one node under
// <run>/kafka-2), each on fixed ports, recreated when its shape changes.
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
import { DEV_PRINCIPAL_MAPPING_RULES, type DevPki } from './dev-pki.js';
import type { NodeTls } from './server-properties.js';

export const MAX_BROKERS = 3;
const STOP_GRACE_MS = 15_000;

interface ClusterState {
  clusterId: string;
  brokers: number;
  version: string;
  /** SCRAM credentials are baked in at format time: a new password needs a new cluster. */
  passwordSha256: string;
  /** SASL_SSL and mTLS listeners: switching restarts the nodes on their data (listeners are static in KRaft). */
  tls?: boolean;
}

export interface KafkaClusterStatus {
  state: 'up' | 'down' | 'degraded';
  version?: string;
  clusterId?: string;
  nodes: { nodeId: number; address: string; pid?: number }[];
  detail?: string;
}

/** 1: the main cluster; 2: the second, for tests of an engine serving several clusters (`up --clusters 2`). */
export type ClusterIndex = 1 | 2;

const LAYOUT = {
  1: { folder: 'kafka', clientPort: PORTS.kafkaClient, controllerPort: PORTS.kafkaController },
  2: { folder: 'kafka-2', clientPort: PORTS.secondClient, controllerPort: PORTS.secondController },
} as const;

const clusterDir = (cluster: ClusterIndex = 1) => join(infraPaths().runDir, LAYOUT[cluster].folder);
const stateFile = (cluster: ClusterIndex = 1) => join(clusterDir(cluster), 'cluster.json');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function readState(cluster: ClusterIndex = 1): ClusterState | undefined {
  try {
    return JSON.parse(readFileSync(stateFile(cluster), 'utf8')) as ClusterState;
  } catch {
    return undefined;
  }
}

/** The broker count of the existing cluster, if one was created (running or not). */
export function currentBrokerCount(): number | undefined {
  return readState()?.brokers;
}

/** Whether `up --clusters 2` made the second cluster (running or not). */
export function hasSecondCluster(): boolean {
  return readState(2) !== undefined;
}

/** Whether the main cluster has its TLS listeners (the second never has them). */
export function currentTls(): boolean {
  return readState()?.tls ?? false;
}

export function clientAddress(index: number, cluster: ClusterIndex = 1): string {
  return `${HOST}:${LAYOUT[cluster].clientPort + index}`;
}

export function metricsAddress(index: number): string {
  return `${HOST}:${PORTS.kafkaMetrics + index}`;
}

function nodeTls(pki: DevPki, index: number): NodeTls {
  return {
    saslSslPort: PORTS.kafkaSaslSsl + index, mtlsPort: PORTS.kafkaMtls + index,
    keystore: pki.brokerKeystore, truststore: pki.ca, password: pki.password,
    principalMappingRules: DEV_PRINCIPAL_MAPPING_RULES, clientPrincipal: pki.clientPrincipal,
  };
}

/** The main cluster's nodes carry the metrics agent (and, with `pki`, the TLS listeners); the second's carry neither. */
function clusterNodes(brokers: number, adminPassword: string, cluster: ClusterIndex, agentJar?: string, pki?: DevPki): KafkaNode[] {
  const { clientPort, controllerPort } = LAYOUT[cluster];
  const voters = Array.from({ length: brokers }, (_, i) => ({ nodeId: i + 1, controllerPort: controllerPort + i }));
  return voters.map((voter, i) => {
    const dir = join(clusterDir(cluster), `node-${voter.nodeId}`);
    // A copy of the exporter config in the run state: the broker outlives the checkout that started it.
    const metrics: BrokerMetrics | undefined = agentJar ? { port: PORTS.kafkaMetrics + i, agentJar, config: join(dir, 'jmx-exporter.yaml') } : undefined;
    return kafkaNode(dir, {
      nodeId: voter.nodeId,
      clientPort: clientPort + i,
      controllerPort: voter.controllerPort,
      voters,
      adminPassword,
      ...(pki ? { tls: nodeTls(pki, i) } : {}),
    }, metrics);
  });
}

async function assertPortsFree(node: KafkaNode): Promise<void> {
  const tls = node.spec.tls ? [node.spec.tls.saslSslPort, node.spec.tls.mtlsPort] : [];
  for (const port of [node.spec.clientPort, node.spec.controllerPort, ...tls, ...(node.metrics ? [node.metrics.port] : [])]) {
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
  /** Default 1, the main cluster. */
  cluster?: ClusterIndex;
  /** Present (main cluster only): SASL_SSL and mTLS listeners with these certificates. */
  pki?: DevPki;
  /** The Prometheus JMX exporter agent each node is started with (main cluster only). */
  agentJar?: string;
}): Promise<{ brokers: string[]; metrics: string[] }> {
  const { brokers, version, kafkaHome, adminPassword, cluster = 1, pki, agentJar } = options;
  if (!Number.isInteger(brokers) || brokers < 1 || brokers > MAX_BROKERS) {
    throw new InfraError(`--brokers must be 1..${MAX_BROKERS}, got ${brokers}`);
  }
  const wanted = { brokers, version, passwordSha256: sha256(adminPassword) };
  let state = readState(cluster);
  if (
    !state ||
    state.brokers !== wanted.brokers ||
    state.version !== wanted.version ||
    state.passwordSha256 !== wanted.passwordSha256
  ) {
    if (state) progress(`recreating Kafka cluster ${cluster}: ${state.brokers} broker(s) ${state.version} → ${brokers} broker(s) ${version}`);
    await stopKafkaCluster(cluster);
    rmSync(clusterDir(cluster), { recursive: true, force: true });
    mkdirSync(clusterDir(cluster), { recursive: true });
    state = { clusterId: newClusterId(), ...wanted, tls: Boolean(pki) };
    writeFileSync(stateFile(cluster), `${JSON.stringify(state, null, 2)}\n`);
  }
  if ((state.tls ?? false) !== Boolean(pki)) {
    progress(`restarting Kafka cluster ${cluster} ${pki ? 'with' : 'without'} its TLS listeners`);
    await stopKafkaCluster(cluster);
    state = { ...state, tls: Boolean(pki) };
    writeFileSync(stateFile(cluster), `${JSON.stringify(state, null, 2)}\n`);
  }

  const nodes = clusterNodes(brokers, adminPassword, cluster, agentJar, pki);
  // A node (re)started by a checkout that predates --tls runs without the TLS listeners: restart it with them.
  const withoutTls = pki ? nodes.filter((node) => nodePid(node) !== undefined && !readFileSync(node.propsFile, 'utf8').includes('SASL_SSL://')) : [];
  if (withoutTls.length) progress(`restarting Kafka node(s) ${withoutTls.map((n) => n.spec.nodeId).join(',')} with their TLS listeners`);
  await Promise.all(withoutTls.map((node) => stopNode(node, STOP_GRACE_MS)));
  const stopped = nodes.filter((node) => nodePid(node) === undefined);
  const withoutAgent = agentJar ? nodes.filter((node) => {
    const pid = nodePid(node);
    return pid !== undefined && !isRunning(pid, '-javaagent:');
  }) : [];
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
    progress(`starting Kafka ${version} node(s) ${stopped.map((n) => n.spec.nodeId).join(',')} of cluster ${cluster} (${state.clusterId})…`);
    for (const node of stopped) startNode(kafkaHome, node);
  }

  const addresses = nodes.map((_, i) => clientAddress(i, cluster));
  const metrics = agentJar ? nodes.map((_, i) => metricsAddress(i)) : [];
  await waitForKafka({ brokers: addresses, username: 'admin', password: adminPassword }, brokers, {
    timeoutMs: 120_000,
    deadNode: () => {
      const dead = nodes.find((node) => nodePid(node) === undefined);
      return dead && `node ${dead.spec.nodeId}\n${nodeLogTail(dead)}`;
    },
  });
  return { brokers: addresses, metrics };
}

function existingNodeDirs(cluster: ClusterIndex): string[] {
  if (!existsSync(clusterDir(cluster))) return [];
  return readdirSync(clusterDir(cluster))
    .filter((name) => /^node-\d+$/.test(name))
    .map((name) => join(clusterDir(cluster), name));
}

export async function stopKafkaCluster(cluster: ClusterIndex = 1): Promise<number> {
  const results = await Promise.all(existingNodeDirs(cluster).map((dir) => stopNode(nodeFiles(dir), STOP_GRACE_MS)));
  return results.filter(Boolean).length;
}

export function purgeKafkaCluster(cluster: ClusterIndex = 1): void {
  rmSync(clusterDir(cluster), { recursive: true, force: true });
}

export async function kafkaClusterStatus(adminPassword: string | undefined, cluster: ClusterIndex = 1): Promise<KafkaClusterStatus> {
  const state = readState(cluster);
  if (!state) return { state: 'down', nodes: [] };
  const nodes = Array.from({ length: state.brokers }, (_, i) => {
    const pid = nodePid(nodeFiles(join(clusterDir(cluster), `node-${i + 1}`)));
    return { nodeId: i + 1, address: clientAddress(i, cluster), ...(pid === undefined ? {} : { pid }) };
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
