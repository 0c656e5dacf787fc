// siem.export and `kafka-ir evidence export` against a real evidence capture and a HEC stand-in pinned to Splunk's documented answers.
import { execFile, spawnSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { kafkaActivities } from '../../activities/kafka/index.js';
import { siemActivities, type SiemActivityDeps } from '../../activities/siem/index.js';
import type { EvidenceCapture } from '../../src/model/actions/forensics.js';
import { Settings } from '../../src/model/settings.js';
import { eventually } from '../support/engine.js';
import { startHecStandIn, type HecStandIn } from '../support/hec-stand-in.js';
import { engineEnv, infra, unique } from '../support/infra.js';
import { admin, createTopic } from '../support/kafka.js';

const kafka = admin();
const T = unique('siem-orders');
const U = unique('siem-audit');
const TOKEN = 'c0ffee00-1111-2222-3333-444455556666';
const base = Date.now();
const from = new Date(base - 30_000).toISOString();
const to = new Date(base - 10_000).toISOString();
const retry = { attempts: 3, initialMs: 10, maxMs: 40 };
let dir: string;
let capture: EvidenceCapture;
let hec: HecStandIn;
let records: Record<string, unknown>[];

const ndjson = async (path: string) => (await readFile(path, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
const acts = (over: Partial<SiemActivityDeps> = {}) => siemActivities({
  hec: { url: hec.url, token: TOKEN }, evidenceDir: dir, limits: { maxBytes: 1_000_000, maxEvents: 4 }, retry, ...over,
});
const exportOf = (over: Partial<SiemActivityDeps> = {}, input: Record<string, unknown> = { evidence: capture.dir }) =>
  acts(over).exportEvidence({ incidentId: 'ir', step: 'siem', input });
const coords = (r: Record<string, unknown>) => `${String(r.topic)}[${String(r.partition)}]@${String(r.offset)}`;

const topic = (name: string, numPartitions: number) => createTopic(kafka, name, [], 1, numPartitions);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'siem-'));
  await topic(T, 2);
  await topic(U, 1);
  const at = (ms: number) => String(base + ms);
  const producer = kafka.kafka.producer();
  await producer.connect();
  await producer.send({ topic: T, messages: [
    { partition: 0, value: 'too early', timestamp: at(-60_000) },
    ...Array.from({ length: 10 }, (_, i) => ({ partition: i % 2, key: `k${i}`, value: JSON.stringify({ n: i, note: i === 5 ? 'POISON' : 'ok' }), timestamp: at(-25_000 + i * 100) })),
    { partition: 1, value: Buffer.from([0xff, 0x00, 0xfe]), timestamp: at(-20_000) },
    { partition: 1, value: 'too late', timestamp: at(-5_000) },
  ] });
  await producer.send({ topic: U, messages: [{ value: 'audit-1', timestamp: at(-19_000) }, { value: 'audit-2', timestamp: at(-18_000) }] });
  await producer.disconnect();
  const incidentId = unique('ir-siem');
  // As Temporal would: a broker that has not yet learnt of the new topics answers "does not host this topic-partition".
  capture = await eventually(() => new MockActivityEnvironment().run(kafkaActivities({ kafka, settings: Settings.parse({}), evidenceDir: dir }).captureEvidence,
    { incidentId, step: 'evidence', input: { topics: [T, U], from, to } }), 30_000, 'the evidence capture');
  // In the manifest's order, which is the order siem.export sends files in.
  const manifest = JSON.parse(await readFile(join(capture.dir, 'manifest.json'), 'utf8')) as { files: { path: string }[] };
  records = [];
  for (const f of manifest.files.filter((x) => x.path.endsWith('.ndjson'))) records.push(...await ndjson(join(capture.dir, f.path)));
});

afterEach(async () => { await hec?.close(); });
afterAll(async () => {
  await kafka.close();
  await rm(dir, { recursive: true, force: true });
});

describe('siem.export', () => {
  it('sends every captured message once, in batches of concatenated JSON objects, with Splunk\'s envelope', async () => {
    hec = await startHecStandIn({ token: TOKEN });
    expect(records).toHaveLength(13);
    const beats: unknown[] = [];
    const env = new MockActivityEnvironment();
    env.on('heartbeat', (d: unknown) => beats.push(d));
    const out = await env.run(acts().exportEvidence, { incidentId: 'ir', step: 'siem', input: { evidence: capture.dir } });
    expect(out).toEqual({ events: 13, batches: 4, rejected: [] });
    expect(hec.requests.map((r) => [r.status, r.events])).toEqual([[200, 4], [200, 4], [200, 4], [200, 1]]);
    expect(hec.requests.every((r) => r.authorization === `Splunk ${TOKEN}`)).toBe(true);
    expect(hec.events.map((e) => e.event)).toEqual(records);
    expect(hec.events[0]).toMatchObject({ time: (records[0]!.timestamp as number) / 1000, source: `kafka:${String(records[0]!.topic)}`, host: hostname(), sourcetype: 'kafka-ir:evidence' });
    expect(beats).toHaveLength(4);
  });

  it('cuts batches by bytes as well as by count', async () => {
    hec = await startHecStandIn();
    const out = await exportOf({ limits: { maxBytes: 700, maxEvents: 100 } }, { dir: capture.dir, index: 'security' });
    expect(out.events).toBe(13);
    expect(hec.requests.length).toBeGreaterThan(2);
    expect(hec.requests.every((r) => r.bytes <= 700 || r.events === 1)).toBe(true);
    expect(hec.events.map((e) => e.event)).toEqual(records);
    expect(hec.events.every((e) => e.index === 'security')).toBe(true);
  });

  it('retries "Server is busy" (503) and then succeeds without duplicates', async () => {
    hec = await startHecStandIn();
    hec.failNext(2);
    const out = await exportOf();
    expect(out).toEqual({ events: 13, batches: 4, rejected: [] });
    expect(hec.requests.map((r) => r.status)).toEqual([503, 503, 200, 200, 200, 200]);
    expect(hec.events.map((e) => e.event)).toEqual(records);
  });

  it('gives up after its attempts with a retryable failure while HEC stays busy', async () => {
    hec = await startHecStandIn();
    hec.failNext(100);
    await expect(exportOf()).rejects.toMatchObject({ type: 'SIEM_UNAVAILABLE', nonRetryable: false, message: expect.stringContaining('Server is busy') });
    expect(hec.requests).toHaveLength(retry.attempts);
  });

  it('splits a batch at a refused event: every good event arrives exactly once, the bad one is reported by file and line', async () => {
    hec = await startHecStandIn();
    hec.rejectMarker('POISON');
    const out = await exportOf();
    const poison = records.findIndex((r) => JSON.stringify(r).includes('POISON'));
    const line = (await ndjson(join(capture.dir, `${T}.ndjson`))).findIndex((r) => JSON.stringify(r).includes('POISON')) + 1;
    expect(out.rejected).toEqual([{ file: `${T}.ndjson`, line, reason: expect.stringContaining('Invalid data format (code 6)') }]);
    expect(out.events).toBe(12);
    expect(hec.events.map((e) => coords(e.event as Record<string, unknown>))).toEqual(records.filter((_, i) => i !== poison).map(coords));
  });

  it('a wrong token is configuration: one request, not retried, with a hint', async () => {
    hec = await startHecStandIn({ token: TOKEN });
    const failure = exportOf({ hec: { url: hec.url, token: 'not-the-token' } });
    await expect(failure).rejects.toMatchObject({ type: 'SIEM_REJECTED', nonRetryable: true, message: expect.stringMatching(/Invalid token \(code 4\).*SPLUNK_HEC_TOKEN/) });
    expect(hec.requests).toHaveLength(1);
    await expect(failure).rejects.not.toMatchObject({ message: expect.stringContaining('not-the-token') });
  });

  it('an index the token may not write is configuration too', async () => {
    hec = await startHecStandIn({ indexes: ['main'] });
    await expect(exportOf({}, { dir: capture.dir, index: 'secret-index' }))
      .rejects.toMatchObject({ type: 'SIEM_REJECTED', nonRetryable: true, message: expect.stringMatching(/Incorrect index.*"secret-index"/) });
    expect(hec.requests).toHaveLength(1);
  });

  it('a retried attempt resumes after the last batch its predecessor heartbeated', async () => {
    hec = await startHecStandIn();
    const beats: unknown[] = [];
    const first = new MockActivityEnvironment();
    first.on('heartbeat', (d: unknown) => beats.push(d));
    await first.run(acts().exportEvidence, { incidentId: 'ir', step: 'siem', input: { dir: capture.dir } });
    hec.events.length = 0;
    const out = await new MockActivityEnvironment({ heartbeatDetails: beats[1] }).run(acts().exportEvidence, { incidentId: 'ir', step: 'siem', input: { dir: capture.dir } }) as { events: number };
    expect(out.events).toBe(13);
    expect(hec.events.map((e) => e.event)).toEqual(records.slice(8));
  });

  it('refuses directories outside the evidence store and evidence that no longer verifies', async () => {
    hec = await startHecStandIn();
    await expect(exportOf({}, { dir: '/etc' })).rejects.toMatchObject({ type: 'EVIDENCE_UNUSABLE', nonRetryable: true });
    const copy = join(dir, 'tampered');
    await cp(capture.dir, copy, { recursive: true });
    const file = join(copy, `${U}.ndjson`);
    await writeFile(file, (await readFile(file, 'utf8')).replace('audit-2', 'audit-X'));
    await expect(exportOf({}, { dir: copy })).rejects.toMatchObject({ type: 'EVIDENCE_UNUSABLE', message: expect.stringContaining('content changed') });
    expect(hec.requests).toHaveLength(0);
  });
});

/** kcat's view of [from, to) of one partition, by timestamp: '%p %o %T %S:<value>' keeps binary values intact. */
function kcatRange(name: string, partition: number) {
  const env = infra();
  const res = spawnSync('kcat', [
    '-b', env.KAFKA_BROKERS, '-X', 'security.protocol=SASL_PLAINTEXT', '-X', 'sasl.mechanisms=SCRAM-SHA-512',
    '-X', `sasl.username=${env.KAFKA_SASL_USERNAME}`, '-X', `sasl.password=${env.KAFKA_SASL_PASSWORD}`,
    '-C', '-t', name, '-p', String(partition), '-o', `s@${Date.parse(from)}`, '-o', `e@${Date.parse(to)}`, '-e', '-q', '-f', '%p %o %T %S:%s',
  ], { timeout: 30_000 });
  expect(res.status, res.stderr.toString()).toBe(0);
  const out = res.stdout;
  const found: { topic: string; partition: number; offset: number; timestamp: number; value: Buffer }[] = [];
  for (let pos = 0; pos < out.length;) {
    const colon = out.indexOf(':', pos);
    const [p, o, ts, s] = out.subarray(pos, colon).toString().split(' ').map(Number) as [number, number, number, number];
    found.push({ topic: name, partition: p, offset: o, timestamp: ts, value: out.subarray(colon + 1, colon + 1 + s) });
    pos = colon + 1 + s;
  }
  return found;
}

const cli = (args: string[], env: Record<string, string> = {}) => promisify(execFile)(process.execPath, ['scripts/kafka-ir-from-sources.js', 'evidence', 'export', ...args], {
  env: { ...process.env, ...engineEnv(env) }, timeout: 90_000,
}).catch((err: { code: number; stdout: string; stderr: string }) => err);

describe('kafka-ir evidence export', () => {
  it('--out writes exactly what kcat reads for the same time range, with progress logged when stderr is not a terminal', async () => {
    const out = join(dir, 'export.ndjson');
    const res = await cli(['--topic', T, '--topic', U, '--from', from, '--to', to, '--out', out]);
    expect(res.stdout).toContain(`wrote 13 message(s) of ${T}, ${U} to ${out}`);
    expect(res.stderr).toContain('reading: progress');
    const mine = await ndjson(out);
    const theirs = [...kcatRange(T, 0), ...kcatRange(T, 1), ...kcatRange(U, 0)];
    expect(mine.map((l) => [l.topic, l.partition, l.offset, l.timestamp])).toEqual(theirs.map((r) => [r.topic, r.partition, r.offset, r.timestamp]));
    mine.forEach((l, i) => {
      const raw = theirs[i]!.value;
      if (l.valueEncoding === 'base64') expect(Buffer.from(l.value as string, 'base64')).toEqual(raw);
      else if (l.valueEncoding === 'utf8') expect(l.value).toBe(raw.toString('utf8'));
      else expect(l.value).toEqual(JSON.parse(raw.toString('utf8')));
    });
  });

  it('--splunk sends the range to HEC and says what it sent', async () => {
    hec = await startHecStandIn({ token: TOKEN });
    const res = await cli(['--topic', T, '--topic', U, '--from', from, '--to', to, '--splunk'], { SPLUNK_HEC_URL: hec.url, SPLUNK_HEC_TOKEN: TOKEN, SPLUNK_HEC_INDEX: 'security' });
    expect(res.stdout).toContain('sent 13 event(s) in 1 batch(es) to Splunk HEC');
    expect(res.stderr).not.toContain(TOKEN);
    // In the order the topics were named.
    const expected = [...records.filter((r) => r.topic === T), ...records.filter((r) => r.topic === U)];
    expect(hec.events.map((e) => coords(e.event as Record<string, unknown>))).toEqual(expected.map(coords));
    expect(hec.events.every((e) => e.index === 'security')).toBe(true);
  });

  it('--splunk without SPLUNK_HEC_URL is a usage error', async () => {
    const res = await cli(['--topic', T, '--from', from, '--splunk']);
    expect(res).toMatchObject({ code: 2, stderr: expect.stringContaining('SPLUNK_HEC_URL') });
  });
});
