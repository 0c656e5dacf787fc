// Benchmark: access records — ≥ 1 GB of request and authorizer lines in the fixtures' shapes (3 brokers, 24 h, rotated
// files) parsed and indexed by kafka-ir (every principal's reads folded) against `grep -c` of the same files as the
// floor, in the same run; then kafka.blastRadius for one principal over those 24 h against the dev cluster.
// Usage: npm run bench -- access-log [--gb 1.05] [--note text]
import { spawnSync } from 'node:child_process';
import { readdir, rm, stat } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measureBlastRadius } from '../activities/kafka/blast-radius.js';
import { PrincipalActivity } from '../activities/kafka/principal-activity.js';
import { accessRecordSource } from '../adapters/access-log/access-source.js';
import { KafkaClient } from '../adapters/kafka/client.js';
import { AccessLogSettings } from '../src/model/access-log-settings.js';
import { loadConfig } from '../src/config.js';
import { Settings } from '../src/model/settings.js';
import { readInfraEnv } from '../scripts/infra/index.js';
import type { Dataset } from './access-log-data.js';
import { numberArg } from './args.js';
import { markdownTable, startRun } from './report.js';

const gb = numberArg('--gb', 1.05);
const run = startRun('access-log', { 'generated GB (10^9 bytes)': gb, brokers: 3, window: '24 h', 'rotated at': '100 MB', principals: 101 });
const work = await mkdtemp(join(tmpdir(), 'kafka-ir-bench-access-'));
const now = Date.now();
const window = { from: now - 24 * 3_600_000 + 60_000, to: now - 60_000 };

/** Wall and CPU time of `f`, and the peak RSS while it ran (sampled every 20 ms). */
async function measure<T>(f: () => Promise<T>): Promise<{ value: T; wallS: number; cpuS: number; peakRssMiB: number; startRssMiB: number }> {
  const startRss = process.memoryUsage.rss();
  let peak = startRss;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 20);
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const value = await f();
  const wallS = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(cpu);
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage.rss());
  return { value, wallS, cpuS: (used.user + used.system) / 1e6, peakRssMiB: peak / 2 ** 20, startRssMiB: startRss / 2 ** 20 };
}

try {
  console.log(`generating ${gb} GB of access lines in ${work} …`);
  // In a child process: this one's memory then holds only what the measured passes hold.
  const generated = spawnSync(process.execPath, ['--import', 'tsx', 'bench/access-log-data.ts', work, String(gb * 1e9), String(window.from), String(window.to)],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
  if (generated.status !== 0) throw new Error(`generating the access logs failed (${generated.status})`);
  const data = JSON.parse(generated.stdout) as Dataset;
  const files = (await Promise.all([1, 2, 3].map(async (b) => (await readdir(join(work, `broker-${b}`))).map((f) => join(work, `broker-${b}`, f))))).flat();
  const bytes = (await Promise.all(files.map((f) => stat(f)))).reduce((n, s) => n + s.size, 0);
  const mb = bytes / 1e6;
  console.log(`${files.length} files, ${mb.toFixed(0)} MB, ${data.lines} request lines`);

  // The floor: grep counting the lines that name the principal, over the same files (its CPU time from bash's `time`).
  const grep = await measure(async () => {
    const res = spawnSync('bash', ['-c', 'TIMEFORMAT="%3U %3S"; time grep -c -F "$0" "$@"', `"principal":"${data.target.principal}"`, ...files],
      { encoding: 'utf8', maxBuffer: 1 << 20 });
    const [user, system] = res.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
    return { lines: res.stdout.trim().split('\n').reduce((n, l) => n + Number(l.split(':').at(-1)), 0), cpuS: user! + system! };
  });
  grep.cpuS = grep.value.cpuS;

  const settings = AccessLogSettings.parse({ files: [join(work, 'broker-{broker}', 'kafka-*.log*')] });
  // Parse and index: every line classified, every record parsed, every principal's reads folded.
  const index = await measure(async () => {
    const folds = new Map<string, PrincipalActivity>();
    const result = await accessRecordSource(settings).scan({
      window, filter: {}, onRecord: (r) => {
        if (r.kind === 'topicIds') return;
        let f = folds.get(r.principal);
        if (!f) { f = new PrincipalActivity(r.principal); folds.set(r.principal, f); }
        f.add(r);
      },
    });
    const reads = [...folds.values()].reduce((n, f) => n + f.findings(new Map()).reads.length, 0);
    return { result, principals: folds.size, reads };
  });

  // The action: kafka.blastRadius for the thief over the 24 h, against the dev cluster (ACLs, probe, topic ids).
  const config = loadConfig({ ...readInfraEnv(), LOG_LEVEL: 'warn' });
  const kafka = new KafkaClient(config.kafka);
  const blast = await measure(() => measureBlastRadius(kafka, { principal: data.target.principal, since: new Date(window.from).toISOString() },
    Settings.parse({ authorizer: { superUsers: ['User:admin'] } }), { records: accessRecordSource(settings) }));
  await kafka.close();
  const stolen = blast.value.reads.find((t) => t.topic === data.target.topic);
  if (stolen?.messages.atMost !== data.target.messages) throw new Error(`blast radius found ${JSON.stringify(stolen?.messages)} of ${data.target.messages} messages`);

  const row = (name: string, m: { wallS: number; cpuS: number; peakRssMiB: number; startRssMiB: number }, note: string) =>
    [name, m.wallS, mb / m.wallS, m.cpuS, mb / m.cpuS, m.peakRssMiB, note];
  const headers = ['pass', 'wall s', 'MB/s', 'CPU s', 'MB/s per core', 'peak RSS MiB', 'result'];
  run.finish({
    tables: [
      `### ${mb.toFixed(0)} MB of access records (3 brokers × request + authorizer log, 24 h, ${files.length} files rotated at 100 MB)\n\n${markdownTable(headers, [
        row('grep -c -F (floor)', grep, `${grep.value.lines} lines name the principal`),
        row('kafka-ir parse + index (every record, every principal)', index, `${index.value.result.counts.records} records, ${index.value.principals} principals, ${index.value.reads} topic reads`),
        row('kafka.blastRadius, one principal, 24 h (dev cluster)', blast, `${stolen.ranges.length} ranges, ${stolen.messages.atLeast}–${stolen.messages.atMost} messages, ${blast.value.coverage?.answer}`),
      ])}\n\nRSS before each pass: ${index.startRssMiB.toFixed(0)} MiB (index), ${blast.startRssMiB.toFixed(0)} MiB (blast radius); the files are streamed in 1 MiB chunks, so the growth is the index, not the input. MB = 10^6 bytes. "per core": bytes over the CPU time (user + system) of the process, or of grep.`,
    ],
    figures: { bytes, files: files.length, lines: data.lines, target: data.target, grep, index: { ...index, value: { counts: index.value.result.counts, principals: index.value.principals, reads: index.value.reads } }, blast: { ...blast, value: { coverage: blast.value.coverage?.answer, messages: stolen.messages } } },
    ratios: {
      'parse+index MB/s / grep MB/s': (mb / index.wallS) / (mb / grep.wallS),
      'blast radius MB/s / grep MB/s': (mb / blast.wallS) / (mb / grep.wallS),
      'parse+index MB/s per core': mb / index.cpuS,
      'blast radius s (goal ≤ 10)': blast.wallS,
    },
    notes: ['The generated files are not the dev brokers\' own: their probe lines never appear in them, so coverage is an estimate by design; the time is what is measured.'],
  });
} finally {
  await rm(work, { recursive: true, force: true });
}
