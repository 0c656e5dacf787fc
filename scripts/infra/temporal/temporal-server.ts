// The Temporal dev server (SQLite in the run dir, loopback only): start, readiness, status, stop.
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { livePid, logTail, startDaemon, stopDaemon } from '../daemon.js';
import { InfraError } from '../infra-error.js';
import { infraPaths } from '../paths.js';
import { HOST, PORTS, isListening, isPortFree } from '../ports.js';
import { progress } from '../progress.js';
import { findTemporalBinary } from './temporal-binary.js';

export const TEMPORAL_ADDRESS = `${HOST}:${PORTS.temporalGrpc}`;

export interface TemporalStatus {
  state: 'up' | 'down' | 'degraded';
  address: string;
  pid?: number;
  detail?: string;
}

function files() {
  const dir = join(infraPaths().runDir, 'temporal');
  return { dir, db: join(dir, 'temporal.db'), pidFile: join(dir, 'temporal.pid'), logFile: join(dir, 'temporal.log') };
}

/** The db path is unique to this run dir: it tells our server from another process with a reused pid. */
const temporalPid = () => livePid(files().pidFile, files().db);

/** Asks the frontend for the `default` namespace, which start-dev creates once it is serving. */
async function probeTemporal(binary: string): Promise<string | undefined> {
  if (!(await isListening(PORTS.temporalGrpc))) return `nothing listens on ${TEMPORAL_ADDRESS}`;
  try {
    await promisify(execFile)(
      binary,
      ['operator', 'namespace', 'describe', '--namespace', 'default', '--address', TEMPORAL_ADDRESS, '--command-timeout', '5s'],
      { timeout: 10_000, env: { ...process.env, TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE: 'default' } },
    );
    return undefined;
  } catch (error) {
    return (error as Error).message.split('\n').filter(Boolean).slice(-1)[0] ?? 'namespace describe failed';
  }
}

export async function ensureTemporal(binary: string): Promise<string> {
  const f = files();
  if (temporalPid() === undefined) {
    if (!(await isPortFree(PORTS.temporalGrpc))) {
      throw new InfraError(`port ${TEMPORAL_ADDRESS} is taken by another process: stop it, then retry`);
    }
    mkdirSync(f.dir, { recursive: true });
    progress(`starting Temporal dev server on ${TEMPORAL_ADDRESS}…`);
    startDaemon({
      command: binary,
      args: [
        'server',
        'start-dev',
        '--headless',
        '--ip',
        HOST,
        '--port',
        String(PORTS.temporalGrpc),
        '--http-port',
        String(PORTS.temporalHttp),
        '--metrics-port',
        String(PORTS.temporalMetrics),
        '--db-filename',
        f.db,
        // File-backed SQLite is ~10x faster with these (docs/design.md §7).
        '--sqlite-pragma',
        'journal_mode=wal',
        '--sqlite-pragma',
        'synchronous=normal',
        '--log-level',
        'warn',
        '--dynamic-config-value',
        'system.enableEagerWorkflowStart=true',
      ],
      cwd: f.dir,
      logFile: f.logFile,
      pidFile: f.pidFile,
      marker: f.db,
    });
  }
  const deadline = Date.now() + 90_000;
  for (;;) {
    const problem = await probeTemporal(binary);
    if (!problem) return TEMPORAL_ADDRESS;
    if (temporalPid() === undefined) throw new InfraError(`Temporal exited during start:\n${logTail(f.logFile)}`);
    if (Date.now() >= deadline) throw new InfraError(`Temporal did not become ready in 90s: ${problem}\n${logTail(f.logFile)}`);
    await sleep(500);
  }
}

export async function temporalStatus(): Promise<TemporalStatus> {
  const pid = temporalPid();
  if (pid === undefined) return { state: 'down', address: TEMPORAL_ADDRESS };
  const binary = findTemporalBinary();
  const problem = binary ? await probeTemporal(binary) : 'temporal binary not found';
  return problem ? { state: 'degraded', address: TEMPORAL_ADDRESS, pid, detail: problem } : { state: 'up', address: TEMPORAL_ADDRESS, pid };
}

export function stopTemporal(): Promise<boolean> {
  return stopDaemon(files().pidFile, files().db, 10_000);
}

export function purgeTemporal(): void {
  rmSync(files().dir, { recursive: true, force: true });
}
