// Benchmark: alert POST → DENY enforced on every broker, p50/p95/p99 over N incidents of the auto-deny fixture,
// beside the floor measured in the same run (direct createAcls of the same 4 bindings + the same check).
// Enforcement is what each broker answers the principal itself: a Metadata request for a topic it could read, sent on
// its own connection to that broker, until every broker says TOPIC_AUTHORIZATION_FAILED (29).
// Usage: npm run bench -- containment [--n 100]   (needs `npm run infra -- up --brokers 3`)
import { randomBytes } from 'node:crypto';
import { Connection, metadataV12 } from '@platformatic/kafka';
import { KafkaClient } from '../activities/kafka/client.js';
import { applyAclChanges, toAclEntry } from '../activities/kafka/acl.js';
import { upsertScramCredential } from '../activities/kafka/scram.js';
import { loadConfig } from '../src/config.js';
import { startEngine } from '../src/engine.js';
import { createLogger } from '../src/logger.js';
import type { AclBinding } from '../src/model/acl.js';
import { readInfraEnv } from '../scripts/infra/index.js';
import { percentiles, printTable, writeResult } from './report.js';

const n = Number(process.argv[process.argv.indexOf('--n') + 1] || 100);
const env = readInfraEnv();
const config = loadConfig({ ...env, KAFKA_IR_RUNBOOKS: 'test/fixtures/runbooks', KAFKA_IR_PORT: '0', TEMPORAL_TASK_QUEUE: `bench-${Date.now()}`, LOG_LEVEL: 'warn' });
const admin = new KafkaClient(config.kafka, undefined, 8);
const brokers = (await admin.withAdmin('cluster', (a) => a.describeCluster())).brokers;
const topic = `bench-containment-${randomBytes(3).toString('hex')}`;
await admin.withAdmin('topic', (a) => a.createTopics({ topics: [{ topic, numPartitions: brokers.length, replicationFactor: 1 }] }));

/** A principal that may read the topic, with one open connection per broker. */
async function prepare(tag: string) {
  const user = `bench-${tag}-${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  await upsertScramCredential(config.kafka, user, password);
  await admin.withAdmin('allow', (a) => a.createAcls({ acl: [toAclEntry({ resourceType: 'topic', resourceName: topic, patternType: 'literal', principal: `User:${user}`, host: '*', operation: 'read', permission: 'allow' })] }));
  const connections = await Promise.all(brokers.map(async (b) => {
    for (let attempt = 0; ; attempt++) {
      const c = new Connection(`bench-${user}`, { sasl: { mechanism: 'SCRAM-SHA-512', username: user, password } });
      try { await c.connect(b.host, b.port); return c; } catch (err) { await c.close().catch(() => {}); if (attempt > 50) throw err; await new Promise((r) => setTimeout(r, 100)); }
    }
  }));
  const denied = async (c: Connection) => {
    try {
      const res = await metadataV12.api.async(c, [topic], false, false);
      return res.topics[0]?.errorCode === 29;
    } catch (err) {
      return /authoriz/i.test(String((err as Error & { errors?: unknown[] }).message) + JSON.stringify((err as { errors?: unknown }).errors ?? ''));
    }
  };
  // Wait until every broker lets the principal see the topic, so the measurement starts from "allowed everywhere".
  for (let i = 0; (await Promise.all(connections.map(denied))).some(Boolean); i++) { if (i > 500) throw new Error('never allowed'); await new Promise((r) => setTimeout(r, 10)); }
  return {
    principal: `User:${user}`,
    async enforcedEverywhere(start: bigint): Promise<number> {
      const pending = new Set(connections);
      while (pending.size) {
        for (const c of [...pending]) if (await denied(c)) pending.delete(c);
        if (Number(process.hrtime.bigint() - start) / 1e6 > 30_000) throw new Error('not enforced within 30 s');
      }
      return Number(process.hrtime.bigint() - start) / 1e6;
    },
    close: () => Promise.all(connections.map((c) => c.close())),
  };
}

const engine = await startEngine(config, createLogger({ level: 'warn' }));
const engineMs: number[] = [];
const floorMs: number[] = [];
try {
  for (let i = 0; i < n; i++) {
    // Interleaved, so both see the same cluster conditions.
    const viaEngine = await prepare('engine');
    const start = process.hrtime.bigint();
    const res = await fetch(`${engine.url}/v1/alerts`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'test.auto-deny', severity: 'high', summary: 'bench', source: 'bench', observedAt: new Date().toISOString(), subject: { principal: viaEngine.principal } }),
    });
    if (res.status !== 202) throw new Error(`intake answered ${res.status}`);
    engineMs.push(await viaEngine.enforcedEverywhere(start));
    await viaEngine.close();

    const floor = await prepare('floor');
    const denyAll: AclBinding[] = (['topic', 'group', 'transactional-id', 'cluster'] as const).map((resourceType) => ({
      resourceType, resourceName: resourceType === 'cluster' ? 'kafka-cluster' : '*', patternType: 'literal', principal: floor.principal, host: '*', operation: 'all', permission: 'deny',
    }));
    const floorStart = process.hrtime.bigint();
    await applyAclChanges(admin, denyAll.map((binding) => ({ op: 'acl.create', binding })));
    floorMs.push(await floor.enforcedEverywhere(floorStart));
    await floor.close();
    if ((i + 1) % 10 === 0) process.stderr.write(`  ${i + 1}/${n} incidents\n`);
  }
} finally {
  await engine.close();
  await admin.withAdmin('cleanup', (a) => a.deleteTopics({ topics: [topic] })).catch(() => {});
  await admin.close();
}
const e = percentiles(engineMs);
const f = percentiles(floorMs);
const rows = [
  ['alert POST → DENY on every broker (kafka-ir)', e],
  ['createAcls → DENY on every broker (floor)', f],
] as const;
const table = printTable(`Containment latency, ${n} incidents, ${brokers.length} brokers (ms)`, rows, { ratio: e.p50 / f.p50 });
writeResult('containment', table);
