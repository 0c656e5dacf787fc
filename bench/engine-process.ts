// `kafka-ir start` as a child process of the benchmark, so its memory is the engine's alone: RSS from /proc, heap from /metrics.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export interface EngineProcess { url: string; child: ChildProcess; memory(): Promise<Memory>; stop(): Promise<void> }
/** Bytes. `rss`: resident set of the whole process (workflow threads included); `heapUsed`: the main thread's live V8 heap. */
export interface Memory { rss: number; peakRss: number; heapUsed: number; external: number }

async function rssOf(pid: number): Promise<{ rss: number; peakRss: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
  return { rss: kib('VmRSS'), peakRss: kib('VmHWM') };
}

async function heapOf(url: string): Promise<{ heapUsed: number; external: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const gauge = (name: string) => Number(new RegExp(`^kafka_ir_process_${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  return { heapUsed: gauge('nodejs_heap_size_used_bytes'), external: gauge('nodejs_external_memory_bytes') };
}

/**
 * Resolves once the engine logs that it is ready; its log is drained (a full pipe would stall it) and its tail kept for
 * errors. `command`: the script that runs kafka-ir, by default the compiled package's bin (`npm run bench` builds first).
 */
export function startEngineProcess(env: Record<string, string>, command = 'bin/kafka-ir.js'): Promise<EngineProcess> {
  // --expose-gc and a SIGWINCH handler (the engine itself unchanged): `memory()` collects the main thread's garbage
  // first, so the heap figure is what is live, not where the last collection happened to leave it. SIGWINCH because
  // nothing else takes it: Temporal's Runtime shuts the worker down on SIGINT, SIGTERM, SIGQUIT and SIGUSR2.
  const gcOnSignal = `data:text/javascript,${encodeURIComponent("process.on('SIGWINCH', () => globalThis.gc());")}`;
  const child = spawn(process.execPath, ['--expose-gc', '--import', gcOnSignal, command, 'start'], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { ...process.env, ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let log = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kafka-ir did not get ready in 120 s:\n${log.slice(-2000)}`)), 120_000);
    let ready = false;
    child.stderr!.on('data', (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-20_000);
      const url = ready ? undefined : /"url":"(http:\/\/[^"]+)"[^\n]*"msg":"kafka-ir is ready"/.exec(log)?.[1];
      if (!url) return;
      ready = true;
      clearTimeout(timer);
      resolve({
        url, child,
        memory: async () => {
          child.kill('SIGWINCH');
          await new Promise((r) => setTimeout(r, 500));
          return { ...(await rssOf(child.pid!)), ...(await heapOf(url)) };
        },
        stop: async () => {
          child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
          await exited;
          clearTimeout(killer);
        },
      });
    });
    child.once('exit', (code) => { clearTimeout(timer); if (!ready) reject(new Error(`kafka-ir exited (${code}) before it was ready:\n${log.slice(-2000)}`)); });
  });
}
