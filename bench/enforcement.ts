// Enforcement as a client sees it: a principal allowed to read a topic, with one connection per broker, asked until
// every broker refuses it (Metadata for the topic → TOPIC_AUTHORIZATION_FAILED, 29). Shared by the containment benches.
import { randomBytes } from 'node:crypto';
import { createAcls, deleteAcls, describeBindings } from '../adapters/kafka/acls.js';
import { KafkaClient } from '../adapters/kafka/client.js';
import { connectAs, type UserConnection } from '../adapters/kafka/user-connection.js';
import { deleteScramCredentials, upsertScramCredential } from '../adapters/kafka/scram.js';
import { loadConfig } from '../src/config.js';
import type { KafkaSettings } from '../src/model/connections.js';
import { startEngine } from '../src/engine.js';
import { createLogger } from '../src/logger.js';
import type { AclBinding } from '../src/model/acl.js';
import { readInfraEnv } from '../scripts/infra/index.js';
import { createFreshTopic } from './fresh-topic.js';

/**
 * The engine in this process on the fixture runbooks (with `env` added), a fresh topic and its probe on the
 * `npm run infra` cluster; `close` stops the engine and removes the topic and the probe's principals.
 */
export async function enforcementBench(name: string, env: Record<string, string> = {}) {
  const config = loadConfig({ ...readInfraEnv(), ...env, KAFKA_IR_RUNBOOKS: 'test/fixtures/runbooks', KAFKA_IR_PORT: '0', TEMPORAL_TASK_QUEUE: `bench-${Date.now()}` });
  const admin = new KafkaClient(config.kafka, undefined, 8);
  const brokers = (await admin.withAdmin('cluster', (a) => a.describeCluster())).brokers;
  const topic = `bench-${name}-${randomBytes(3).toString('hex')}`;
  await createFreshTopic(admin, topic, brokers.length, 1);
  const probe = enforcementProbe(config.kafka, admin, topic, brokers);
  const engine = await startEngine(config, createLogger({ level: 'warn' }));
  return {
    engine, probe, brokers,
    /** Posts an alert of `kind` about `principal`; the id of the incident it opened. */
    async alert(kind: string, principal: string): Promise<string> {
      const res = await fetch(`${engine.url}/v1/alerts`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind, severity: 'high', summary: 'bench', source: 'bench', observedAt: new Date().toISOString(), subject: { principal } }),
      });
      if (res.status !== 202) throw new Error(`intake answered ${res.status}`);
      return ((await res.json()) as { incidents: { id: string }[] }).incidents[0]!.id;
    },
    async close() {
      await engine.close();
      await admin.withAdmin('cleanup', (a) => a.deleteTopics({ topics: [topic] })).catch(() => {});
      await probe.cleanup();
      await admin.close();
    },
  };
}

export function enforcementProbe(kafka: KafkaSettings, admin: KafkaClient, topic: string, brokers: readonly { host: string; port: number }[]) {
  const users: string[] = [];

  /** A principal that may read the topic, with one open connection per broker, allowed everywhere when it returns. */
  async function prepare(tag: string) {
    const user = `bench-${tag}-${randomBytes(4).toString('hex')}`;
    users.push(user);
    const password = randomBytes(12).toString('hex');
    await upsertScramCredential(kafka, user, password);
    await createAcls(admin, [{ resourceType: 'topic', resourceName: topic, patternType: 'literal', principal: `User:${user}`, host: '*', operation: 'read', permission: 'allow' }], 'allow');
    const connections = await Promise.all(brokers.map(async (b) => {
      for (let attempt = 0; ; attempt++) {
        try { return await connectAs(kafka, `bench-${user}`, b, { mechanism: 'SCRAM-SHA-512', username: user, password }); } catch (err) { if (attempt > 50) throw err; await new Promise((r) => setTimeout(r, 100)); }
      }
    }));
    const denied = (c: UserConnection) => c.topicRefused(topic);
    // Wait until every broker lets the principal see the topic, so the measurement starts from "allowed everywhere".
    for (let i = 0; (await Promise.all(connections.map(denied))).some(Boolean); i++) { if (i > 500) throw new Error('never allowed'); await new Promise((r) => setTimeout(r, 10)); }
    return {
      principal: `User:${user}`,
      /** Milliseconds from `start` until every broker refuses the principal. */
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

  /** The floor: the same four DENY bindings kafka.acl.deny plans, created directly, until every broker refuses. */
  async function floor(): Promise<number> {
    const probe = await prepare('floor');
    const denyAll: AclBinding[] = (['topic', 'group', 'transactional-id', 'cluster'] as const).map((resourceType) => ({
      resourceType, resourceName: resourceType === 'cluster' ? 'kafka-cluster' : '*', patternType: 'literal', principal: probe.principal, host: '*', operation: 'all', permission: 'deny',
    }));
    const start = process.hrtime.bigint();
    await createAcls(admin, denyAll);
    const ms = await probe.enforcedEverywhere(start);
    await probe.close();
    return ms;
  }

  /** The cluster is shared: the benchmark's principals, their ACLs (the DENYs included) and credentials go. */
  async function cleanup() {
    for (const user of users) {
      const bindings = await describeBindings(admin, `User:${user}`).catch(() => []);
      if (bindings.length) await deleteAcls(admin, bindings).catch(() => {});
      await deleteScramCredentials(kafka, user, ['SCRAM-SHA-512']).catch(() => {});
    }
  }

  return { prepare, floor, cleanup };
}
