// Benchmark: alert storms of four shapes posted by a client in its own process — spread (200 subjects), hot (2 subjects),
// duplicates (a few fingerprints repeated), opening (every alert a new subject) — against the engine; beside the floor
// measured in the same run: the same POST, validated, routed and written to the intake log, without Temporal.
// Each shape: intake rate and latency (opening and attaching apart), HTTP statuses, then delivery: every incident must
// count exactly the distinct alerts about its subject (none lost, none twice); delivered rate to the last one counted.
// Usage: npm run bench -- alert-storm [--alerts 10000] [--concurrency 50] [--opening 500] [--shape all|spread|hot|duplicates|opening] [--note text]
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { AlertLog } from '../adapters/intake-log/alert-log.js';
import { loadConfig } from '../src/config.js';
import { startEngine } from '../src/engine.js';
import { createLogger } from '../src/logger.js';
import { alertKey, routeAlert } from '../src/model/route-alert.js';
import { loadRunbookSet } from '../src/runbooks/load.js';
import { buildServer } from '../src/server/app.js';
import type { IncidentService } from '../src/temporal/incidents.js';
import { readInfraEnv, status } from '../scripts/infra/index.js';
import { choiceArg, numberArg } from './args.js';
import { processCpuSeconds } from './machine.js';
import { markdownTable, percentiles, percentileTable, startRun, type Percentiles } from './report.js';
import type { StormResult, StormSpec } from './storm-client.js';

const alerts = numberArg('--alerts', 10_000);
const concurrency = numberArg('--concurrency', 50);
const opening = numberArg('--opening', 500);
const only = choiceArg('--shape', ['all', 'spread', 'hot', 'duplicates', 'opening'], 'all');
const run = startRun('alert-storm', { alerts, 'in flight': concurrency, 'opening storm': opening, shapes: only, runbook: 'hold (test/fixtures/runbooks)', client: 'own process' });
const tag = randomBytes(3).toString('hex');
const dataDir = mkdtempSync(join(tmpdir(), 'kafka-ir-bench-storm-'));
const env = { ...readInfraEnv(), KAFKA_IR_RUNBOOKS: 'test/fixtures/runbooks', KAFKA_IR_PORT: '0', TEMPORAL_TASK_QUEUE: `bench-storm-${tag}`, KAFKA_IR_DATA_DIR: dataDir,
  // The intake's per-second gate is not what this measures.
  KAFKA_IR_INTAKE_RATE: '1000000', KAFKA_IR_INTAKE_BURST: '1000000' };
const log = createLogger({ level: 'warn' });

/** Runs one storm in a child process (tsx, as `npm run bench` runs this file). */
function stormProcess(spec: StormSpec): Promise<StormResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/storm-client.ts', JSON.stringify(spec)], {
    cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
  return new Promise((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as StormResult) : reject(new Error(`storm client exited ${code}`)))));
}

/** The floor: the engine's HTTP server and route, each alert validated, routed and durably logged; no Temporal behind it. */
async function startFloor(): Promise<{ url: string; close(): Promise<void> }> {
  const config = loadConfig({ ...env, KAFKA_IR_DATA_DIR: join(dataDir, 'floor') });
  const { runbooks: loaded, roster } = loadRunbookSet(config.runbookDirs);
  const runbooks = loaded.map((r) => r.runbook);
  const intakeLog = await AlertLog.open<object>(config.intakeLog.dir);
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');
  const submit: IncidentService['submit'] = async (alert, opts = {}) => {
    const routed = routeAlert(runbooks, alert, sha);
    if (!routed.ok) return { matched: false, reason: routed.reason };
    const logged = intakeLog.append(() => ({ workflowId: routed.workflowId, runbook: routed.runbook.id, alertKey: opts.alertKey ?? alertKey(alert, sha), alert }));
    await intakeLog.durable(logged.seq);
    intakeLog.delivered([logged.seq]);
    return { matched: true, id: `${routed.workflowId}-00000000`, runbook: routed.runbook.id, status: 'attached' };
  };
  const unused = async () => { throw new Error('not in the floor'); };
  const incidents: IncidentService = { submit, view: unused, list: unused, note: unused, abort: unused, decide: unused, forceAdvance: unused, refuse: unused, drill: unused, acknowledgePage: unused, backlog: () => 0, close: async () => {} };
  const server = buildServer({
    incidents, intake: { alertmanager: config.settings.alertmanager }, roster, ready: () => true, log, edge: config.edge,
  });
  const url = await server.listen({ host: '127.0.0.1', port: 0 });
  return { url, close: async () => { await server.close(); await intakeLog.close(true); } };
}

interface Shape { name: string; subjects: number; fingerprints?: number; alerts: number }
const shapes: Shape[] = [
  { name: 'spread', subjects: 200, alerts },
  { name: 'hot', subjects: 2, alerts },
  { name: 'duplicates', subjects: 2, fingerprints: 20, alerts },
  { name: 'opening', subjects: opening, alerts: opening },
].filter((s) => only === 'all' || s.name === only);

const engine = await startEngine(loadConfig(env), log);
const temporalPid = (await status()).temporal.pid;
/** CPU seconds so far of the engine (this process: the bench's own polling is a small part) and of Temporal's dev server. */
const cpuNow = () => {
  const own = process.cpuUsage();
  return { engine: (own.user + own.system) / 1e6, temporal: temporalPid ? processCpuSeconds(temporalPid) : NaN };
};
type Cpu = ReturnType<typeof cpuNow>;
const cpuSince = (from: Cpu): Cpu => { const to = cpuNow(); return { engine: to.engine - from.engine, temporal: to.temporal - from.temporal }; };
const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS! });
const temporal = new Client({ connection });
const opened = new Set<string>();
const rows: {
  shape: Shape; result: StormResult; deliveredS: number; counted: number; unread: number; expected: number; incidents: number; split: number;
  /** CPU seconds by process while the storm was answered, then until every alert was delivered. */
  cpu: { answering: Cpu; delivering: Cpu };
}[] = [];
let floor: StormResult | undefined;
let floorCpu: Cpu | undefined;
try {
  for (const shape of shapes) {
    process.stderr.write(`  ${shape.name}: ${shape.alerts} alerts over ${shape.subjects} subjects\n`);
    const prefix = `storm-${tag}-${shape.name}`;
    const cpu0 = cpuNow();
    const result = await stormProcess({ url: engine.url, alerts: shape.alerts, concurrency, subjects: shape.subjects, prefix, ...(shape.fingerprints ? { fingerprints: shape.fingerprints } : {}) });
    const answering = cpuSince(cpu0);
    // Delivered: each incident counts the distinct alerts about its subject (its view waits for what the log holds for it).
    const expected = new Map<string, Set<string>>();
    for (let n = 0; n < shape.alerts; n++) {
      const subject = `User:${prefix}-${n % shape.subjects}`;
      expected.set(subject, (expected.get(subject) ?? new Set()).add(String(shape.fingerprints ? n % shape.fingerprints : n)));
    }
    // Delivered: the engine's intake backlog is empty (every alert answered reached its incident).
    const t = performance.now();
    for (;;) {
      const metrics = await (await fetch(`${engine.url}/metrics`)).text();
      if (/^kafka_ir_intake_backlog_alerts 0$/m.test(metrics)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const deliveredS = result.seconds + (performance.now() - t) / 1000;
    const delivering = cpuSince(cpu0);
    for (const k of ['engine', 'temporal'] as const) delivering[k] -= answering[k];
    // Then each incident must count exactly the distinct alerts about its subject (a signal in history is handled by
    // the incident's next workflow task: read until it is, at most a minute).
    let counted = 0;
    /** Alerts of incidents whose view did not answer within the minute (neither lost nor counted: not confirmed). */
    let unread = 0;
    const subjects = Object.entries(result.ids);
    const deadline = Date.now() + 60_000;
    await Promise.all(Array.from({ length: 10 }, async () => {
      for (let entry = subjects.shift(); entry; entry = subjects.shift()) {
        const [subject, ids] = entry;
        for (const id of ids) opened.add(id);
        let alerts: number | undefined;
        do {
          alerts = ((await (await fetch(`${engine.url}/v1/incidents/${ids[0]}`)).json().catch(() => ({}))) as { alerts?: number }).alerts;
          if (alerts !== expected.get(subject)!.size) await new Promise((r) => setTimeout(r, 500));
        } while (alerts !== expected.get(subject)!.size && Date.now() < deadline);
        counted += alerts ?? 0;
        if (alerts === undefined) unread += expected.get(subject)!.size;
        if (alerts !== expected.get(subject)!.size) process.stderr.write(`  ${subject}: ${alerts} counted, ${expected.get(subject)!.size} sent\n`);
      }
    }));
    const want = [...expected.values()].reduce((n, s) => n + s.size, 0);
    rows.push({ shape, result, deliveredS, counted, unread, expected: want, incidents: Object.keys(result.ids).length, split: Object.values(result.ids).filter((ids) => ids.length > 1).length, cpu: { answering, delivering } });
  }
  process.stderr.write('  floor: the same POST, logged durably, no Temporal\n');
  const f = await startFloor();
  try {
    const cpu0 = cpuNow();
    floor = await stormProcess({ url: f.url, alerts, concurrency, subjects: 200, prefix: `floor-${tag}` });
    floorCpu = cpuSince(cpu0);
  } finally {
    await f.close();
  }
} finally {
  // Ended without a worker's help: terminating takes no activity (a closing incident would archive its report).
  await Promise.all([...opened].map((id) => temporal.workflow.getHandle(id.replace(/-[0-9a-f]{8}$/, '')).terminate('benchmark over').catch(() => undefined)));
  await connection.close();
  await engine.close();
}

const all = (r: StormResult) => Object.values(r.ms).flat();
const floorP = percentiles(all(floor!));
const floorRate = alerts / floor!.seconds;
const latencyRows: [string, Percentiles][] = [['floor: POST, validated, logged durably, no Temporal', floorP]];
for (const { shape, result } of rows) {
  for (const [status, ms] of Object.entries(result.ms)) latencyRows.push([`${shape.name}: ${status === 'started' ? 'opening' : status === 'attached' ? 'attaching' : status}`, percentiles(ms)]);
}
const rate = (r: (typeof rows)[number]) => r.shape.alerts / r.result.seconds;
const ms = (seconds: number, n: number) => (seconds * 1000) / n;
const fiveXX = (r: StormResult) => Object.entries(r.http).filter(([s]) => Number(s) >= 500).reduce((n, [, c]) => n + c, 0);
const byName = Object.fromEntries(rows.map((r) => [r.shape.name, r]));
const openingRow = byName.opening;
run.finish({
  tables: [
    percentileTable(`Intake latency, ${concurrency} in flight (ms, from the client's process)`, latencyRows),
    `### Throughput and outcome\n\n${markdownTable(
      ['shape', 'alerts', 'subjects', 'answered/s', '× floor', 'p99 ms', '5xx', '429 (retried)', 'incidents', 'delivered/s (in Temporal)', 'counted / distinct', 'lost', 'twice', 'not read'],
      [
        ['floor', String(alerts), '200', floorRate, '1.00', floorP.p99, String(fiveXX(floor!)), String(floor!.retried), '—', '—', '—', '—', '—', '—'],
        ...rows.map((r) => [
          r.shape.name, String(r.shape.alerts), String(r.shape.subjects), rate(r), (rate(r) / floorRate).toFixed(2), percentiles(all(r.result)).p99,
          String(fiveXX(r.result)), String(r.result.retried), `${r.incidents}${r.split ? ` (${r.split} split)` : ''}`, r.shape.alerts / r.deliveredS,
          `${r.counted} / ${r.expected}`, String(Math.max(0, r.expected - r.counted - r.unread)), String(Math.max(0, r.counted - r.expected)), String(r.unread),
        ]),
      ],
    )}`,
    `### CPU by process (ms per alert)\n\n${markdownTable(
      ['shape', 'client', 'engine, answering', 'Temporal, answering', 'engine, delivering after', 'Temporal, delivering after', 'all, per alert'],
      [
        ['floor', ms(floor!.cpuS, alerts), ms(floorCpu!.engine, alerts), ms(floorCpu!.temporal, alerts), '—', '—', ms(floor!.cpuS + floorCpu!.engine + floorCpu!.temporal, alerts)],
        ...rows.map(({ shape, result, cpu: { answering: a, delivering: d } }) => [
          shape.name, ms(result.cpuS, shape.alerts), ms(a.engine, shape.alerts), ms(a.temporal, shape.alerts), ms(d.engine, shape.alerts), ms(d.temporal, shape.alerts),
          ms(result.cpuS + a.engine + a.temporal + d.engine + d.temporal, shape.alerts),
        ]),
      ],
    )}\n\nCPU time from the client's own count, the engine's process (this benchmark's, the engine runs in it) and /proc of Temporal's dev server; "delivering after": from the last answer until the intake log was empty.`,
    ...(openingRow ? [`### Opening\n\n${markdownTable(['measure', 'value'], [
      ['new incidents answered per second (opening storm)', opening / openingRow.result.seconds],
      ['new incidents started (delivered to Temporal), per second', opening / openingRow.deliveredS],
    ])}`] : []),
  ],
  figures: { floor: { ...floorP, perSecond: floorRate, http: floor!.http, cpuS: { client: floor!.cpuS, ...floorCpu! } }, shapes: Object.fromEntries(rows.map((r) => [r.shape.name, {
    perSecond: rate(r), deliveredPerSecond: r.shape.alerts / r.deliveredS, http: r.result.http, retried: r.result.retried, incidents: r.incidents, counted: r.counted, expected: r.expected,
    cpuS: { client: r.result.cpuS, ...r.cpu },
    latency: Object.fromEntries(Object.entries(r.result.ms).map(([s, ms]) => [s, percentiles(ms)])),
  }])) },
  ratios: Object.fromEntries([
    ...rows.map((r) => [`${r.shape.name} answered rate / floor rate`, rate(r) / floorRate]),
    ...rows.map((r) => [`${r.shape.name} p99 / floor p99`, percentiles(all(r.result)).p99 / floorP.p99]),
  ]),
});
