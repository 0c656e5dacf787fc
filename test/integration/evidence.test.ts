// kafka.evidence.capture against the real cluster: what kcat reads, masked and hashed, verifiable, and no group left behind.
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureEvidence } from '../../adapters/kafka/evidence-capture.js';
import { kafkaActivities } from '../../activities/kafka/index.js';
import type { EvidenceCapture } from '../../src/model/actions/forensics.js';
import { Settings } from '../../src/model/settings.js';
import { evidenceVerifyCommand } from '../../src/cli/evidence.js';
import { infra, unique } from '../support/infra.js';
import { admin, createTopic } from '../support/kafka.js';

const kafka = admin();
let dir: string;
let acts: ReturnType<typeof kafkaActivities>;
const T = unique('ev-orders');
const U = unique('ev-audit');
const incidentId = unique('ir-ev');
const base = Date.now();
const from = new Date(base - 30_000).toISOString();
const to = new Date(base - 10_000).toISOString();
const binary = Buffer.from([0xff, 0x00, 0x0a, 0xfe]);
const request = (step: string, extra: Record<string, unknown> = {}) => ({ incidentId, step, input: { topics: [T, U], from, to, mask: ['card.number'], ...extra } });

const topic = (name: string, numPartitions: number) => createTopic(kafka, name, [], 1, numPartitions);

/** kcat's view of a partition range, parsed from '%p %o %T %K %S:<key><payload>' so binary payloads survive. */
function kcatRecords(name: string, partition: number, start: number, count: number) {
  const env = infra();
  const res = spawnSync('kcat', [
    '-b', env.KAFKA_BROKERS, '-X', 'security.protocol=SASL_PLAINTEXT', '-X', 'sasl.mechanisms=SCRAM-SHA-512',
    '-X', `sasl.username=${env.KAFKA_SASL_USERNAME}`, '-X', `sasl.password=${env.KAFKA_SASL_PASSWORD}`,
    '-C', '-t', name, '-p', String(partition), '-o', String(start), '-c', String(count), '-e', '-q', '-f', '%p %o %T %K %S:%k%s',
  ], { timeout: 30_000 });
  expect(res.status, res.stderr.toString()).toBe(0);
  const out = res.stdout;
  const records: { partition: number; offset: number; timestamp: number; key: Buffer | null; value: Buffer | null }[] = [];
  for (let pos = 0; pos < out.length;) {
    const colon = out.indexOf(':', pos);
    const [p, o, ts, k, s] = out.subarray(pos, colon).toString().split(' ').map(Number) as [number, number, number, number, number];
    const key = k < 0 ? null : out.subarray(colon + 1, colon + 1 + k);
    const value = s < 0 ? null : out.subarray(colon + 1 + Math.max(k, 0), colon + 1 + Math.max(k, 0) + s);
    records.push({ partition: p, offset: o, timestamp: ts, key, value });
    pos = colon + 1 + Math.max(k, 0) + Math.max(s, 0);
  }
  return records;
}

const ndjson = async (path: string) => (await readFile(path, 'utf8')).trimEnd().split('\n').filter(Boolean).map((l) => JSON.parse(l));
const evidenceGroups = async () => (await kafka.withAdmin('listing groups', (a) => a.listGroups())).groups
  .map((g) => g.groupId).filter((g) => g.startsWith('kafka-ir-evidence-'));
async function verify(path: string, head?: string) {
  const lines: string[] = [];
  const code = await evidenceVerifyCommand(path, { head }, { out: (l) => lines.push(l), err: (l) => lines.push(l) });
  return { code, text: lines.join('\n') };
}

let capture: EvidenceCapture;
const beats: unknown[] = [];
let groupsBefore: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'evidence-'));
  acts = kafkaActivities({ kafka, settings: Settings.parse({}), evidenceDir: dir });
  await topic(T, 2);
  await topic(U, 1);
  const at = (ms: number) => String(base + ms);
  const producer = kafka.kafka.producer();
  await producer.connect();
  await producer.send({ topic: T, messages: [
    { partition: 0, value: 'too early', timestamp: at(-60_000) },
    { partition: 0, key: 'k0', value: JSON.stringify({ user: 'ann', card: { number: '4111-SECRET', exp: '12/30' } }), headers: { trace: 'abc' }, timestamp: at(-25_000) },
    { partition: 0, value: 'plain text', timestamp: at(-24_000) },
    { partition: 1, key: binary, value: binary, timestamp: at(-23_000) },
    { partition: 1, value: JSON.stringify([1, 2, 3]), timestamp: at(-22_000) },
    { partition: 1, value: 'too late', timestamp: at(-5_000) },
  ] });
  await producer.send({ topic: U, messages: [{ value: 'audit-1', timestamp: at(-20_000) }, { value: 'audit-2', timestamp: at(-19_000) }] });
  await producer.disconnect();
  // A consumer group with committed offsets on T: the capture records it in metadata.json.
  await kafka.withAdmin('committing offsets', (a) => a.setOffsets({ groupId: `${incidentId}-reader`, topic: T, partitions: [{ partition: 0, offset: '2' }] }));

  groupsBefore = await evidenceGroups();
  const env = new MockActivityEnvironment();
  env.on('heartbeat', (d: unknown) => beats.push(d));
  capture = await env.run(acts.captureEvidence, request('capture'));
});

afterAll(async () => {
  await kafka.withAdmin('deleting group', (a) => a.deleteGroups([`${incidentId}-reader`])).catch(() => undefined);
  await kafka.close();
  await rm(dir, { recursive: true, force: true });
});

describe('kafka.evidence.capture', () => {
  it('captures exactly what kcat reads for the same offsets, in the time range, with the masked field replaced', async () => {
    expect(capture).toMatchObject({ dir: join(dir, incidentId, 'capture'), truncated: false, messages: 6 });
    const metadata = JSON.parse(await readFile(join(capture.dir, 'metadata.json'), 'utf8'));
    const lines = await ndjson(join(capture.dir, `${T}.ndjson`));
    expect(lines).toHaveLength(4);
    for (const range of metadata.ranges.filter((r: { topic: string }) => r.topic === T)) {
      const mine = lines.filter((l) => l.partition === range.partition);
      const theirs = kcatRecords(T, range.partition, range.start, range.end - range.start);
      expect(mine.map((l) => [l.partition, l.offset, l.timestamp])).toEqual(theirs.map((r) => [r.partition, r.offset, r.timestamp]));
      mine.forEach((l, i) => {
        const raw = theirs[i]!.value!;
        if (l.valueEncoding === 'base64') expect(Buffer.from(l.value, 'base64')).toEqual(raw);
        else if (l.valueEncoding === 'utf8') expect(l.value).toBe(raw.toString('utf8'));
        else {
          const json = JSON.parse(raw.toString('utf8'));
          if (json.card) json.card.number = '***';
          expect(l.value).toEqual(json);
        }
      });
    }
    expect(lines.map((l) => l.valueEncoding)).toEqual(['json', 'utf8', 'base64', 'json']);
    expect(lines[0]).toMatchObject({ key: 'k0', keyEncoding: 'utf8', headers: [{ key: 'trace', value: 'abc', encoding: 'utf8' }] });
    expect(lines[2]).toMatchObject({ key: binary.toString('base64'), keyEncoding: 'base64' });
    expect((await ndjson(join(capture.dir, `${U}.ndjson`))).map((l) => l.value)).toEqual(['audit-1', 'audit-2']);
    const raw = await readFile(join(capture.dir, `${T}.ndjson`), 'utf8');
    expect(raw).not.toMatch(/4111-SECRET|too early|too late/);
  });

  it('records topic layout, configs and group offsets, and returns only a reference and hashes', async () => {
    const metadata = JSON.parse(await readFile(join(capture.dir, 'metadata.json'), 'utf8'));
    expect(metadata.topics.map((t: { name: string; partitions: unknown[] }) => [t.name, t.partitions.length])).toEqual([[T, 2], [U, 1]]);
    expect(metadata.topics[0].configs['cleanup.policy']).toBe('delete');
    expect(metadata.groups).toContainEqual({ groupId: `${incidentId}-reader`, offsets: [{ topic: T, partition: 0, offset: 2 }] });
    expect(capture.files.map((f) => [f.path, f.messages])).toEqual([['metadata.json', 0], [`${T}.ndjson`, 4], [`${U}.ndjson`, 2]]);
    expect(JSON.stringify(capture)).not.toMatch(/ann|plain text|audit-1|SECRET/);
    expect(beats.length).toBeGreaterThan(0);
  });

  it('captures exact offset ranges (a blast radius\'s delivered ranges): only those offsets, the rest of the request by time', async () => {
    // T partition 0 holds offsets 0–2, partition 1 offsets 0–2; a range past the end is cut to what exists.
    const exact = await acts.captureEvidence(request('capture-exact', {
      ranges: [{ topic: T, partition: 0, from: 0, to: 1 }, { topic: T, partition: 0, from: 2, to: 3 }, { topic: T, partition: 1, from: 1, to: 99 }],
    }));
    const lines = await ndjson(join(exact.dir, `${T}.ndjson`));
    expect(lines.map((l) => `${l.partition}/${l.offset}`)).toEqual(['0/0', '0/2', '1/1', '1/2']);
    expect(lines.map((l) => [l.partition, l.offset, l.timestamp]))
      .toEqual([...kcatRecords(T, 0, 0, 3).filter((r) => r.offset !== 1), ...kcatRecords(T, 1, 1, 2)].map((r) => [r.partition, r.offset, r.timestamp]));
    // U has no ranges: it is still captured by time.
    expect((await ndjson(join(exact.dir, `${U}.ndjson`))).map((l) => l.value)).toEqual(['audit-1', 'audit-2']);
    const metadata = JSON.parse(await readFile(join(exact.dir, 'metadata.json'), 'utf8'));
    expect(metadata.request.ranges).toHaveLength(3);
    expect(metadata.ranges.filter((r: { topic: string }) => r.topic === T)).toEqual([
      { topic: T, partition: 0, start: 0, end: 3, include: [[0, 1], [2, 3]], captured: 2 },
      { topic: T, partition: 1, start: 1, end: 3, include: [[1, 3]], captured: 2 },
    ]);
  });

  it('leaves no consumer group behind', async () => {
    expect((await evidenceGroups()).filter((g) => !groupsBefore.includes(g))).toEqual([]);
  });

  it('verifies, and a retry of the same step overwrites cleanly with the same manifest and extends the custody log', async () => {
    expect(await verify(capture.dir, capture.custodyHead)).toMatchObject({ code: 0 });
    const again = await acts.captureEvidence(request('capture'));
    expect(again.manifestSha256).toBe(capture.manifestSha256);
    expect(again.files).toEqual(capture.files);
    const custody = (await readFile(join(capture.dir, 'custody.log'), 'utf8')).trimEnd().split('\n');
    expect(custody).toHaveLength(8);
    expect(await verify(capture.dir, again.custodyHead)).toMatchObject({ code: 0 });
  });

  it('stops at maxMessages in (topic, partition, offset) order and says it truncated', async () => {
    const cut = await acts.captureEvidence(request('capture-cut', { maxMessages: 3 }));
    expect(cut).toMatchObject({ truncated: true, messages: 3 });
    const full = await ndjson(join(capture.dir, `${T}.ndjson`));
    expect(await ndjson(join(cut.dir, `${T}.ndjson`))).toEqual(full.slice(0, 3));
    expect(await readFile(join(cut.dir, `${U}.ndjson`), 'utf8')).toBe('');
    // maxBytes counts the NDJSON bytes on disk: exactly the full size fits, one byte less drops the last message.
    const size = capture.files.filter((f) => f.path.endsWith('.ndjson')).reduce((n, f) => n + f.bytes, 0);
    expect(await acts.captureEvidence(request('capture-fits', { maxBytes: size }))).toMatchObject({ truncated: false, messages: 6 });
    expect(await acts.captureEvidence(request('capture-over', { maxBytes: size - 1 }))).toMatchObject({ truncated: true, messages: 5 });
  });

  it('names a tampered NDJSON file and a tampered custody entry (exit 1)', async () => {
    const filed = join(dir, 'tampered-file');
    await cp(capture.dir, filed, { recursive: true });
    const path = join(filed, `${T}.ndjson`);
    await writeFile(path, (await readFile(path, 'utf8')).replace('plain text', 'plain teXt'));
    const expected = capture.files.find((f) => f.path === `${T}.ndjson`)!.sha256;
    const file = await verify(filed);
    expect(file.code).toBe(1);
    expect(file.text).toContain(`${T}.ndjson: content changed\n    expected ${expected}`);

    const logged = join(dir, 'tampered-log');
    await cp(capture.dir, logged, { recursive: true });
    const log = (await readFile(join(logged, 'custody.log'), 'utf8')).split('\n');
    log[1] = log[1]!.replace('"actor":"kafka-ir', '"actor":"mallory');
    await writeFile(join(logged, 'custody.log'), log.join('\n'));
    const chain = await verify(logged);
    expect(chain.code).toBe(1);
    expect(chain.text).toContain('custody.log:3: chain broken: the previous entry was changed');
  });
});

describe('kafka.evidence.capture of a range that takes many fetches', () => {
  it('reads every message exactly once (3 MB in one partition: more than one fetch of 1 MB)', async () => {
    const W = unique('ev-wide');
    await topic(W, 1);
    const producer = kafka.kafka.producer();
    await producer.connect();
    for (let b = 0; b < 3; b++) {
      await producer.send({ topic: W, messages: Array.from({ length: 1000 }, (_, i) => ({ value: `${b}-${i}-`.padEnd(1024, '.') })) });
    }
    await producer.disconnect();
    // Were a batch read twice, the capture would grow without end: stop it at the first message too many.
    const runaway = new AbortController();
    try {
      const wide = await captureEvidence({ kafka, evidenceDir: dir }, { incidentId, step: 'capture-wide', input: { topics: [W], from: new Date(0).toISOString(), mask: [], ranges: [] } },
        (p) => { if (p.messages > 3000) runaway.abort(new Error(`read ${p.messages} messages of 3000`)); }, runaway.signal);
      expect(wide).toMatchObject({ truncated: false, messages: 3000 });
      const offsets = (await ndjson(join(wide.dir, `${W}.ndjson`))).map((l) => l.offset);
      expect(offsets).toEqual(Array.from({ length: 3000 }, (_, i) => i));
    } finally {
      await kafka.withAdmin('deleting topic', (a) => a.deleteTopics({ topics: [W] })).catch(() => undefined);
    }
  });
});
