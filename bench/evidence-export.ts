// Benchmark: evidence export — N messages of S bytes (default 1,000,000 × 1 KiB) produced into a fresh topic between
// a few messages outside the range, then that time range read to NDJSON by kafka-ir (captureEvidence: the code the
// kafka.evidence.capture action runs — read, merge, hash, manifest, custody) beside kcat reading the same range to a
// file (-J: one JSON envelope per message), interleaved, R repetitions each; MB/s of message values and the ratio.
// Usage: npm run bench -- evidence-export [--n 1000000] [--record-size 1024] [--reps 3] [--partitions 6]
//        [--replication-factor 1] [--payload json|text] [--note text]
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaClient } from '../adapters/kafka/client.js';
import { captureEvidence } from '../adapters/kafka/evidence-capture.js';
import { loadConfig } from '../src/config.js';
import { readInfraEnv } from '../scripts/infra/index.js';
import { choiceArg, numberArg } from './args.js';
import { createFreshTopic } from './fresh-topic.js';
import { countLines, kcatReadRange } from './kcat-read.js';
import { jsonPayload, producePerf } from './produce-perf.js';
import { markdownTable, startRun } from './report.js';

const n = numberArg('--n', 1_000_000);
const recordSize = numberArg('--record-size', 1024);
const reps = numberArg('--reps', 3);
const partitions = numberArg('--partitions', 6);
const replicationFactor = numberArg('--replication-factor', 1);
const payload = choiceArg('--payload', ['json', 'text'] as const, 'json');
/** Messages just before and just after the range, so both readers must honour its bounds. */
const OUTSIDE = 100;
const run = startRun('evidence-export', { messages: n, 'message size (bytes)': recordSize, payload, repetitions: reps, partitions, 'replication factor': replicationFactor, 'messages outside the range (each side)': OUTSIDE });

const env = readInfraEnv();
const config = loadConfig({ ...env, LOG_LEVEL: 'warn' });
/** As the engine builds it (kafkajs retries ≤ 1), for the capture; the set-up's admin calls may retry more. */
const kafka = new KafkaClient(config.kafka);
const setup = new KafkaClient(config.kafka, undefined, 8);
const topic = `bench-evidence-${randomBytes(3).toString('hex')}`;
const work = await mkdtemp(join(tmpdir(), 'kafka-ir-bench-evidence-'));
// Broker logs, then at once the capture's part files and its merged NDJSON (each ~1.2 × the values), or kcat's file.
const needed = n * recordSize * (replicationFactor + 3);
const free = await statfs(work).then((f) => f.bavail * f.bsize);
if (free < needed * 1.5) {
  console.error(`evidence-export needs about ${(needed / 1e9).toFixed(1)} GB free in ${tmpdir()} and the brokers' disk; ${(free / 1e9).toFixed(1)} GB is`);
  await rm(work, { recursive: true, force: true });
  process.exit(1);
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function cleanup(): Promise<void> {
  await setup.withAdmin('deleting the benchmark topic', (a) => a.deleteTopics({ topics: [topic] })).catch((err: unknown) => console.error(`could not delete ${topic}: ${String(err)}`));
  await Promise.all([kafka.close(), setup.close()]);
  await rm(work, { recursive: true, force: true });
}
// The topic is a gigabyte on a shared cluster: an interrupted run deletes it too.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => { void cleanup().finally(() => process.exit(130)); });

/** A few messages with timestamps strictly before (or after) `at`. */
async function produceOutside(label: string): Promise<void> {
  const producer = setup.kafka.producer();
  await producer.connect();
  await producer.send({ topic, acks: 1, messages: Array.from({ length: OUTSIDE }, (_, i) => ({ value: payload === 'json' ? jsonPayload(i, recordSize) : `${label}-${i}`.padEnd(recordSize, '.') })) });
  await producer.disconnect();
}

interface Sample { seconds: number; outputBytes: number; readSeconds?: number }
const samples: { kafkaIr: Sample[]; kcat: Sample[] } = { kafkaIr: [], kcat: [] };
let produced = { seconds: 0, summary: '' };
let range = { fromMs: 0, toMs: 0 };

try {
  process.stderr.write(`  creating ${topic}…\n`);
  await createFreshTopic(setup, topic, partitions, replicationFactor);
  await produceOutside('before');
  await sleep(20);
  const fromMs = Date.now();
  process.stderr.write(`  producing ${n} × ${recordSize} B into ${topic}…\n`);
  produced = await producePerf(env, { topic, records: n, recordSize, payload });
  const toMs = Date.now() + 1;
  range = { fromMs, toMs };
  await sleep(20);
  await produceOutside('after');
  process.stderr.write(`  produced in ${produced.seconds.toFixed(1)} s: ${produced.summary}\n`);

  const viaKafkaIr = async (rep: number): Promise<Sample> => {
    const evidenceDir = join(work, `evidence-${rep}`);
    let readDone: bigint | undefined;
    // A message read twice means a reader that may never stop: end it before it fills the disk.
    const runaway = new AbortController();
    const started = process.hrtime.bigint();
    const capture = await captureEvidence({ kafka, evidenceDir }, {
      incidentId: `bench-evidence-${rep}`, step: 'capture',
      input: { topics: [topic], from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), mask: [], ranges: [] },
    }, (p) => {
      if (p.messages >= n && readDone === undefined) readDone = process.hrtime.bigint();
      if (p.messages > n) runaway.abort(new Error(`kafka-ir read ${p.messages} messages of a ${n}-message range`));
    }, runaway.signal);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (capture.messages !== n || capture.truncated) throw new Error(`kafka-ir captured ${capture.messages} message(s) (truncated: ${capture.truncated}), expected ${n}`);
    const outputBytes = capture.files.find((f) => f.path === `${topic}.ndjson`)?.bytes ?? 0;
    await rm(evidenceDir, { recursive: true, force: true });
    return { seconds, outputBytes, readSeconds: readDone === undefined ? undefined : Number(readDone - started) / 1e9 };
  };
  const viaKcat = async (rep: number): Promise<Sample> => {
    const out = join(work, `kcat-${rep}.json`);
    const { seconds } = await kcatReadRange(env, { topic, fromMs, toMs, out });
    const lines = await countLines(out);
    if (lines !== n) throw new Error(`kcat read ${lines} message(s), expected ${n}`);
    const outputBytes = (await stat(out)).size;
    await rm(out, { force: true });
    return { seconds, outputBytes };
  };
  for (let rep = 0; rep < reps; rep++) {
    // Alternating who goes first, so neither always reads a cache the other warmed.
    const order = rep % 2 === 0 ? (['kafkaIr', 'kcat'] as const) : (['kcat', 'kafkaIr'] as const);
    for (const who of order) {
      const sample = who === 'kafkaIr' ? await viaKafkaIr(rep) : await viaKcat(rep);
      samples[who].push(sample);
      process.stderr.write(`  rep ${rep + 1}/${reps} ${who}: ${sample.seconds.toFixed(1)} s\n`);
    }
  }
} finally {
  await cleanup();
}

const valueMB = (n * recordSize) / 1e6;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const summary = (s: Sample[]) => {
  const seconds = s.map((x) => x.seconds);
  return { seconds, meanSeconds: mean(seconds), minSeconds: Math.min(...seconds), maxSeconds: Math.max(...seconds), mbPerSecond: valueMB / mean(seconds), messagesPerSecond: n / mean(seconds), outputMB: mean(s.map((x) => x.outputBytes)) / 1e6 };
};
const k = summary(samples.kafkaIr);
const c = summary(samples.kcat);
const readPhase = samples.kafkaIr.flatMap((s) => (s.readSeconds === undefined ? [] : [s.readSeconds]));
const row = (name: string, x: ReturnType<typeof summary>) => [name, String(x.seconds.length), x.meanSeconds, x.minSeconds, x.maxSeconds, x.mbPerSecond, Math.round(x.messagesPerSecond).toLocaleString('en'), x.outputMB];
run.finish({
  tables: [
    `### Evidence export: ${n.toLocaleString('en')} messages × ${recordSize} B (${valueMB.toFixed(0)} MB of values, ${payload}) in a time range, ${partitions} partitions\n\n${markdownTable(
      ['reader', 'reps', 'mean s', 'min s', 'max s', 'MB/s (values)', 'messages/s', 'output MB'],
      [row('kafka-ir captureEvidence → NDJSON (hashed, manifest, custody)', k), row('kcat -J → file (baseline)', c)],
    )}\n\nMB = 10^6 bytes of message values read. kafka-ir's reading phase alone (until the last message was read, before merge and hashing): ${readPhase.length ? `${mean(readPhase).toFixed(1)} s mean, ${(valueMB / mean(readPhase)).toFixed(1)} MB/s` : 'not observed'}. Producing took ${produced.seconds.toFixed(1)} s (ProducerPerformance: ${produced.summary.replace(/\.$/, '')}).`,
  ],
  figures: { topic, range, produced, valueMB, kafkaIr: { ...k, readSeconds: readPhase }, kcat: c },
  ratios: { 'kafka-ir MB/s / kcat MB/s': k.mbPerSecond / c.mbPerSecond, 'kafka-ir time / kcat time': k.meanSeconds / c.meanSeconds },
  notes: [`The ${topic} topic was deleted after the run.`],
});
