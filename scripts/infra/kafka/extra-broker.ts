// startExtraBroker: a separate one-node cluster (own id, dir, ports) for tests that need other broker settings.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { adminPassword } from '../admin-password.js';
import { signal } from '../daemon.js';
import { InfraError } from '../infra-error.js';
import { infraPaths, kafkaVersion } from '../paths.js';
import { HOST, PORTS, isPortFree } from '../ports.js';
import { ensureKafkaJars } from './kafka-jars.js';
import { formatNode, kafkaNode, newClusterId, nodeFiles, nodeLogTail, nodePid, startNode, stopNode, writeNodeConfig } from './kafka-node.js';
import { waitForKafka } from './wait-for-kafka.js';

export interface ExtraBrokerOptions {
  /** A label written into its data dir (for whoever finds it there); need not be unique. */
  name: string;
  /** Server properties added to, or overriding, the dev defaults (e.g. allow.everyone.if.no.acl.found). */
  properties?: Record<string, string | number | boolean>;
}

export interface ExtraBroker {
  /** 127.0.0.1:port of its SASL_PLAINTEXT client listener. */
  brokers: string;
  username: 'admin';
  password: string;
  /** Its process, and where it writes server.log and the access records. */
  pid: number;
  logDir: string;
  /** Kills the broker and deletes its data. */
  stop(): Promise<void>;
}

const PORT_PAIRS = 10;
/** A claimed dir with no running broker after this long belongs to a dead test process. */
const STALE_CLAIM_MS = 120_000;

const extraRoot = () => join(infraPaths().runDir, 'extra');

function isStale(dir: string): boolean {
  if (nodePid(nodeFiles(dir)) !== undefined) return false;
  try {
    return Date.now() - statSync(dir).mtimeMs > STALE_CLAIM_MS;
  } catch {
    return true;
  }
}

/** Claims a port pair by creating <run>/extra/<clientPort> (mkdir is atomic across test workers). */
async function claimPorts(): Promise<{ dir: string; clientPort: number; controllerPort: number }> {
  mkdirSync(extraRoot(), { recursive: true });
  for (let i = 0; i < PORT_PAIRS; i++) {
    const clientPort = PORTS.extraClient + i;
    const controllerPort = PORTS.extraController + i;
    const dir = join(extraRoot(), String(clientPort));
    if (existsSync(dir) && isStale(dir)) rmSync(dir, { recursive: true, force: true });
    try {
      mkdirSync(dir);
    } catch {
      continue;
    }
    if ((await isPortFree(clientPort)) && (await isPortFree(controllerPort))) return { dir, clientPort, controllerPort };
    rmSync(dir, { recursive: true, force: true });
  }
  const last = PORT_PAIRS - 1;
  throw new InfraError(
    `no free port pair for an extra broker in ${PORTS.extraClient}–${PORTS.extraClient + last} / ` +
      `${PORTS.extraController}–${PORTS.extraController + last}: stop leftover brokers with \`npm run infra -- down\``,
  );
}

export async function startExtraBroker(options: ExtraBrokerOptions): Promise<ExtraBroker> {
  const version = kafkaVersion();
  const home = ensureKafkaJars(version);
  const password = adminPassword(infraPaths().runDir);
  const { dir, clientPort, controllerPort } = await claimPorts();
  const node = kafkaNode(dir, {
    nodeId: 1,
    clientPort,
    controllerPort,
    voters: [{ nodeId: 1, controllerPort }],
    adminPassword: password,
    overrides: options.properties ?? {},
  });
  let pid: number | undefined;
  // A test process that exits without stop() must not leave a JVM behind.
  const onExit = () => {
    if (pid !== undefined) signal(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  const stop = async () => {
    process.removeListener('exit', onExit);
    await stopNode(node, 0);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    writeNodeConfig(node);
    writeFileSync(join(dir, 'name'), `${options.name}\n`);
    formatNode(home, node, newClusterId());
    pid = startNode(home, node);
    const address = `${HOST}:${clientPort}`;
    await waitForKafka({ brokers: [address], username: 'admin', password }, 1, {
      timeoutMs: 90_000,
      deadNode: () => (nodePid(node) === undefined ? `extra broker "${options.name}"\n${nodeLogTail(node)}` : undefined),
    });
    return { brokers: address, username: 'admin', password, pid, logDir: node.logDir, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Extra brokers still running (a test that died before stop()); `down` stops them. */
export function runningExtraBrokers(): { address: string; pid: number }[] {
  if (!existsSync(extraRoot())) return [];
  return readdirSync(extraRoot()).flatMap((name) => {
    const pid = nodePid(nodeFiles(join(extraRoot(), name)));
    return pid === undefined ? [] : [{ address: `${HOST}:${name}`, pid }];
  });
}

/** For `down`: stops extra brokers that tests left running and removes their data. */
export async function stopExtraBrokers(): Promise<number> {
  if (!existsSync(extraRoot())) return 0;
  const dirs = readdirSync(extraRoot()).map((name) => join(extraRoot(), name));
  const stopped = await Promise.all(dirs.map((dir) => stopNode(nodeFiles(dir), 0)));
  rmSync(extraRoot(), { recursive: true, force: true });
  return stopped.filter(Boolean).length;
}
