// The embedded Temporal dev server, used when TEMPORAL_ADDRESS is unset: started once, shared by later `kafka-ir` processes.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync } from 'node:fs';
import { createConnection } from 'node:net';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KafkaIrError } from '../model/errors.js';
import type { Logger } from '../logger.js';

export const EMBEDDED_ADDRESS = '127.0.0.1:7233';

export function findTemporalCli(): string | undefined {
  const cached = join(homedir(), '.cache', 'kafka-ir', 'bin', 'temporal');
  if (existsSync(cached)) return cached;
  return (process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'temporal')).find((p) => existsSync(p));
}

export function portOpen(address: string, timeoutMs = 1_000): Promise<boolean> {
  const [host, port] = address.split(':');
  return new Promise((resolve) => {
    const socket = createConnection({ host, port: Number(port), timeout: timeoutMs });
    const done = (open: boolean) => { socket.destroy(); resolve(open); };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

/** Returns the address of a running embedded server, starting one (detached, so it outlives this process) if none answers. */
export async function ensureEmbeddedTemporal(dataDir: string, log: Logger): Promise<string> {
  if (await portOpen(EMBEDDED_ADDRESS)) return EMBEDDED_ADDRESS;
  const cli = findTemporalCli();
  if (!cli) {
    throw new KafkaIrError('INVALID_CONFIG', 'no Temporal server: TEMPORAL_ADDRESS is unset and the Temporal CLI is not installed',
      'run `npm run infra -- up` once (it builds the CLI with go install), put `temporal` on PATH, or set TEMPORAL_ADDRESS');
  }
  mkdirSync(dataDir, { recursive: true });
  const out = openSync(join(dataDir, 'temporal.log'), 'a');
  const [ip, port] = EMBEDDED_ADDRESS.split(':') as [string, string];
  const child = spawn(cli, [
    'server', 'start-dev', '--headless', '--ip', ip, '--port', port, '--log-level', 'warn',
    '--db-filename', join(dataDir, 'temporal.db'),
    '--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal',
  ], { detached: true, stdio: ['ignore', out, out] });
  child.unref();
  log.info({ pid: child.pid, address: EMBEDDED_ADDRESS, dataDir }, 'started the embedded Temporal dev server');
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (await portOpen(EMBEDDED_ADDRESS)) return EMBEDDED_ADDRESS;
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new KafkaIrError('INVALID_CONFIG', `the embedded Temporal dev server did not start`, `see ${join(dataDir, 'temporal.log')}`);
}
