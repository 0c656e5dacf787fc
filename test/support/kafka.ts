// Kafka fixtures for integration tests: users, topics, ACLs and a consumer that reports what the broker tells it.
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { kafkaJsConfig, KafkaClient } from '../../adapters/kafka/client.js';
import { toAclEntry, describeBindings } from '../../adapters/kafka/acls.js';
import { allTopicsMetadata } from '../../adapters/kafka/all-topics.js';
import { withBrokerConnection } from '../../adapters/kafka/broker-connection.js';
import { liveBrokers } from '../../adapters/kafka/cluster-members.js';
import { upsertScramCredential } from '../../adapters/kafka/scram.js';
import type { AclBinding } from '../../src/model/acl.js';
import { eventually } from './engine.js';
import { adminSettings, infra } from './infra.js';

/** The admin as test set-up uses it: patient with a cluster still electing leaders. */
export const admin = () => new KafkaClient(adminSettings(), undefined, 8);

export async function createUser(name: string): Promise<string> {
  const password = randomBytes(12).toString('hex');
  await upsertScramCredential(adminSettings(), name, password);
  return password;
}

/** `replicas`: how many, or exactly which brokers hold them (then in one partition). */
export async function createTopic(client: KafkaClient, topic: string, messages: string[] = [], replicas: number | { onBrokers: number[] } = 1, numPartitions = 1): Promise<void> {
  const placed = typeof replicas === 'number' ? { numPartitions, replicationFactor: replicas } : { replicaAssignment: [{ partition: 0, replicas: replicas.onBrokers }] };
  await client.withAdmin('creating topic', (a) => a.createTopics({ topics: [{ topic, ...placed }], waitForLeaders: false }));
  // KRaft brokers learn of a new topic asynchronously, each on its own time; kafkajs' own wait gives up on
  // UNKNOWN_TOPIC_OR_PARTITION. Ready once every live broker lists it with a leader for each partition (a request the
  // code under test sends to any broker then finds it).
  await eventually(async () => {
    for (const broker of await liveBrokers(client)) {
      const { topics } = await withBrokerConnection(client.settings, broker, 'reading metadata', allTopicsMetadata);
      const found = topics.find((t) => t.name === topic);
      if (found?.partitions.length !== numPartitions || !found.partitions.every((p) => p.leaderId >= 0)) return undefined;
    }
    return true;
  }, 20_000, `topic ${topic} to have leaders on every broker`);
  if (messages.length === 0) return;
  const producer = client.kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: messages.map((value) => ({ value })) });
  await producer.disconnect();
}

export async function allow(client: KafkaClient, principal: string, grants: Omit<AclBinding, 'principal' | 'host' | 'permission'>[]): Promise<void> {
  await client.withAdmin('creating ACLs', (a) =>
    a.createAcls({ acl: grants.map((g) => toAclEntry({ ...g, principal, host: '*', permission: 'allow' })) }));
}

export const bindingsOf = (client: KafkaClient, principal: string) => describeBindings(client, principal);

/** Waits (≤ 10 s) until the DENY bindings listed for `principal` satisfy `expected`: each broker learns ACLs from the metadata log on its own time. */
export const denyBindingsBecome = (client: KafkaClient, principal: string, expected: (count: number) => boolean) => eventually(async () => {
  const count = (await bindingsOf(client, principal)).filter((b) => b.permission === 'deny').length;
  return expected(count) ? true : undefined;
}, 10_000, `the DENY bindings of ${principal}`);

export function userKafka(user: string, password: string): Kafka {
  return new Kafka({
    ...kafkaJsConfig({ brokers: infra().KAFKA_BROKERS.split(','), sasl: { mechanism: 'scram-sha-512', username: user, password }, ssl: false }, `test-${user}`),
    logLevel: logLevel.NOTHING,
  });
}

export interface WatchedConsumer {
  consumer: Consumer;
  /** Values consumed so far. */
  received: string[];
  /** Settles with the broker's error once the consumer crashes (e.g. "KafkaJSTopicAuthorizationFailed: Not authorized…"). */
  crashed: Promise<string>;
  stop(): Promise<void>;
}

/**
 * A consumer as `user` that keeps fetching `topic` (which must hold messages) until the broker refuses it. Set-up
 * lasts until the first message and retries for a few seconds: brokers learn of new ACLs and groups asynchronously.
 */
export async function watchConsumer(user: string, password: string, topic: string, groupId: string): Promise<WatchedConsumer> {
  return eventually(async () => {
    const consumer = userKafka(user, password).consumer({ groupId, retry: { retries: 5, restartOnFailure: async () => false }, maxWaitTimeInMs: 200 });
    const received: string[] = [];
    const crashed = new Promise<string>((resolve) => {
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        const error = payload.error as { type?: string; name: string; message: string };
        resolve(`${error.type ?? error.name}: ${error.message}`);
      });
    });
    let setUpCrash = false;
    void crashed.then(() => { setUpCrash = true; });
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => { received.push(message.value?.toString() ?? ''); } });
      // A broker that has not yet learnt the ALLOW refuses the first fetch: that is set-up, so start again.
      for (let i = 0; i < 100 && received.length === 0 && !setUpCrash; i++) await new Promise((r) => setTimeout(r, 100));
      if (setUpCrash) throw new Error(`the consumer crashed while starting: ${await crashed}`);
    } catch (err) {
      await consumer.disconnect();
      throw err;
    }
    return { consumer, received, crashed, stop: () => consumer.disconnect() };
  }, 15_000, `${user} to subscribe to ${topic}`);
}
