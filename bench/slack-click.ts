// Benchmark: a signed Slack click on an approval card → DENY enforced on every broker, p50/p95/p99 over N incidents
// (the approve-then-hold fixture: one approval from kafka-oncall), beside the floor measured in the same run (direct
// createAcls + the same check). The click is Slack's documented block_actions payload, signed with the signing secret,
// posted to /v1/slack/interactions; the Slack Web API is the test stand-in (test/support/slack-stand-in.ts).
// Usage: npm run bench -- slack-click [--n 100] [--note text]   (needs `npm run infra -- up --brokers 3`)
import { startSlackStandIn } from '../test/support/slack-stand-in.js';
import { click, deliver, slackEnv } from '../test/support/slack-clicks.js';
import { numberArg } from './args.js';
import { enforcementBench } from './enforcement.js';
import { percentiles, percentileTable, startRun } from './report.js';

const ALICE = 'U0ALICE01'; // alice, kafka-oncall, in test/fixtures/runbooks/_roster.yaml
const n = numberArg('--n', 100);
const run = startRun('slack-click', { incidents: n, runbook: 'approve-then-hold (test/fixtures/runbooks), quorum 1', 'DENY bindings per principal': 4, order: 'interleaved: click, then floor, per incident' });
const slack = await startSlackStandIn();
slack.setUsergroup('S0SECOPS1', ['U0BOB0001']); // the test roster's secops follows this Slack user group
const { engine, probe, brokers, alert, close } = await enforcementBench('slack', slackEnv(slack));
const clickMs: number[] = [];
const ackMs: number[] = [];
const floorMs: number[] = [];
try {
  for (let i = 0; i < n; i++) {
    const viaSlack = await probe.prepare('slack');
    const id = await alert('test.approve-then-hold', viaSlack.principal);
    const card = structuredClone(await slack.waitFor((m) => m.text?.includes(`of incident ${id}`) === true, 30_000));
    const signed = click(card, 'approve', ALICE);
    const start = process.hrtime.bigint();
    const ack = await deliver(engine.url, signed);
    ackMs.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (ack.status !== 200) throw new Error(`the click was answered ${ack.status}: ${ack.body}`);
    clickMs.push(await viaSlack.enforcedEverywhere(start));
    await viaSlack.close();
    await fetch(`${engine.url}/v1/incidents/${id}/notes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'bench', lessons: true }) });

    floorMs.push(await probe.floor());
    if ((i + 1) % 10 === 0) process.stderr.write(`  ${i + 1}/${n} clicks\n`);
  }
} finally {
  await close();
  await slack.close();
}
const c = percentiles(clickMs);
const a = percentiles(ackMs);
const f = percentiles(floorMs);
run.finish({
  tables: [percentileTable(`Signed Slack click → DENY enforced, ${n} incidents, ${brokers.length} brokers (ms)`, [
    ['click → DENY on every broker (kafka-ir)', c],
    ['click → HTTP answer to Slack (must be < 3 s)', a],
    ['createAcls → DENY on every broker (floor)', f],
  ])],
  figures: { brokers: brokers.length, unit: 'ms', click: c, ack: a, floor: f, samples: { click: clickMs, ack: ackMs, floor: floorMs } },
  ratios: { 'p50 click / floor': c.p50 / f.p50, 'p95 click / floor': c.p95 / f.p95, 'p99 click / floor': c.p99 / f.p99 },
});
