// The demo's story on the cluster: a company's topics and accounts, a stolen password used to read two topics and plant a backdoor.
import { randomBytes } from 'node:crypto';
import { createAcls } from '../../adapters/kafka/acls.js';
import { produceAs, signInRefusal as refusalOf } from '../../adapters/kafka/as-user.js';
import { KafkaClient } from '../../adapters/kafka/client.js';
import { upsertScramCredential } from '../../adapters/kafka/scram.js';
import { readThroughGroup, readWithoutGroup, type TopicReader } from '../../adapters/kafka/topic-readers.js';
import type { KafkaSettings } from '../model/connections.js';
import type { AclBinding, AclOperation } from '../model/acl.js';

/** The business messages per topic: the known truth the answers are checked against. */
export const BUSINESS = {
  purchasing: ['PO-4711 steel coil 40 t', 'PO-4712 bearings 2,000 pcs', 'PO-4713 hydraulic oil 600 l', 'PO-4714 motor housings 300 pcs', 'PO-4715 pallets 120 pcs'],
  supply: ['ASN-881 steel coil arrives Tue', 'ASN-882 bearings delayed 3 days', 'ASN-883 oil delivered to dock 2'],
  customers: ['C-1001 Müller GmbH, Hamburg, +49 40 1234567', 'C-1002 Rossi S.p.A., Torino, +39 011 765432', 'C-1003 Dupont SA, Lyon, +33 4 7890123', 'C-1004 Nowak sp. z o.o., Gdańsk, +48 58 111222'],
  manufacturing: ['WO-5001 press line 2: 300 housings', 'WO-5002 assembly: 150 gearboxes'],
} as const;
export type BusinessTopic = keyof typeof BUSINESS;
/** What the attacker reads with the stolen password: one topic through a consumer group that commits, one by assignment with no group. */
export const THROUGH_GROUP: BusinessTopic = 'purchasing';
export const WITHOUT_GROUP: BusinessTopic = 'supply';

export interface Scenario {
  run: string;
  /** The ERP service account that writes the business messages. */
  erp: string;
  /** The developer whose password leaked; he also manages the dev cluster's users and ACLs (ALTER on the cluster). */
  sergei: string;
  /** The account the attacker plants. */
  backdoor: string;
  topics: Record<BusinessTopic, string>;
  attackerGroup: string;
  /** Held in memory for the story (and tests); never printed. */
  passwords: { erp: string; sergei: string; backdoor: string };
}

export function scenario(run: string): Scenario {
  const names = Object.keys(BUSINESS) as BusinessTopic[];
  const secret = () => randomBytes(18).toString('base64url');
  return {
    run,
    erp: `erp-${run}`,
    sergei: `sergei-${run}`,
    backdoor: `svc-backup-${run}`,
    topics: Object.fromEntries(names.map((t) => [t, `${t}-${run}`])) as Record<BusinessTopic, string>,
    attackerGroup: `sergei-${run}-sync`,
    passwords: { erp: secret(), sergei: secret(), backdoor: secret() },
  };
}

/** Kafka settings for signing in as one of the story's users, over the admin's transport. */
export function userSettings(admin: KafkaSettings, user: string, password: string): KafkaSettings {
  return { brokers: admin.brokers, ssl: admin.ssl, sasl: { mechanism: 'scram-sha-512', username: user, password } };
}

/** Brokers learn new users and ACLs a moment apart (KRaft metadata propagation): retry until they have. */
export async function retrying<T>(what: string, attempt: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`${what}: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

const grant = (principal: string, resourceType: 'topic' | 'group' | 'cluster', resourceName: string, operation: AclOperation, patternType: 'literal' | 'prefixed' = 'literal'): AclBinding =>
  ({ principal, host: '*', permission: 'allow', resourceType, resourceName, patternType, operation });

/** Users, topics, grants, and the ERP writing the business messages as itself. */
export async function setUpCompany(kafka: KafkaClient, s: Scenario): Promise<void> {
  await upsertScramCredential(kafka.settings, s.erp, s.passwords.erp);
  await upsertScramCredential(kafka.settings, s.sergei, s.passwords.sergei);
  const topics = Object.values(s.topics);
  await kafka.withAdmin('creating the business topics', (a) => a.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: 1 })), waitForLeaders: false }));
  const bindings = topics.flatMap((t) => [
    grant(`User:${s.erp}`, 'topic', t, 'write'), grant(`User:${s.erp}`, 'topic', t, 'read'), grant(`User:${s.sergei}`, 'topic', t, 'read'),
  ]);
  bindings.push(grant(`User:${s.sergei}`, 'group', `${s.sergei}-`, 'read', 'prefixed'));
  // What makes his password worth stealing: he may create users and ACLs.
  bindings.push(grant(`User:${s.sergei}`, 'cluster', 'kafka-cluster', 'alter'));
  await createAcls(kafka, bindings, 'granting access');
  const erp = userSettings(kafka.settings, s.erp, s.passwords.erp);
  // KRaft brokers learn of new topics and grants asynchronously: the first sends may be refused. Each topic is
  // retried on its own, so a topic already written is never written twice (the story counts its messages).
  for (const t of Object.keys(BUSINESS) as BusinessTopic[]) {
    await retrying(`the ERP writing ${s.topics[t]}`, () => produceAs(erp, s.erp, s.topics[t], BUSINESS[t]));
  }
}

export interface Attacker {
  /** Settles with the broker's refusal once containment cuts the attacker off. */
  cutOff: Promise<string>;
  stop(): Promise<void>;
}

/**
 * Signs in with sergei's stolen password and reads THROUGH_GROUP with a consumer group, WITHOUT_GROUP by assignment
 * (no group, nothing committed), until both are read and the group has committed; they keep polling until cut off.
 */
export async function attack(kafka: KafkaClient, s: Scenario): Promise<Attacker> {
  const [grouped, assigned] = [s.topics[THROUGH_GROUP], s.topics[WITHOUT_GROUP]];
  const [inGroup, alone] = [BUSINESS[THROUGH_GROUP].length, BUSINESS[WITHOUT_GROUP].length];
  const stolen = userSettings(kafka.settings, s.sergei, s.passwords.sergei);
  return retrying('the attacker reading', async () => {
    const readers: TopicReader[] = [];
    let crash: string | undefined;
    try {
      const group = await readThroughGroup(stolen, 'backup-tool', s.attackerGroup, [grouped]);
      readers.push(group);
      const assign = await readWithoutGroup(stolen, 'backup-tool', assigned);
      readers.push(assign);
      for (const r of readers) void r.cutOff.then((why) => { crash ??= why; });
      // Read means committed for the group, and asked past the last message for the assignment: what proves it to the brokers.
      await retrying('all messages read, the group\'s committed', async () => {
        if (crash) return;
        const offsets = await kafka.withAdmin('reading the attacker\'s offsets', (a) => a.fetchOffsets({ groupId: s.attackerGroup, topics: [grouped] }));
        const committed = offsets.flatMap((t) => t.partitions).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
        if (group.received() < inGroup || committed < inGroup || assign.received() < alone || !assign.caughtUp()) {
          throw new Error(`${group.received()} read and ${committed} committed of ${inGroup} through the group, ${assign.received()} of ${alone} without`);
        }
      }, 20_000);
      // A broker that has not learnt the grants yet refuses the first fetch: that is set-up, so start again.
      if (crash) throw new Error(`refused while starting: ${crash}`);
    } catch (err) {
      await Promise.all(readers.map((r) => r.stop().catch(() => undefined)));
      throw err;
    }
    return { cutOff: Promise.race(readers.map((r) => r.cutOff)), stop: async () => { await Promise.all(readers.map((r) => r.stop())); } };
  }, 45_000);
}

/** The attacker's way back in, made with sergei's stolen password: its own SCRAM user with ALLOW ALL on every topic. */
export async function plantBackdoor(kafka: KafkaClient, s: Scenario): Promise<void> {
  const stolen = userSettings(kafka.settings, s.sergei, s.passwords.sergei);
  const asSergei = new KafkaClient(stolen, undefined, 8);
  try {
    // Brokers learn of sergei's cluster grant a moment apart: retry until every one has.
    await retrying('the attacker creating a user', () => upsertScramCredential(stolen, s.backdoor, s.passwords.backdoor));
    await retrying('the attacker granting it', () => createAcls(asSergei, [grant(`User:${s.backdoor}`, 'topic', '*', 'all')], 'planting the backdoor'));
  } finally {
    await asSergei.close();
  }
}

/** Undefined once `user` signs in and sees `topic`'s metadata; otherwise the broker's refusal. */
export function signInRefusal(admin: KafkaSettings, user: string, password: string, topic: string): Promise<string | undefined> {
  return refusalOf(userSettings(admin, user, password), `${user}-check`, topic);
}
