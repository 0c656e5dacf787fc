// Benchmark: an alert storm — A alerts over S subjects (default 10,000 over 200) posted with C in flight →
// intake rate, intake latency percentiles, and a check that exactly S incidents opened and none was lost; beside the
// floor measured in the same run: the same number of GET /healthz round trips to the same server, as many in flight.
// Usage: npm run bench -- alert-storm [--alerts 10000] [--subjects 200] [--concurrency 50] [--note text]
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../src/config.js';
import { startEngine } from '../src/engine.js';
import { createLogger } from '../src/logger.js';
import { readInfraEnv } from '../scripts/infra/index.js';
import { numberArg } from './args.js';
import { markdownTable, percentiles, percentileTable, startRun } from './report.js';

const alerts = numberArg('--alerts', 10_000);
const subjects = numberArg('--subjects', 200);
const concurrency = numberArg('--concurrency', 50);
const run = startRun('alert-storm', { alerts, subjects, 'in flight': concurrency, runbook: 'hold (test/fixtures/runbooks)' });
const tag = randomBytes(3).toString('hex');
const config = loadConfig({ ...readInfraEnv(), KAFKA_IR_RUNBOOKS: 'test/fixtures/runbooks', KAFKA_IR_PORT: '0', TEMPORAL_TASK_QUEUE: `bench-storm-${tag}`,
  // The intake's own rate limit is not what this measures.
  KAFKA_IR_INTAKE_RATE: '1000000', KAFKA_IR_INTAKE_BURST: '1000000' });
const engine = await startEngine(config, createLogger({ level: 'warn' }));

/** Runs `count` calls with `concurrency` in flight; returns each call's latency (ms) and the wall time (s). */
async function storm(count: number, call: (i: number) => Promise<void>, progress?: string): Promise<{ ms: number[]; seconds: number }> {
  const ms: number[] = [];
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) {
      const i = next++;
      const t = process.hrtime.bigint();
      await call(i);
      ms.push(Number(process.hrtime.bigint() - t) / 1e6);
      if (progress && (i + 1) % 1000 === 0) process.stderr.write(`  ${i + 1}/${count} ${progress}\n`);
    }
  }));
  return { ms, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

const ids = new Map<string, string>();
const statuses: Record<string, number> = {};
try {
  const intake = await storm(alerts, async (i) => {
    const principal = `User:storm-${tag}-${i % subjects}`;
    const res = await fetch(`${engine.url}/v1/alerts`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'test.hold', severity: 'high', summary: `storm ${i}`, source: 'bench', observedAt: new Date().toISOString(), subject: { principal }, fingerprint: `storm-${tag}-${i}` }),
    });
    const body = (await res.json()) as { incidents: { id: string; status: string }[] };
    if (res.status !== 202 || body.incidents.length !== 1) throw new Error(`alert ${i}: ${res.status} ${JSON.stringify(body)}`);
    const [incident] = body.incidents;
    statuses[incident!.status] = (statuses[incident!.status] ?? 0) + 1;
    if (ids.has(principal) && ids.get(principal) !== incident!.id) throw new Error(`${principal} opened a second incident`);
    ids.set(principal, incident!.id);
  }, 'alerts');
  const floor = await storm(alerts, async () => {
    const res = await fetch(`${engine.url}/healthz`);
    if (res.status !== 200) throw new Error(`/healthz answered ${res.status}`);
    await res.arrayBuffer();
  });
  // None lost: every incident counts every alert about its subject.
  let counted = 0;
  for (const id of ids.values()) counted += ((await (await fetch(`${engine.url}/v1/incidents/${id}`)).json()) as { alerts: number }).alerts;
  if (ids.size !== subjects || counted !== alerts) throw new Error(`expected ${subjects} incidents counting ${alerts} alerts, got ${ids.size} counting ${counted}`);

  const i = percentiles(intake.ms);
  const f = percentiles(floor.ms);
  const rate = alerts / intake.seconds;
  const floorRate = alerts / floor.seconds;
  run.finish({
    tables: [
      percentileTable(`Alert storm: ${alerts} alerts over ${subjects} subjects, ${concurrency} in flight (latency, ms)`, [
        ['POST /v1/alerts (kafka-ir intake)', i], ['GET /healthz (HTTP floor)', f],
      ]),
      `### Throughput and outcome\n\n${markdownTable(['measure', 'value'], [
        ['alerts per second (intake)', rate], ['requests per second (HTTP floor)', floorRate],
        ['incidents opened', String(ids.size)], ['alerts that started an incident', String(statuses.started ?? 0)],
        ['alerts attached to an open incident', String(statuses.attached ?? 0)], ['alerts counted by the incidents (none lost)', String(counted)],
      ])}`,
    ],
    figures: { unit: 'ms', intake: { ...i, seconds: intake.seconds, perSecond: rate }, floor: { ...f, seconds: floor.seconds, perSecond: floorRate }, incidents: ids.size, statuses, counted },
    ratios: { 'p50 intake / HTTP floor': i.p50 / f.p50, 'p99 intake / HTTP floor': i.p99 / f.p99, 'HTTP floor rate / intake rate': floorRate / rate },
  });
} finally {
  // Close the incidents (the hold runbook waits for the lessons record) so none is left open without a worker.
  for (const id of ids.values()) {
    await fetch(`${engine.url}/v1/incidents/${id}/notes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'benchmark over', lessons: true }) }).catch(() => undefined);
  }
  // Closing still runs activities (the report is archived): the worker stays until none is open.
  const stillOpen = async () => (((await (await fetch(`${engine.url}/v1/incidents?status=open`)).json()) as { incidents?: unknown[] }).incidents ?? []).length;
  for (let i = 0; i < 180 && ids.size && (await stillOpen().catch(() => 0)) > 0; i++) await new Promise((r) => setTimeout(r, 1000));
  await engine.close();
}
