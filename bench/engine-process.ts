// `kafka-ir start` as a child process of the benchmark, so its memory is the engine's alone: RSS from /proc, heap from
// /metrics, and the live heap of each of its threads (the main thread, Temporal's workflow thread, any other).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface EngineProcess { url: string; child: ChildProcess; memory(): Promise<Memory>; stop(): Promise<void> }
/**
 * A thread's V8 heap after a full collection, bytes: `main`, or a worker thread by its id. `heapUsed`: what is live;
 * `heapTotal`: what V8 holds for it (its share of RSS, whatever is live).
 */
export interface ThreadHeap { thread: string; heapUsed: number; heapTotal: number }
/**
 * Bytes. `rss`: resident set of the whole process (workflow threads included); `heapUsed`: the main thread's live V8 heap;
 * `threads`: every thread's.
 */
export interface Memory { rss: number; peakRss: number; heapUsed: number; external: number; threads: ThreadHeap[] }

/**
 * Loaded with --import into the engine's main thread and, through the inherited execArgv, into each worker thread: on
 * SIGWINCH the main thread collects its garbage and asks every thread, over a BroadcastChannel, to do the same and
 * report its heap; it writes the answers to KAFKA_IR_BENCH_HEAPS. SIGWINCH because nothing else takes it: Temporal's
 * Runtime shuts the worker down on SIGINT, SIGTERM, SIGQUIT and SIGUSR2. The engine itself is unchanged.
 */
const HEAP_PROBE = `
import { BroadcastChannel, isMainThread, threadId } from 'node:worker_threads';
import { writeFileSync } from 'node:fs';
const channel = new BroadcastChannel('kafka-ir-bench-heaps');
channel.unref();
const own = () => { globalThis.gc(); const { heapUsed, heapTotal } = process.memoryUsage(); return { thread: isMainThread ? 'main' : 'thread ' + threadId, heapUsed, heapTotal }; };
if (isMainThread) {
  process.on('SIGWINCH', () => {
    const heaps = [own()];
    channel.onmessage = ({ data }) => { if (data && data.thread) heaps.push(data); };
    channel.postMessage('measure');
    setTimeout(() => writeFileSync(process.env.KAFKA_IR_BENCH_HEAPS, JSON.stringify(heaps)), 1000);
  });
} else {
  channel.onmessage = ({ data }) => { if (data === 'measure') channel.postMessage(own()); };
}`;

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
export async function startEngineProcess(env: Record<string, string>, command = 'bin/kafka-ir.js'): Promise<EngineProcess> {
  // --expose-gc and the heap probe: `memory()` collects garbage in every thread first, so the heap figures are what is
  // live, not where the last collection happened to leave them.
  const probeDir = await mkdtemp(join(tmpdir(), 'kafka-ir-bench-heaps-'));
  const heapsFile = join(probeDir, 'heaps.json');
  const probe = `data:text/javascript,${encodeURIComponent(HEAP_PROBE)}`;
  const child = spawn(process.execPath, ['--expose-gc', '--import', probe, command, 'start'], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { ...process.env, ...env, LOG_LEVEL: 'info', KAFKA_IR_BENCH_HEAPS: heapsFile },
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
          await rm(heapsFile, { force: true });
          child.kill('SIGWINCH');
          let threads: ThreadHeap[] | undefined;
          for (let i = 0; i < 50 && !threads; i++) {
            await new Promise((r) => setTimeout(r, 200));
            threads = await readFile(heapsFile, 'utf8').then((t) => JSON.parse(t) as ThreadHeap[], () => undefined);
          }
          return { ...(await rssOf(child.pid!)), ...(await heapOf(url)), threads: threads ?? [] };
        },
        stop: async () => {
          child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
          await exited;
          clearTimeout(killer);
          await rm(probeDir, { recursive: true, force: true });
        },
      });
    });
    child.once('exit', (code) => { clearTimeout(timer); if (!ready) reject(new Error(`kafka-ir exited (${code}) before it was ready:\n${log.slice(-2000)}`)); });
  });
}
