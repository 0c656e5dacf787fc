// Benchmark: alert POST → DENY enforced on every broker, p50/p95/p99 over N incidents of the auto-deny fixture,
// beside the floor measured in the same run (direct createAcls of the same 4 bindings + the same check).
// Enforcement is what each broker answers the principal itself: a Metadata request for a topic it could read, sent on
// its own connection to that broker, until every broker says TOPIC_AUTHORIZATION_FAILED (29).
// Usage: npm run bench -- containment [--n 100] [--note text]   (needs `npm run infra -- up --brokers 3`)
import { numberArg } from './args.js';
import { enforcementBench } from './enforcement.js';
import { percentiles, percentileTable, startRun } from './report.js';

const n = numberArg('--n', 100);
const run = startRun('containment', { incidents: n, runbook: 'auto-deny (test/fixtures/runbooks)', 'DENY bindings per principal': 4, order: 'interleaved: engine, then floor, per incident' });
const { probe, brokers, alert, close } = await enforcementBench('containment');
const engineMs: number[] = [];
const floorMs: number[] = [];
try {
  for (let i = 0; i < n; i++) {
    // Interleaved, so both see the same cluster conditions.
    const viaEngine = await probe.prepare('engine');
    const start = process.hrtime.bigint();
    await alert('test.auto-deny', viaEngine.principal);
    engineMs.push(await viaEngine.enforcedEverywhere(start));
    await viaEngine.close();

    floorMs.push(await probe.floor());
    if ((i + 1) % 10 === 0) process.stderr.write(`  ${i + 1}/${n} incidents\n`);
  }
} finally {
  await close();
}
const e = percentiles(engineMs);
const f = percentiles(floorMs);
run.finish({
  tables: [percentileTable(`Containment latency, ${n} incidents, ${brokers.length} brokers (ms)`, [
    ['alert POST → DENY on every broker (kafka-ir)', e],
    ['createAcls → DENY on every broker (floor)', f],
  ])],
  figures: { brokers: brokers.length, unit: 'ms', kafkaIr: e, floor: f, samples: { kafkaIr: engineMs, floor: floorMs } },
  ratios: { 'p50 kafka-ir / floor': e.p50 / f.p50, 'p95 kafka-ir / floor': e.p95 / f.p95, 'p99 kafka-ir / floor': e.p99 / f.p99 },
});
