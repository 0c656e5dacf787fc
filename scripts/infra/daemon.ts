// Background processes tracked by pid files: start detached, check liveness (safe against pid reuse), stop.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { InfraError } from './infra-error.js';

export interface DaemonSpec {
  command: string;
  args: string[];
  cwd: string;
  /** stdout and stderr are appended here. */
  logFile: string;
  pidFile: string;
  /** A string unique to this daemon's command line (a config path): a reused pid will not contain it. */
  marker: string;
  env?: NodeJS.ProcessEnv;
}

/** True when `pid` is a live process whose command line contains `marker` (zombies have an empty one). */
export function isRunning(pid: number, marker: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
  } catch {
    return false;
  }
}

/** The pid recorded in `pidFile` if that process still runs; a stale pid file is removed. */
export function livePid(pidFile: string, marker: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
  if (Number.isInteger(pid) && pid > 0 && isRunning(pid, marker)) return pid;
  rmSync(pidFile, { force: true });
  return undefined;
}

export function startDaemon(spec: DaemonSpec): number {
  mkdirSync(dirname(spec.logFile), { recursive: true });
  mkdirSync(dirname(spec.pidFile), { recursive: true });
  const fd = openSync(spec.logFile, 'a');
  try {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    child.on('error', () => undefined); // a failed spawn leaves pid undefined, handled below
    if (child.pid === undefined) throw new InfraError(`could not start ${spec.command} (see ${spec.logFile})`);
    child.unref();
    writeFileSync(spec.pidFile, `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

async function waitForExit(pid: number, marker: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isRunning(pid, marker)) {
    if (Date.now() >= deadline) return false;
    await sleep(100);
  }
  return true;
}

/** SIGTERM, then SIGKILL after `graceMs`. Returns false when nothing was running. */
export async function stopDaemon(pidFile: string, marker: string, graceMs: number): Promise<boolean> {
  const pid = livePid(pidFile, marker);
  if (pid === undefined) return false;
  signal(pid, 'SIGTERM');
  if (!(await waitForExit(pid, marker, graceMs))) {
    signal(pid, 'SIGKILL');
    if (!(await waitForExit(pid, marker, 5000))) throw new InfraError(`process ${pid} survived SIGKILL`);
  }
  rmSync(pidFile, { force: true });
  return true;
}

export function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** The last lines of a log file, for error messages when a daemon dies during start. */
export function logTail(file: string, lines = 25): string {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}
