// Benchmark: an alert storm — A alerts over S subjects (default 10,000 over 200) posted with C in flight →
// intake rate, intake latency percentiles, and a check that exactly S incidents opened and none was lost.
// Usage: npm run bench -- alert-storm [--alerts 10000] [--subjects 200] [--concurrency 50]
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../src/config.js';
import { startEngine } from '../src/engine.js';
import { createLogger } from '../src/logger.js';
import { readInfraEnv } from '../scripts/infra/index.js';
import { percentiles, printTable, writeResult } from './report.js';

const arg = (name: string, fallback: number) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback);
const alerts = arg('--alerts', 10_000);
const subjects = arg('--subjects', 200);
const concurrency = arg('--concurrency', 50);
const run = randomBytes(3).toString('hex');
const config = loadConfig({ ...readInfraEnv(), KAFKA_IR_RUNBOOKS: 'test/fixtures/runbooks', KAFKA_IR_PORT: '0', TEMPORAL_TASK_QUEUE: `bench-storm-${run}` });
const engine = await startEngine(config, createLogger({ level: 'warn' }));

const latencies: number[] = [];
const ids = new Map<string, string>();
const statuses: Record<string, number> = {};
let next = 0;
const started = process.hrtime.bigint();
async function worker(): Promise<void> {
  while (next < alerts) {
    const i = next++;
    const principal = `User:storm-${run}-${i % subjects}`;
    const t = process.hrtime.bigint();
    const res = await fetch(`${engine.url}/v1/alerts`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'test.hold', severity: 'high', summary: `storm ${i}`, source: 'bench', observedAt: new Date().toISOString(), subject: { principal }, fingerprint: `storm-${run}-${i}` }),
    });
    latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
    const body = (await res.json()) as { incidents: { id: string; status: string }[] };
    if (res.status !== 202 || body.incidents.length !== 1) throw new Error(`alert ${i}: ${res.status} ${JSON.stringify(body)}`);
    const [incident] = body.incidents;
    statuses[incident!.status] = (statuses[incident!.status] ?? 0) + 1;
    if (ids.has(principal) && ids.get(principal) !== incident!.id) throw new Error(`${principal} opened a second incident`);
    ids.set(principal, incident!.id);
    if ((i + 1) % 1000 === 0) process.stderr.write(`  ${i + 1}/${alerts} alerts\n`);
  }
}
try {
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  // None lost: every incident counts every alert about its subject.
  let counted = 0;
  for (const id of ids.values()) counted += ((await (await fetch(`${engine.url}/v1/incidents/${id}`)).json()) as { alerts: number }).alerts;
  const table = printTable(`Alert storm: ${alerts} alerts over ${subjects} subjects, ${concurrency} in flight (intake latency, ms)`, [['POST /v1/alerts', percentiles(latencies)]], {
    'alerts per second': alerts / seconds, incidents: ids.size, started: statuses.started ?? 0, attached: statuses.attached ?? 0, 'alerts counted by incidents': counted,
  });
  if (ids.size !== subjects || counted !== alerts) throw new Error(`expected ${subjects} incidents counting ${alerts} alerts`);
  writeResult('alert-storm', table);
  // Close the incidents (the hold runbook waits for the lessons record) so none is left open without a worker.
  for (const id of ids.values()) {
    await fetch(`${engine.url}/v1/incidents/${id}/notes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'benchmark over', lessons: true }) });
  }
} finally {
  await engine.close();
}
