// Benchmark: what the access-record detections raise on traffic nobody attacked, and what a pass costs. Replays the dev
// brokers' records: the first `--baseline` minutes are learned, the last `--window` minutes inspected as the engine's
// passes would (every rule, default settings, baseline window = the learned span), counting detections per rule.
// Usage: npm run bench -- detection-replay [--baseline 50] [--window 10] [--note text]   (needs `npm run infra -- up`)
import { accessRecordSource } from '../adapters/access-log/access-source.js';
import { AccessDetector, type Detection } from '../src/model/access-detections.js';
import type { AccessRecord } from '../src/model/access-records.js';
import { DetectionSettings, type DetectionRuleName } from '../src/model/detection-settings.js';
import { devAccessLogFiles } from '../scripts/infra/paths.js';
import { numberArg } from './args.js';
import { markdownTable, startRun } from './report.js';

const baselineMin = numberArg('--baseline', 50);
const windowMin = numberArg('--window', 10);
const run = startRun('detection-replay', {
  'baseline learned (min)': baselineMin, 'window inspected (min)': windowMin, records: "the dev brokers' request and authorizer logs",
  classified: 'customers-*', trusted: 'User:admin (the dev engine)',
});
const source = accessRecordSource({ files: devAccessLogFiles(), brokers: {}, timeZone: 'UTC', maxLineBytes: '4MiB', probeWait: '30s' });
const now = Date.now();
const settings = DetectionSettings.parse({ baselineWindow: `${baselineMin + windowMin}m` });
const detector = new AccessDetector(settings, {
  classificationOf: (t) => (t.startsWith('customers-') ? 'pii' : undefined), trusted: new Set(['User:admin']), scramUsers: [], topicNames: new Map(),
});
const split = now - windowMin * 60_000;
let t = performance.now();
const learned = await source.scan({ window: { from: split - baselineMin * 60_000, to: split }, filter: {}, onRecord: (r) => detector.learn(r) });
const learnMs = performance.now() - t;
const records: AccessRecord[] = [];
t = performance.now();
const inspected = await source.scan({ window: { from: split + 1, to: now }, filter: {}, onRecord: (r) => records.push(r) });
const found: Detection[] = records.flatMap((r) => detector.inspect(r));
const passMs = performance.now() - t;
const rules: DetectionRuleName[] = ['classifiedFirstRead', 'newReadSource', 'securityChange', 'deniedThenAllowed'];
const count = (rule: DetectionRuleName) => found.filter((f) => f.rule === rule).length;
run.finish({
  tables: [
    `### Detections in the last ${windowMin} minutes\n\n${markdownTable(['rule', 'detections', 'per hour', 'principals'], rules.map((rule) => [
      rule, count(rule), (count(rule) * 60 / windowMin).toFixed(1), new Set(found.filter((f) => f.rule === rule).map((f) => f.alert.subject.principal)).size,
    ]))}`,
    `### Cost\n\n${markdownTable(['scan', 'records', 'bytes read', 'ms'], [
      ['baseline', learned.counts.records, learned.bytes, learnMs.toFixed(0)], ['one pass over the window', records.length, inspected.bytes, passMs.toFixed(0)],
    ])}`,
  ],
  figures: { found: found.map((f) => ({ rule: f.rule, principal: f.alert.subject.principal, summary: f.alert.summary })), learnMs, passMs, records: records.length },
  ratios: { 'pass ms per 1000 records': records.length ? passMs / (records.length / 1000) : 0 },
  notes: ['Every file written in the window is read whole on each pass: a pass costs what the active files hold, not only the new lines.'],
});
