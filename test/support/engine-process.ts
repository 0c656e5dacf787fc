// `kafka-ir start` as a real child process, so tests can SIGKILL the worker the way a crash would and start another.
import { spawn, type ChildProcess } from 'node:child_process';
import { engineEnv } from './infra.js';

export interface EngineProcess {
  url: string;
  child: ChildProcess;
  kill(): Promise<void>;
}

/**
 * Starts `kafka-ir start` and resolves once it logs that it is ready (its HTTP port is chosen freely). `command`: the
 * script to run, by default the sources (scripts/kafka-ir-from-sources.js); an installed package's bin for the package test.
 */
export function startEngineProcess(env: Record<string, string>, command = 'scripts/kafka-ir-from-sources.js', readyWithinMs = 60_000): Promise<EngineProcess> {
  const child = spawn(process.execPath, [command, 'start'], {
    env: { ...process.env, ...engineEnv(env), LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`kafka-ir did not get ready in ${readyWithinMs / 1000} s:\n${log.slice(-2000)}`)), readyWithinMs);
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      const ready = /"url":"(http:\/\/[^"]+)"[^\n]*"msg":"kafka-ir is ready"/.exec(log);
      if (ready) {
        clearTimeout(timer);
        resolve({ url: ready[1]!, child, kill: async () => { child.kill('SIGKILL'); await exited; } });
      }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`kafka-ir exited (${code}) before it was ready:\n${log.slice(-2000)}`)); });
  });
}
