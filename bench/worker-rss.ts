// Benchmark: the engine's memory with N incidents waiting for approval (default 500; the worker caches 100, the engine's default):
// `kafka-ir start` in its own process, N alerts of the approve-deny fixture (distinct principals), each incident
// planned and waiting for its two approvals; RSS and the heap of each thread idle (the in-run baseline: the engine started,
// its workflow thread running with the bundle loaded), after the first incident (the one-time costs of a first incident:
// clients connected, code paths compiled), at checkpoints (the per-incident cost, from the first on), and after all are
// aborted; then a note to the oldest and to the newest incidents, one at a time (with a cache smaller than N the
// oldest were evicted and replay from history). The incidents run on a task queue of their own and are aborted at the
// end, so none is left open.
// Usage: npm run bench -- worker-rss [--n 500] [--cache 100] [--checkpoints 5] [--concurrency 10] [--note text]
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readInfraEnv } from '../scripts/infra/index.js';
import { token } from '../test/support/people.js';
import { numberArg } from './args.js';
import { startEngineProcess, type Memory } from './engine-process.js';
import { markdownTable, percentiles, percentileTable, startRun } from './report.js';

const n = numberArg('--n', 500);
const checkpoints = Math.min(n, numberArg('--checkpoints', 5));
const concurrency = numberArg('--concurrency', 10);
const cache = numberArg('--cache', 100);
const SETTLE_MS = 3_000;
const NOTED = Math.min(20, Math.floor(n / 2));
const run = startRun(cache === 100 ? 'worker-rss' : `worker-rss-cache-${cache}`, {
  incidents: n, 'KAFKA_IR_CACHED_INCIDENTS': cache, checkpoints, 'alerts in flight': concurrency,
  runbook: 'approve-deny (test/fixtures/runbooks): plan, then wait for 2 approvals', 'settle before sampling (ms)': SETTLE_MS,
  'notes timed (oldest, newest)': NOTED,
});
const tag = randomBytes(3).toString('hex');
const evidenceDir = await mkdtemp(join(tmpdir(), 'kafka-ir-bench-rss-'));
const engine = await startEngineProcess({
  ...readInfraEnv(), KAFKA_IR_RUNBOOKS: 'test/fixtures/runbooks', KAFKA_IR_PORT: '0', TEMPORAL_TASK_QUEUE: `bench-rss-${tag}`, KAFKA_IR_EVIDENCE_DIR: evidenceDir,
  KAFKA_IR_CACHED_INCIDENTS: String(cache),
  // All of them on one runbook, whose cap counts its open incidents in the whole namespace (other runs' too).
  KAFKA_IR_MAX_OPEN_INCIDENTS: String(n + 10_000),
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const call = async (method: string, path: string, body?: unknown, bearer?: string) => {
  const res = await fetch(`${engine.url}${path}`, {
    method, body: body === undefined ? undefined : JSON.stringify(body),
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

/** Runs `work` over `items` with `concurrency` in flight. */
async function each<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => { while (next < items.length) await work(items[next++]!); }));
}

/** The median of three readings a second apart, after the engine has had time to settle. */
async function sample(): Promise<Memory> {
  await sleep(SETTLE_MS);
  const readings: Memory[] = [];
  for (let i = 0; i < 3; i++) { readings.push(await engine.memory()); if (i < 2) await sleep(1000); }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
  const figure = (k: 'rss' | 'heapUsed' | 'external') => median(readings.map((r) => r[k]));
  const threads = [...new Set(readings.flatMap((r) => r.threads.map((t) => t.thread)))].map((thread) => {
    const of = (k: 'heapUsed' | 'heapTotal') => median(readings.flatMap((r) => r.threads.filter((t) => t.thread === thread).map((t) => t[k])));
    return { thread, heapUsed: of('heapUsed'), heapTotal: of('heapTotal') };
  });
  return { rss: figure('rss'), peakRss: Math.max(...readings.map((r) => r.peakRss)), heapUsed: figure('heapUsed'), external: figure('external'), threads };
}

/** Temporal's workflow thread: the worker thread whose heap holds the incidents (the largest). */
const workflowHeap = (m: Memory) => Math.max(0, ...m.threads.filter((t) => t.thread !== 'main').map((t) => t.heapUsed));

async function waitForApprovalWait(ids: string[]): Promise<void> {
  let pending = ids;
  const deadline = Date.now() + 300_000;
  while (pending.length) {
    const still: string[] = [];
    await each(pending, async (id) => {
      const view = (await call('GET', `/v1/incidents/${id}`)).body as { status?: string; steps?: { id: string; status: string }[] };
      if (view.status !== 'open') throw new Error(`${id} is ${view.status}, not waiting for approval`);
      if (view.steps?.find((s) => s.id === 'deny')?.status !== 'awaiting_approval') still.push(id);
    });
    pending = still;
    if (pending.length && Date.now() > deadline) throw new Error(`${pending.length} incident(s) not waiting for approval after 5 min`);
    if (pending.length) await sleep(500);
  }
}

const ids: string[] = [];
const intakeMs: number[] = [];
const oldestNoteMs: number[] = [];
const newestNoteMs: number[] = [];
const points: { incidents: number; memory: Memory }[] = [];
let afterAbort: Memory | undefined;
try {
  points.push({ incidents: 0, memory: await sample() });
  process.stderr.write(`  idle: RSS ${(points[0]!.memory.rss / 2 ** 20).toFixed(0)} MiB\n`);
  const targets = [...new Set([1, ...Array.from({ length: checkpoints }, (_, c) => Math.round((n * (c + 1)) / checkpoints))])];
  for (const upTo of targets) {
    const batch = Array.from({ length: upTo - ids.length }, (_, i) => ids.length + i);
    const opened: string[] = [];
    await each(batch, async (i) => {
      const t = process.hrtime.bigint();
      const res = await call('POST', '/v1/alerts', { kind: 'test.approve-deny', severity: 'high', summary: `rss ${i}`, source: 'bench', observedAt: new Date().toISOString(), subject: { principal: `User:rss-${tag}-${i}` } });
      intakeMs.push(Number(process.hrtime.bigint() - t) / 1e6);
      const incidents = res.body.incidents as { id: string; status: string }[] | undefined;
      if (res.status !== 202 || incidents?.[0]?.status !== 'started') throw new Error(`alert ${i}: ${res.status} ${JSON.stringify(res.body)}`);
      opened.push(incidents[0].id);
    });
    ids.push(...opened);
    await waitForApprovalWait(opened);
    points.push({ incidents: ids.length, memory: await sample() });
    process.stderr.write(`  ${ids.length}/${n} waiting for approval: RSS ${(points.at(-1)!.memory.rss / 2 ** 20).toFixed(0)} MiB\n`);
  }
  // Still all waiting (none timed out, none failed) when the last sample was taken.
  await waitForApprovalWait(ids);
  for (const [list, which] of [[oldestNoteMs, ids.slice(0, NOTED)], [newestNoteMs, ids.slice(-NOTED)]] as const) {
    for (const id of which) {
      const t = process.hrtime.bigint();
      const res = await call('POST', `/v1/incidents/${id}/notes`, { text: 'benchmark note' }, token('carol'));
      if (res.body.accepted !== true) throw new Error(`note to ${id}: ${res.status} ${JSON.stringify(res.body)}`);
      list.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  }
} finally {
  await each([...ids], async (id) => {
    const res = await call('POST', `/v1/incidents/${id}/decisions`, { decision: 'abort', reason: 'benchmark over', rollback: false }, token('carol')).catch((err: unknown) => ({ status: 0, body: { error: String(err) } as Record<string, unknown> }));
    if (res.status !== 200 || res.body.accepted !== true) console.error(`could not abort ${id}: ${res.status} ${JSON.stringify(res.body)}`);
  });
  for (let i = 0; i < 120 && ((await call('GET', '/v1/incidents?status=open').catch(() => undefined))?.body.incidents as unknown[] | undefined)?.length; i++) await sleep(1000);
  afterAbort = ids.length ? await sample().catch(() => undefined) : undefined;
  await engine.stop();
  await rm(evidenceDir, { recursive: true, force: true });
}

const mib = (b: number) => b / 2 ** 20;
const idle = points[0]!.memory;
const last = points.at(-1)!.memory;
const first = points[1]!;
type Point = { incidents: number; memory: Memory };
const figureOf = { rss: (m: Memory) => m.rss, main: (m: Memory) => m.heapUsed, workflow: workflowHeap };
const perIncident = (from: Point, to: Point, k: keyof typeof figureOf) => (figureOf[k](to.memory) - figureOf[k](from.memory)) / 1024 / Math.max(1, to.incidents - from.incidents);
const rows = points.map((p, i) => [
  p.incidents === 0 ? 'idle (baseline)' : `${p.incidents} waiting`, mib(p.memory.rss), mib(p.memory.heapUsed), mib(workflowHeap(p.memory)), mib(p.memory.external),
  i === 0 ? '' : perIncident(points[i - 1]!, p, 'rss').toFixed(0), i === 0 ? '' : perIncident(points[i - 1]!, p, 'workflow').toFixed(0),
] as const);
if (afterAbort) rows.push(['all aborted', mib(afterAbort.rss), mib(afterAbort.heapUsed), mib(workflowHeap(afterAbort)), mib(afterAbort.external), '', '']);
const threadRows = [...new Set(points.flatMap((p) => p.memory.threads.map((t) => t.thread)))].map((thread) => [
  thread === 'main' ? 'main (HTTP, activities, Temporal client)' : idle.threads.some((t) => t.thread === thread && t.heapUsed === workflowHeap(idle)) ? `${thread} (workflows)` : thread,
  ...points.map((p) => { const t = p.memory.threads.find((x) => x.thread === thread); return t ? `${mib(t.heapUsed).toFixed(1)} / ${mib(t.heapTotal).toFixed(1)}` : '—'; }),
]);
const total = points.at(-1)!;
run.finish({
  tables: [
    `### Engine memory with incidents waiting for approval (one process: worker, workflow thread, HTTP server)\n\n${markdownTable(
      ['state', 'RSS MiB', 'main heap MiB', 'workflow thread heap MiB', 'external MiB', 'Δ RSS KiB / incident', 'Δ workflow heap KiB / incident'], rows,
    )}\n\nOne-time: the idle engine (its workflow thread started, the bundle and the shared modules loaded: ${mib(workflowHeap(idle)).toFixed(1)} MiB of that thread's heap) is ${mib(idle.rss).toFixed(0)} MiB RSS; the first incident adds ${mib(first.memory.rss - idle.rss).toFixed(1)} MiB (clients connected, code paths compiled). Per incident from the first to the ${total.incidents}th: RSS ${perIncident(first, total, 'rss').toFixed(0)} KiB, workflow thread heap ${perIncident(first, total, 'workflow').toFixed(0)} KiB, main thread heap ${perIncident(first, total, 'main').toFixed(0)} KiB. Peak RSS ${mib(Math.max(last.peakRss, afterAbort?.peakRss ?? 0)).toFixed(0)} MiB. Heaps are live heaps after a full collection in each thread.`,
    `### Heap by thread, live / held by V8 (MiB)\n\n${markdownTable(['thread', ...points.map((p) => (p.incidents === 0 ? 'idle' : `${p.incidents} waiting`))], threadRows)}`,
    percentileTable('Alert intake while opening them (ms)', [['POST /v1/alerts (new incident)', percentiles(intakeMs)]]),
    percentileTable(`A note to a waiting incident, one at a time, with ${cache} incidents cached (ms)`, [
      [`the ${NOTED} oldest incidents${cache < n ? ' (evicted: replayed from history)' : ''}`, percentiles(oldestNoteMs)],
      [`the ${NOTED} newest incidents (cached)`, percentiles(newestNoteMs)],
    ]),
  ],
  figures: { unit: 'bytes', points, afterAbort, intakeMs: percentiles(intakeMs), noteMs: { oldest: percentiles(oldestNoteMs), newest: percentiles(newestNoteMs) }, oneTime: { idleRss: idle.rss, idleWorkflowHeap: workflowHeap(idle), firstIncidentRss: first.memory.rss - idle.rss }, perIncidentKiB: { rss: perIncident(first, total, 'rss'), workflowHeap: perIncident(first, total, 'workflow'), mainHeap: perIncident(first, total, 'main') } },
  ratios: {
    [`note p50, oldest / newest incidents`]: percentiles(oldestNoteMs).p50 / percentiles(newestNoteMs).p50,
    [`RSS with ${total.incidents} waiting / idle RSS`]: last.rss / idle.rss, [`workflow thread heap with ${total.incidents} waiting / idle`]: workflowHeap(last) / workflowHeap(idle) },
});
