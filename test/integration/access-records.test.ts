// kafka.blastRadius from the brokers' own access records, on the real 3-broker cluster, with kcat as the attacker.
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaActivities } from '../../activities/kafka/index.js';
import { accessRecordSource, type AccessRecordSource } from '../../adapters/access-log/access-source.js';
import { KafkaClient } from '../../adapters/kafka/client.js';
import { upsertScramCredential } from '../../adapters/kafka/scram.js';
import { kafkaTopicMessages } from '../../adapters/kafka/topic-messages.js';
import { startExtraBroker, type ExtraBroker } from '../../scripts/infra/index.js';
import type { BlastRadius } from '../../src/model/actions/forensics.js';
import { AccessLogSettings } from '../../src/model/access-log-settings.js';
import { Settings } from '../../src/model/settings.js';
import { devAccessLogFiles, devLogFiles, startShipper, type Shipper } from '../support/access-log.js';
import { eventually } from '../support/engine.js';
import { unique } from '../support/infra.js';
import { admin, allow, createTopic, createUser } from '../support/kafka.js';
import { kcat } from '../support/kcat.js';

const kafka = admin();
const base = unique('ar');
const [eve, bob] = [unique('eve'), unique('bob')];
const [EVE, BOB] = [`User:${eve}`, `User:${bob}`];
const T = { orders: `${base}-orders`, payments: `${base}-pay`, ledger: `${base}-ledger`, drafts: `${base}-drafts`, secret: `${base}-secret`, log: `${base}-access-log` };
const G = { eve: `${base}-eve`, shared: `${base}-shared`, nocommit: `${base}-nocommit` };
const dir = mkdtempSync(join(tmpdir(), 'access-records-'));
const settings = Settings.parse({ classifications: [{ topic: `${base}-pay*`, label: 'pci' }], authorizer: { superUsers: ['User:admin'] } });
const files = accessRecordSource(AccessLogSettings.parse({ files: devAccessLogFiles() }));
let passwords: Record<string, string>;
let since: string;
let shipper: Shipper;
/** Where each dev log file ended before the scenario: the copies for (f) and (h) start there. */
let startOf: Map<string, number>;
/** What kcat printed for each read: "<partition> <offset>" per message. */
const seen: Record<string, string[]> = {};

const blast = (principal: string, accessRecords?: AccessRecordSource) =>
  kafkaActivities({ kafka, evidenceDir: dir, settings, accessRecords })
    .measureBlastRadius({ incidentId: unique('ir-ar'), step: 'blast', input: { principal, since } });
const readOf = (r: BlastRadius, topic: string) => r.reads.find((t) => t.topic === topic);

/** The ranges kcat's own output implies: per partition, from the first offset it printed to one past the last. */
function rangesFromKcat(lines: string[]): { partition: number; from: number; to: number }[] {
  const byPartition = new Map<number, number[]>();
  for (const l of lines) {
    const [p, o] = l.split(' ').map(Number);
    byPartition.set(p!, [...byPartition.get(p!) ?? [], o!]);
  }
  return [...byPartition].sort(([a], [b]) => a - b).map(([partition, os]) => ({ partition, from: Math.min(...os), to: Math.max(...os) + 1 }));
}

/** kcat as the user, retried while the brokers learn the new ACLs; its "<partition> <offset>" lines. */
async function kcatRead(user: string, args: string[], want: number): Promise<string[]> {
  return eventually(async () => {
    const r = kcat(user, passwords[user]!, [...args, '-f', '%p %o\\n', '-e', '-q'], 30_000);
    const lines = r.stdout.trim().split('\n').filter(Boolean);
    return r.status === 0 && lines.length === want ? lines : undefined;
  }, 30_000, `${user} to read ${want} message(s) with kcat ${args.join(' ')}`);
}

beforeAll(async () => {
  startOf = new Map((await devLogFiles()).map((f) => [f.path, statSync(f.path).size]));
  passwords = { [eve]: await createUser(eve), [bob]: await createUser(bob) };
  since = new Date(Date.now() - 1_000).toISOString();
  await createTopic(kafka, T.orders, ['o-1', 'o-2', 'o-3', 'o-4', 'o-5', 'o-6'], 1, 2);
  await createTopic(kafka, T.payments, ['p-1', 'p-2', 'p-3', 'p-4']);
  await createTopic(kafka, T.ledger, ['l-1', 'l-2', 'l-3', 'l-4', 'l-5']);
  await createTopic(kafka, T.drafts, ['d-1', 'd-2', 'd-3']);
  await createTopic(kafka, T.secret, ['s-1']);
  await createTopic(kafka, T.log, [], 1, 3);
  shipper = await startShipper(kafka, T.log, (line, i) => [line, JSON.stringify({ message: line }), JSON.stringify({ log: line })][i % 3]!);
  const read = (topic: string) => ({ resourceType: 'topic' as const, resourceName: topic, patternType: 'literal' as const, operation: 'read' as const });
  await allow(kafka, EVE, [
    read(T.orders), read(T.payments), read(T.ledger), read(T.drafts),
    { resourceType: 'topic', resourceName: T.orders, patternType: 'literal', operation: 'write' },
    { resourceType: 'group', resourceName: `${base}-`, patternType: 'prefixed', operation: 'read' },
  ]);
  await allow(kafka, BOB, [read(T.ledger), { resourceType: 'group', resourceName: G.shared, patternType: 'literal', operation: 'read' }]);

  await eventually(async () => (kcat(eve, passwords[eve]!, ['-P', '-t', T.orders], 20_000, 'e-1\ne-2\n').status === 0 ? true : undefined), 30_000, `${eve} to produce`);
  // (a) a group consumer that commits; (b, g) an assign() reader of a classified topic; (d) a group that never commits.
  seen.orders = await kcatRead(eve, ['-G', G.eve, '-X', 'client.id=thief-group', '-X', 'auto.offset.reset=earliest', T.orders], 8);
  seen.payments = await kcatRead(eve, ['-C', '-t', T.payments, '-o', 'beginning', '-X', 'client.id=thief-assign'], 4);
  seen.drafts = await kcatRead(eve, ['-G', G.nocommit, '-X', 'enable.auto.commit=false', '-X', 'enable.auto.offset.store=false', '-X', 'auto.offset.reset=earliest', T.drafts], 3);
  // (c) another principal reads through a group the attacker may use too.
  seen.ledger = await kcatRead(bob, ['-G', G.shared, '-X', 'auto.offset.reset=earliest', T.ledger], 5);
  // A refused read: probing is a finding too.
  expect(kcat(eve, passwords[eve]!, ['-C', '-t', T.secret, '-o', 'beginning', '-e', '-q']).stderr).toMatch(/authoriz/i);
  await eventually(async () => {
    const offsets = await kafka.withAdmin('reading offsets', (a) => a.fetchOffsets({ groupId: G.shared, topics: [T.ledger] }));
    return offsets[0]?.partitions[0]?.offset === '5' ? true : undefined;
  }, 20_000, `${G.shared} to commit`);
}, 240_000);

afterAll(async () => {
  await shipper?.stop();
  await kafka.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('kafka.blastRadius from access records', () => {
  let r: BlastRadius;
  beforeAll(async () => { r = await blast(EVE, files); });

  it('covers the window on every broker: the answer is exact', () => {
    expect(r.coverage).toMatchObject({ basis: 'records', answer: 'exact', missing: [] });
    expect(r.coverage!.brokers.map((b) => `${b.broker}:${b.covered}`)).toEqual(['1:true', '2:true', '3:true']);
    expect(r.caveat).toMatch(/cover the whole window on every broker/);
  });

  it('(a) finds what a committing group consumer read: the ranges kcat printed, the group and its commits', () => {
    const orders = readOf(r, T.orders)!;
    expect(orders.ranges.map(({ partition, from, provenTo }) => ({ partition, from, to: provenTo }))).toEqual(rangesFromKcat(seen.orders!));
    expect(orders.ranges.every((x) => x.possibleTo === x.provenTo)).toBe(true);
    expect(orders.messages).toEqual({ atLeast: 8, atMost: 8 });
    expect(orders).toMatchObject({ clientIds: ['thief-group'], hosts: ['127.0.0.1'], groups: [G.eve] });
    expect(orders.proof.atLeast[0]!.says).toMatch(/^FETCH .* were received$/);
    expect(r.groupsUsed.find((g) => g.group === G.eve)).toMatchObject({ joined: true, committed: true });
  });

  it('(b, g) finds an assign() reader with no group, and says classified data was touched', () => {
    expect(readOf(r, T.payments)).toMatchObject({
      ranges: [{ partition: 0, from: 0, provenTo: 4, possibleTo: 4 }], messages: { atLeast: 4, atMost: 4 }, clientIds: ['thief-assign'], groups: [],
    });
    expect(rangesFromKcat(seen.payments!)).toEqual([{ partition: 0, from: 0, to: 4 }]);
    expect(r.classified).toEqual([{ topic: T.payments, label: 'pci', status: 'read' }]);
    expect(r.classifiedTouched).toMatchObject({ answer: 'yes', topics: [{ topic: T.payments, label: 'pci' }] });
  });

  it('(c) does not charge the attacker with what another principal read through a group it may also use', async () => {
    expect(r.readTopics.filter((t) => t.startsWith(base)).sort()).toEqual([T.drafts, T.orders, T.payments].sort());
    expect(readOf(r, T.ledger)).toBeUndefined();
    const other = await blast(BOB, files);
    expect(readOf(other, T.ledger)).toMatchObject({ ranges: [{ partition: 0, from: 0, provenTo: 5, possibleTo: 5 }], groups: [G.shared] });
  });

  it('(d) finds a group that never commits: read, joined, nothing committed', () => {
    expect(readOf(r, T.drafts)).toMatchObject({ ranges: [{ partition: 0, from: 0, provenTo: 3, possibleTo: 3 }], groups: [G.nocommit] });
    expect(r.groupsUsed.find((g) => g.group === G.nocommit)).toMatchObject({ joined: true, committed: false, commits: [] });
  });

  it('names its writes and its refused attempts, and gives evidence capture the ranges', () => {
    expect(r.written.filter((w) => w.topic.startsWith(base))).toEqual([expect.objectContaining({ topic: T.orders, clientIds: ['rdkafka'] })]);
    expect(r.written[0]!.bytes).toBeGreaterThan(0);
    expect(r.denied.filter((d) => d.resource.includes(T.secret))).toEqual([expect.objectContaining({ operation: 'DESCRIBE', resource: `Topic:LITERAL:${T.secret}` })]);
    expect(r.ranges.filter((x) => x.topic === T.payments)).toEqual([{ topic: T.payments, partition: 0, from: 0, to: 4 }]);
  });

  it('(e) one broker\'s records missing: an estimate that names the broker', async () => {
    const two = accessRecordSource(AccessLogSettings.parse({
      files: [1, 2].map((broker) => ({ broker, paths: devAccessLogFiles().map((p) => p.replace('{broker}', String(broker))) })),
    }));
    const partial = await blast(EVE, two);
    expect(partial.coverage).toMatchObject({ basis: 'records', answer: 'estimate' });
    expect(partial.coverage!.brokers.find((b) => b.broker === 3)).toMatchObject({ covered: false });
    expect(partial.coverage!.missing).toEqual(expect.arrayContaining([
      expect.objectContaining({ broker: 3, reason: 'no request log records from broker 3 in the sources' }),
    ]));
    expect(partial.coverage!.missing.every((m) => m.broker === 3)).toBe(true);
    expect(partial.caveat).toMatch(/do not cover everything.*broker 3/);
  });

  it('(f, h) parses around 10 MB of garbage and cut lines among the real ones, in rotated and gzipped files, and counts them', async () => {
    const copies = join(dir, 'copies');
    const logs: { broker: number; name: string; lines: string[] }[] = [];
    for (const f of await devLogFiles()) {
      const start = startOf.get(f.path) ?? 0;
      const size = statSync(f.path).size;
      if (size <= start) continue;
      const buf = Buffer.alloc(size - start);
      const fd = openSync(f.path, 'r');
      try { readSync(fd, buf, 0, buf.length, start); } finally { closeSync(fd); }
      const lines = buf.toString('utf8').split('\n');
      lines.pop(); // a line still being written
      logs.push({ broker: f.broker, name: f.path.split('/').at(-1)!, lines });
    }
    // Garbage after every fourth line, sized to make 10 MB over all files; a copy of every ninth access line cut short.
    const total = logs.reduce((n, l) => n + l.lines.length, 0);
    const junk = Math.ceil(10_500_000 / Math.ceil(total / 4) / 2);
    let garbage = 0;
    let truncated = 0;
    let junkBytes = 0;
    for (const log of logs) {
      const out: string[] = [];
      for (const [i, line] of log.lines.entries()) {
        out.push(line);
        if (i % 4 === 0) { const g = `#${Buffer.alloc(junk, i % 251).toString('hex')}`; out.push(g); garbage++; junkBytes += g.length; }
        if (i % 9 === 0 && / \(kafka\.(request|authorizer)\.logger\)$/.test(line)) { out.push(line.slice(0, line.length - 40)); truncated++; }
      }
      // Rotated the way log4j and logrotate leave it: the oldest third gzipped, the next plain, the rest current.
      const third = Math.ceil(out.length / 3);
      const into = join(copies, `node-${log.broker}`);
      mkdirSync(into, { recursive: true });
      writeFileSync(join(into, `${log.name}.2.gz`), gzipSync(`${out.slice(0, third).join('\n')}\n`));
      writeFileSync(join(into, `${log.name}.1`), `${out.slice(third, 2 * third).join('\n')}\n`);
      writeFileSync(join(into, log.name), `${out.slice(2 * third).join('\n')}\n`);
    }
    expect(junkBytes).toBeGreaterThan(10_000_000);
    const messy = await blast(EVE, accessRecordSource(AccessLogSettings.parse({ files: [join(copies, 'node-{broker}', '*')] })));
    expect(messy.coverage!.lines).toMatchObject({ garbage, truncated });
    expect(messy.reads).toEqual(r.reads.map((t) => ({ ...t, proof: expect.anything() })));
    expect(messy.notes).toEqual(expect.arrayContaining([`${garbage} line(s) were no log line and ${truncated} were cut short: skipped`]));
  });

  it('(i) reads the records from a Kafka topic a shipper fills (raw lines and {"message"}/{"log"} envelopes, keyed by broker)', async () => {
    const shipped = accessRecordSource(AccessLogSettings.parse({ topic: { name: T.log }, probeWait: '30s' }), { topicMessages: kafkaTopicMessages(kafka) });
    const fromTopic = await blast(EVE, shipped);
    expect(shipper.lines).toBeGreaterThan(0);
    expect(fromTopic.coverage).toMatchObject({ basis: 'records', sources: [`topic ${T.log}`] });
    expect(fromTopic.reads.filter((t) => t.topic.startsWith(base)).map(({ proof: _, ...t }) => t))
      .toEqual(r.reads.filter((t) => t.topic.startsWith(base)).map(({ proof: _, ...t }) => t));
    // The shipper delivers the probe lines too: every broker's records reach the present.
    expect(fromTopic.coverage!.missing.filter((m) => /probe/.test(m.reason))).toEqual([]);
  });
});

describe('kafka.blastRadius without access records (group offsets)', () => {
  it('(c) lists a group others may use as shared and charges nothing from it; (d) and (b) stay unseen, so classified data is at risk', async () => {
    const r = await blast(EVE);
    expect(r.coverage).toMatchObject({ basis: 'offsets', answer: 'estimate' });
    expect(r.sharedGroups.filter((g) => g.group.startsWith(base))).toEqual([{ group: G.shared, sharedWith: [BOB], note: 'shared — not attributed' }]);
    expect(r.readTopics.filter((t) => t.startsWith(base))).toEqual([T.orders]);
    expect(r.consumed.filter((c) => c.topic.startsWith(base))).toEqual([{ topic: T.orders, messages: 8 }]);
    expect(r.classified).toEqual([{ topic: T.payments, label: 'pci', status: 'atRisk' }]);
    expect(r.classifiedTouched).toMatchObject({ answer: 'atRisk', topics: [{ topic: T.payments, label: 'pci' }] });
  });
});

describe('a broker started with the generated log config (an extra one-node cluster)', () => {
  let extra: ExtraBroker;
  let client: KafkaClient;
  afterAll(async () => { await client?.close(); await extra?.stop(); });

  it('writes only the access requests, to their own files with UTC offsets, and the answer from them is exact', async () => {
    extra = await startExtraBroker({ name: 'access-records' });
    const kafkaSettings = { brokers: [extra.brokers], sasl: { mechanism: 'scram-sha-512' as const, username: extra.username, password: extra.password }, ssl: false };
    client = new KafkaClient(kafkaSettings, undefined, 8);
    const thief = unique('thief');
    const password = unique('pw');
    await upsertScramCredential(kafkaSettings, thief, password);
    const topic = unique('ledger');
    await createTopic(client, topic, ['x-1', 'x-2', 'x-3']);
    await allow(client, `User:${thief}`, [{ resourceType: 'topic', resourceName: topic, patternType: 'literal', operation: 'read' }]);
    const from = new Date().toISOString();
    passwords[thief] = password;
    const lines = await kcatRead(thief, ['-b', extra.brokers, '-C', '-t', topic, '-o', 'beginning'], 3);

    const requestLog = readFileSync(join(extra.logDir, 'kafka-request.log'), 'utf8').trim().split('\n');
    // The access requests, and the admin ones the backdoor hunt reads (the user and the grant made above).
    expect(new Set(requestLog.map((l) => /"requestApiKeyName":"(\w+)"/.exec(l)?.[1])))
      .toEqual(new Set(['ALTER_USER_SCRAM_CREDENTIALS', 'CREATE_ACLS', 'CREATE_TOPICS', 'PRODUCE', 'LIST_OFFSETS', 'FETCH']));
    expect(requestLog.every((l) => /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\+0000\] DEBUG Completed request:\{.*\} \(kafka\.request\.logger\)$/.test(l))).toBe(true);
    expect(readFileSync(join(extra.logDir, 'server.log'), 'utf8')).not.toContain('(kafka.request.logger)');
    expect(readFileSync(join(extra.logDir, 'kafka-authorizer.log'), 'utf8')).toContain(`Principal = User:${thief} is Allowed operation = READ`);

    const own = accessRecordSource(AccessLogSettings.parse({ files: [{ broker: 1, paths: [join(extra.logDir, 'kafka-*.log*')] }] }));
    const r = await kafkaActivities({ kafka: client, evidenceDir: dir, settings, accessRecords: own })
      .measureBlastRadius({ incidentId: unique('ir-ar'), step: 'blast', input: { principal: `User:${thief}`, since: from } });
    expect(r.coverage).toMatchObject({ basis: 'records', answer: 'exact', brokers: [{ broker: 1, covered: true }], missing: [] });
    expect(r.reads).toEqual([expect.objectContaining({ topic, ranges: [expect.objectContaining({ partition: 0, from: 0, possibleTo: 3 })] })]);
    // kcat (-e) may exit on reaching the end before its next fetch is sent: only that fetch proves the three were held.
    expect([0, 3]).toContain(r.reads[0]!.ranges[0]!.provenTo);
    expect(rangesFromKcat(lines)).toEqual([{ partition: 0, from: 0, to: 3 }]);
  });
});
