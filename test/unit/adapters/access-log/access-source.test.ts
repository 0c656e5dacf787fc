// The access-log reader on real 3.9.1 broker lines (test/fixtures/access-log): records, ranges, bad lines, rotation, formats.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { PrincipalActivity, type PrincipalFindings } from '../../../../activities/kafka/principal-activity.js';
import { accessRecordSource, type ScanResult } from '../../../../adapters/access-log/access-source.js';
import { AccessLogSettings } from '../../../../src/model/access-log-settings.js';
import type { AccessRecord } from '../../../../src/model/access-records.js';

const FIXTURES = 'test/fixtures/access-log';
const PAYMENTS_ID = 'Ow8ZYW31TIWMTg5tep81GQ';
const tmp = mkdtempSync(join(tmpdir(), 'access-log-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function scan(settings: unknown, principal = 'User:fxeve', names = new Map([[PAYMENTS_ID, 'fx-payments']])) {
  const fold = new PrincipalActivity(principal);
  const records: AccessRecord[] = [];
  const result: ScanResult = await accessRecordSource(AccessLogSettings.parse(settings)).scan({
    window: { from: 0, to: Date.parse('2030-01-01') }, filter: { principal }, onRecord: (r) => { records.push(r); fold.add(r); },
  });
  return { result, records, findings: fold.findings(names) };
}
const brokers = { files: [`${FIXTURES}/broker-{broker}/kafka-*.log`] };
const ranges = (f: PrincipalFindings) => Object.fromEntries(f.reads.map((t) => [t.topic, t.ranges.map((r) => `${r.partition}:${r.from}-${r.provenTo}/${r.possibleTo}`)]));
const fixture = (broker: number, log: string) => readFileSync(`${FIXTURES}/broker-${broker}/${log}`, 'utf8').trimEnd().split('\n');

describe('the access-log reader on real broker lines', () => {
  it('finds every read with its offset ranges: kcat with and without a group, kafkajs, and a Java consumer fetching by topic id', async () => {
    const { findings, result } = await scan(brokers);
    expect(result.counts).toEqual({ records: 401, other: 0, garbage: 0, truncated: 0 });
    expect(ranges(findings)).toEqual({
      'fx-orders': ['0:0-31/31', '1:0-24/24'],
      'fx-payments': ['0:0-49/49', '1:0-1/1'],
      // Deleted since: only its CreateTopics and DeleteTopics lines name its id.
      'fx-transient': ['0:0-20/20'],
    });
    expect(findings.reads.find((t) => t.topic === 'fx-payments')).toMatchObject({
      clientIds: ['fx-eve-assign', 'fx-eve-java'], groups: ['fx-eve-java-group'], messages: { atLeast: 50, atMost: 50 },
    });
    expect(findings.reads.find((t) => t.topic === 'fx-orders')!.groups).toEqual(['fx-eve-kafkajs', 'fx-eve-kcat-group', 'fx-eve-nocommit']);
    expect(findings.unnamedReads).toEqual([]);
  });

  it('names groups joined and committed (and the one that never committed), writes and refusals', async () => {
    const { findings } = await scan(brokers);
    expect(findings.groupsUsed.map((g) => `${g.group}:${g.joined}/${g.committed}`)).toEqual([
      'fx-eve-java-group:true/true', 'fx-eve-java-transient:true/true', 'fx-eve-kafkajs:true/true', 'fx-eve-kcat-group:true/true', 'fx-eve-nocommit:true/false',
    ]);
    expect(findings.written).toEqual([expect.objectContaining({ topic: 'fx-orders', partitions: [0, 1], requests: 2, bytes: 162, clientIds: ['fx-eve-producer'] })]);
    expect(findings.denied.map((d) => `${d.operation} ${d.resource} (${d.request}) ×${d.count}`)).toEqual([
      'DESCRIBE Group:LITERAL:console-consumer-10567 (FindCoordinator) ×1',
      'DESCRIBE Group:LITERAL:console-consumer-56134 (FindCoordinator) ×1',
      'DESCRIBE Topic:LITERAL:fx-secret (Metadata) ×2',
      'READ Topic:LITERAL:fx-secret (Fetch) ×1',
    ]);
    expect(findings.denied[3]!.proof).toMatchObject({ broker: 1, at: '2026-12-07T04:26:58.638Z', source: expect.stringMatching(/broker-1\/kafka-authorizer\.log:\d+$/) });
  });

  it('charges another principal\'s reads through a shared group to that principal only', async () => {
    const bob = await scan(brokers, 'User:fxbob');
    expect(ranges(bob.findings)).toEqual({ 'fx-payments': ['0:0-49/49', '1:0-1/1'] });
    expect(bob.findings.reads[0]!.groups).toEqual(['fx-shared']);
    const eve = await scan(brokers);
    expect(eve.findings.groupsUsed.map((g) => g.group)).not.toContain('fx-shared');
  });

  it('reports a read by a topic id nothing names, instead of dropping it', async () => {
    // Without the lines that name topic ids (CreateTopics, DeleteTopics) and without metadata.
    const dir = join(tmp, 'unnamed');
    for (const broker of [1, 2, 3]) {
      mkdirSync(join(dir, `broker-${broker}`), { recursive: true });
      for (const log of ['kafka-request.log', 'kafka-authorizer.log']) {
        const kept = fixture(broker, log).filter((l) => !/"requestApiKeyName":"(CREATE|DELETE)_TOPICS"/.test(l));
        writeFileSync(join(dir, `broker-${broker}`, log), `${kept.join('\n')}\n`);
      }
    }
    const { findings } = await scan({ files: [`${dir}/broker-{broker}/kafka-*.log`] }, 'User:fxeve', new Map());
    expect(findings.unnamedReads.map((u) => [u.topicId, u.clientIds])).toEqual([[PAYMENTS_ID, ['fx-eve-java']], [expect.any(String), ['fx-eve-java-transient']]]);
    expect(findings.unnamedReads[0]!.ranges.map((r) => `${r.partition}:${r.from}-${r.provenTo}`)).toEqual(['0:0-49', '1:0-1']);
    expect(findings.fetchAuthorized).toContain('fx-payments');
  });

  it('reads server.log as a broker writes it with the loggers raised at run time: other loggers counted apart', async () => {
    const { result } = await scan({ files: [{ broker: 1, paths: [`${FIXTURES}/broker-1/server.log`] }] }, 'User:fxeve');
    const lines = fixture(1, 'server.log');
    const requests = lines.filter((l) => l.endsWith(' (kafka.request.logger)')).length;
    expect(requests).toBeGreaterThan(0);
    expect(result.counts).toEqual({ records: requests, other: lines.length - requests, garbage: 0, truncated: 0 });
    expect(result.spans).toEqual([{ broker: 1, log: 'request', first: Date.parse('2026-12-07T04:26:54.462Z'), last: Date.parse('2026-12-07T04:26:56.868Z') }]);
  });

  it('learns when topics began from CreateTopics answers without ids too (kafkajs asks v3): nothing of them existed before', async () => {
    const { records } = await scan({ files: [{ broker: 2, paths: [`${FIXTURES}/kafkajs-create-topics/kafka-request.log`] }] }, 'User:nobody');
    const created = records.filter((r) => r.kind === 'topicIds');
    expect(created).toEqual([expect.objectContaining({
      at: Date.parse('2026-12-07T05:27:55.129Z'), principal: 'User:admin',
      topics: ['purchasing', 'supply', 'customers', 'manufacturing'].map((t) => ({ name: `${t}-9c51fe`, deleted: false })),
    })]);
    const fold = new PrincipalActivity('User:nobody');
    created.forEach((r) => fold.add(r));
    expect(fold.createdAt.get('supply-9c51fe')).toBe(Date.parse('2026-12-07T05:27:55.129Z'));
    expect(fold.topicNames.size).toBe(0);
  });

  it('reads times with their UTC offset (the generated pattern, Kafka 3 and 4) and without (stock pattern, accessLog.timeZone)', async () => {
    const fresh = await scan({ files: [{ broker: 1, paths: [`${FIXTURES}/fresh-broker/*.log`] }] }, 'User:admin');
    expect(fresh.records.find((r) => r.kind === 'topicIds')).toMatchObject({ at: Date.parse('2026-12-07T04:32:07.618Z'), topics: [{ name: 'x-test', deleted: false }] });
    // Kafka 4.0 (log4j2, the same filters as a regex): its Java consumer fetches by topic id, named by the CreateTopics line.
    const k4 = await scan({ files: [{ broker: 1, paths: [`${FIXTURES}/kafka4-broker/*.log`] }] }, 'User:admin', new Map());
    expect(ranges(k4.findings)).toEqual({ 'k4-test': ['0:0-5/5'] });
    const shifted = await scan({ files: [{ broker: 1, paths: [`${FIXTURES}/broker-1/server.log`] }], timeZone: '+02:00' });
    expect(shifted.result.spans[0]!.first).toBe(Date.parse('2026-12-07T02:26:54.462Z'));
  });
});

describe('bad lines, rotation and shipper formats', () => {
  it('parses around 10 MB of garbage, cut lines and an over-long line, and counts each', async () => {
    const dir = join(tmp, 'messy');
    let garbage = 0;
    let truncated = 0;
    for (const broker of [1, 2, 3]) {
      mkdirSync(join(dir, `broker-${broker}`), { recursive: true });
      for (const log of ['kafka-request.log', 'kafka-authorizer.log']) {
        const out: string[] = [];
        for (const [i, line] of fixture(broker, log).entries()) {
          out.push(line);
          out.push(`${'x'.repeat(50_000)} ${i}`, '\u0000\u0001 binary noise');
          garbage += 2;
          if (i % 5 === 0) { out.push(line.slice(0, Math.floor(line.length / 2))); truncated++; }
        }
        if (log === 'kafka-request.log') { out.push(`[2026-12-07 04:40:00,000] DEBUG Completed request:{${'"a":1,'.repeat(300_000)}`); truncated++; }
        writeFileSync(join(dir, `broker-${broker}`, log), `${out.join('\n')}\n`);
      }
    }
    const clean = await scan(brokers);
    const messy = await scan({ files: [`${dir}/broker-{broker}/kafka-*.log`], maxLineBytes: '1MiB' });
    expect(messy.result.bytes).toBeGreaterThan(10_000_000);
    expect(messy.result.counts).toEqual({ ...clean.result.counts, garbage, truncated });
    expect(ranges(messy.findings)).toEqual(ranges(clean.findings));
  });

  it('reads rotated and gzipped files oldest first, whatever their names', async () => {
    const dir = join(tmp, 'rotated');
    for (const broker of [1, 2, 3]) {
      mkdirSync(join(dir, `b${broker}`), { recursive: true });
      for (const log of ['kafka-request.log', 'kafka-authorizer.log']) {
        const lines = fixture(broker, log);
        const third = Math.ceil(lines.length / 3);
        writeFileSync(join(dir, `b${broker}`, `${log}.10.gz`), gzipSync(`${lines.slice(0, third).join('\n')}\n`));
        writeFileSync(join(dir, `b${broker}`, `${log}.9`), gzipSync(`${lines.slice(third, 2 * third).join('\n')}\n`)); // gzip, no .gz
        writeFileSync(join(dir, `b${broker}`, log), `${lines.slice(2 * third).join('\n')}\n`);
      }
    }
    const clean = await scan(brokers);
    const rotated = await scan({ files: [`${dir}/b{broker}/kafka-*`] });
    expect(rotated.result.counts).toEqual(clean.result.counts);
    expect(rotated.findings.reads.map(({ proof: _, ...t }) => t)).toEqual(clean.findings.reads.map(({ proof: _, ...t }) => t));
  });

  it('reads lines a shipper wrote to files inside {"message": …} or {"log": …} envelopes', async () => {
    const dir = join(tmp, 'shipped', 'kafka-a');
    mkdirSync(dir, { recursive: true });
    const lines = fixture(1, 'kafka-request.log');
    writeFileSync(join(dir, 'access.ndjson'), `${lines.map((l, i) => JSON.stringify(i % 2 ? { message: l, host: { name: 'kafka-a' } } : { log: `${l}\n` })).join('\n')}\n`);
    const raw = await scan({ files: [{ broker: 1, paths: [`${FIXTURES}/broker-1/kafka-request.log`] }] });
    const shipped = await scan({ files: [`${join(tmp, 'shipped')}/{broker}/access.ndjson`], brokers: { 'kafka-a': 1 } });
    expect(shipped.result.counts).toEqual(raw.result.counts);
    expect(shipped.records.map((r) => ({ ...r, source: '' }))).toEqual(raw.records.map((r) => ({ ...r, source: '' })));
  });

  it('says which paths match nothing and which broker names it cannot place', async () => {
    const { result } = await scan({ files: [`${tmp}/nowhere-{broker}/*.log`, `${join(tmp, 'shipped')}/{broker}/access.ndjson`] });
    expect(result.problems).toEqual([
      `${tmp}/nowhere-{broker}/*.log: no file matches`,
      `${join(tmp, 'shipped', 'kafka-a', 'access.ndjson')}: broker "kafka-a" is neither a node id nor in accessLog.brokers`,
    ]);
  });

  it('refuses a path that does not say which broker wrote it', () => {
    const parsed = AccessLogSettings.safeParse({ files: ['/var/log/kafka/*.log'] });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.message).toMatch(/put \{broker\} where the path names it/);
  });
});
