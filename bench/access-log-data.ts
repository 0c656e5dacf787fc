// Synthetic access logs in the exact shapes of the real fixtures: a day of three brokers' request and authorizer lines, rotated.
import { once } from 'node:events';
import { createWriteStream, readFileSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const FIXTURES = 'test/fixtures/access-log';
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A real line of the fixtures, split into its JSON body (to vary) and the logger suffix. */
function template(file: string, test: (line: string) => boolean): Json {
  const line = readFileSync(join(FIXTURES, file), 'utf8').split('\n').find(test);
  if (!line) throw new Error(`no template line in ${file}`);
  const body = line.slice(line.indexOf('Completed request:') + 'Completed request:'.length, line.lastIndexOf(' (kafka.request.logger)'));
  return JSON.parse(body) as Json;
}
const AUTHORIZER = readFileSync(join(FIXTURES, 'broker-1/kafka-authorizer.log'), 'utf8').split('\n')
  .find((l) => l.includes('is Allowed operation = READ') && l.includes('request = Fetch'))!;
const AUTH_RULE = AUTHORIZER.slice(AUTHORIZER.indexOf(' with resourceRefCount'));

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
/** The generated config's pattern: "[2026-12-07 04:25:41,353+0000]". */
function stamp(ms: number): string {
  const d = new Date(ms);
  return `[${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())},${pad(d.getUTCMilliseconds(), 3)}+0000]`;
}

export interface Dataset {
  dir: string;
  bytes: number;
  lines: number;
  /** The principal whose reads the blast radius looks for, and what it read. */
  target: { principal: string; topic: string; partitions: number[]; messages: number };
}

/** A deterministic generator (tests of the bench itself compare runs). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}

/**
 * Writes about `totalBytes` of request and authorizer lines for brokers 1–3 over [from, to], in files rotated at
 * `rotateBytes` like log4j's RollingFileAppender (kafka-request.log, .1, .2 …). Readers are consumers of 100
 * service principals fetching and committing, producers, some refusals, and one thief (User:eve) that reads a
 * topic in assign mode for an hour.
 */
export async function generateAccessLogs(dir: string, totalBytes: number, window: { from: number; to: number }, rotateBytes = 100e6): Promise<Dataset> {
  const rnd = random(13);
  const fetch = template('broker-1/kafka-request.log', (l) => l.includes('"clientId":"fx-eve-kcatgroup"') && l.includes('"FETCH"') && l.includes('"recordsSizeInBytes":1291'));
  const commit = template('broker-1/kafka-request.log', (l) => l.includes('"OFFSET_COMMIT"') && l.includes('fx-eve-kafkajs'));
  const produce = template('broker-1/kafka-request.log', (l) => l.includes('"PRODUCE"') && l.includes('fx-eve-producer'));
  const perBroker = totalBytes / 3;
  const target = { principal: 'User:eve', topic: 'payments', partitions: [] as number[], messages: 0 };
  let bytes = 0;
  let lines = 0;
  for (const broker of [1, 2, 3]) {
    await mkdir(join(dir, `broker-${broker}`), { recursive: true });
    const files = { request: { name: 'kafka-request.log', n: 0, size: 0, parts: [] as string[] }, authorizer: { name: 'kafka-authorizer.log', n: 0, size: 0, parts: [] as string[] } };
    // Consumers: 100 principals × 3 instances, each on a partition this broker leads.
    const consumers = Array.from({ length: 300 }, (_, i) => ({
      principal: `User:svc-${i % 100}`, clientId: `svc-${i % 100}-${i}`, topic: `orders-${i % 40}`, partition: broker * 10 + (i % 10),
      connection: `10.0.0.${broker}:9092-10.1.${i % 200}.${(i * 7) % 250}:${40000 + i}-${i}`, offset: Math.floor(rnd() * 1e6), fetches: 0,
      group: `svc-${i % 100}-group`,
    }));
    const thief = { principal: target.principal, clientId: 'rdkafka', topic: target.topic, partition: broker - 1, connection: `10.0.0.${broker}:9092-203.0.113.9:51515-7`, offset: 0, fetches: 0, group: '' };
    const thiefFrom = window.from + (window.to - window.from) * 0.4;
    const thiefTo = thiefFrom + 3_600_000;
    const stepMs = (window.to - window.from) / (perBroker / 1350); // a fetch line and its authorizer line: about 1350 bytes
    const chunks: { request: string[]; authorizer: string[] } = { request: [], authorizer: [] };
    const flush = async (force = false) => {
      for (const log of ['request', 'authorizer'] as const) {
        const text = chunks[log].join('');
        chunks[log] = [];
        if (!text) continue;
        const f = files[log];
        f.parts.push(text);
        f.size += Buffer.byteLength(text);
        if (f.size >= rotateBytes || force) {
          // Newest is kafka-request.log; older ones were renamed .1, .2 …: written here oldest first as .N … .1, then the current.
          f.n++;
          const name = join(dir, `broker-${broker}`, `${f.name}.part${String(f.n).padStart(3, '0')}`);
          const out = createWriteStream(name);
          for (const p of f.parts) if (!out.write(p)) await once(out, 'drain');
          out.end();
          await once(out, 'finish');
          bytes += f.size;
          f.parts = [];
          f.size = 0;
        }
      }
    };
    let pending = 0;
    for (let t = window.from; t < window.to; t += stepMs * (0.5 + rnd())) {
      const thieving = t >= thiefFrom && t < thiefTo && rnd() < 0.02;
      const c = thieving ? thief : consumers[Math.floor(rnd() * consumers.length)]!;
      const ts = stamp(t);
      const roll = rnd();
      if (!thieving && roll < 0.05) {
        produce.requestHeader.clientId = `${c.clientId}-producer`;
        produce.request.topicData[0].name = c.topic;
        produce.request.topicData[0].partitionData[0].index = c.partition;
        produce.request.topicData[0].partitionData[0].recordsSizeInBytes = 200 + Math.floor(rnd() * 5000);
        produce.response.responses[0].name = c.topic;
        produce.response.responses[0].partitionResponses[0].index = c.partition;
        produce.response.responses[0].partitionResponses[0].baseOffset = c.offset + 1000;
        produce.connection = c.connection;
        produce.principal = c.principal;
        chunks.request.push(`${ts} DEBUG Completed request:${JSON.stringify(produce)} (kafka.request.logger)\n`);
      } else if (!thieving && roll < 0.1) {
        commit.requestHeader.clientId = c.clientId;
        commit.request.groupId = c.group;
        commit.request.topics[0].name = c.topic;
        commit.request.topics[0].partitions[0].partitionIndex = c.partition;
        commit.request.topics[0].partitions[0].committedOffset = c.offset;
        commit.response.topics[0].name = c.topic;
        commit.response.topics[0].partitions[0].partitionIndex = c.partition;
        commit.connection = c.connection;
        commit.principal = c.principal;
        chunks.request.push(`${ts} DEBUG Completed request:${JSON.stringify(commit)} (kafka.request.logger)\n`);
      } else {
        const records = 1 + Math.floor(rnd() * 200);
        fetch.requestHeader.clientId = c.clientId;
        fetch.requestHeader.correlationId = ++c.fetches;
        fetch.request.topics[0].topic = c.topic;
        fetch.request.topics[0].partitions[0].partition = c.partition;
        fetch.request.topics[0].partitions[0].fetchOffset = c.offset;
        fetch.response.responses[0].topic = c.topic;
        fetch.response.responses[0].partitions[0].partitionIndex = c.partition;
        fetch.response.responses[0].partitions[0].highWatermark = c.offset + records;
        fetch.response.responses[0].partitions[0].lastStableOffset = c.offset + records;
        fetch.response.responses[0].partitions[0].recordsSizeInBytes = records * 180;
        fetch.connection = c.connection;
        fetch.principal = c.principal;
        chunks.request.push(`${ts} DEBUG Completed request:${JSON.stringify(fetch)} (kafka.request.logger)\n`);
        const host = c.connection.split('-')[1]!.split(':')[0];
        chunks.authorizer.push(`${ts} DEBUG Principal = ${c.principal} is Allowed operation = READ from host = ${host} on resource = Topic:LITERAL:${c.topic} for request = Fetch${AUTH_RULE}\n`);
        if (rnd() < 0.002) chunks.authorizer.push(`${ts} INFO Principal = ${c.principal} is Denied operation = DESCRIBE from host = ${host} on resource = Topic:LITERAL:secrets for request = Metadata with resourceRefCount = 1 based on rule DefaultDeny (kafka.authorizer.logger)\n`);
        if (thieving) {
          target.messages += records;
          if (!target.partitions.includes(c.partition)) target.partitions.push(c.partition);
        }
        c.offset += records;
      }
      lines++;
      if (++pending >= 5000) { pending = 0; await flush(); }
    }
    await flush(true);
    await nameRotated(dir, broker, files.request.name, files.request.n);
    await nameRotated(dir, broker, files.authorizer.name, files.authorizer.n);
  }
  target.partitions.sort((a, b) => a - b);
  return { dir, bytes, lines, target };
}

/** part001 … partN → name.(N-1) … name.1, name: the current file is the newest, like log4j leaves them. */
async function nameRotated(dir: string, broker: number, name: string, parts: number): Promise<void> {
  for (let i = 1; i <= parts; i++) {
    const from = join(dir, `broker-${broker}`, `${name}.part${String(i).padStart(3, '0')}`);
    await rename(from, join(dir, `broker-${broker}`, i === parts ? name : `${name}.${parts - i}`));
  }
}

// Run as a script (`tsx bench/access-log-data.ts <dir> <bytes> <from ms> <to ms>`) so the benchmark's own process
// measures its memory without the generator's; prints the Dataset as JSON.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [dir, bytes, from, to] = process.argv.slice(2);
  const data = await generateAccessLogs(dir!, Number(bytes), { from: Number(from), to: Number(to) });
  process.stdout.write(`${JSON.stringify(data)}\n`);
}
