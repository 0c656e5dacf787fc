// Kafka readiness as a client sees it: an authenticated (SCRAM-SHA-512) admin request listing every broker.
import { Kafka, logLevel } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { InfraError } from '../infra-error.js';

export interface KafkaProbe {
  /** host:port of every client listener; each one must answer. */
  brokers: string[];
  username: string;
  password: string;
}

/** The broker ids the cluster reports through `seed`, or the error message. */
async function describeVia(seed: string, probe: KafkaProbe): Promise<number[]> {
  const kafka = new Kafka({
    clientId: 'kafka-ir-infra',
    brokers: [seed],
    sasl: { mechanism: 'scram-sha-512', username: probe.username, password: probe.password },
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2000,
    requestTimeout: 4000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.map((b) => b.nodeId).sort((a, b) => a - b);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export type KafkaHealth = { ok: true; brokerIds: number[] } | { ok: false; reason: string };

export async function probeKafka(probe: KafkaProbe, expectedBrokers: number): Promise<KafkaHealth> {
  let brokerIds: number[] = [];
  for (const seed of probe.brokers) {
    try {
      brokerIds = await describeVia(seed, probe);
    } catch (error) {
      return { ok: false, reason: `${seed}: ${(error as Error).message}` };
    }
    if (brokerIds.length !== expectedBrokers) {
      return { ok: false, reason: `${seed} sees brokers [${brokerIds.join(',')}], expected ${expectedBrokers}` };
    }
  }
  return { ok: true, brokerIds };
}

/**
 * Polls until probeKafka succeeds. `deadNode` returns a description of a node process that has
 * exited (so a crash fails fast instead of waiting for the timeout).
 */
export async function waitForKafka(
  probe: KafkaProbe,
  expectedBrokers: number,
  options: { timeoutMs: number; deadNode: () => string | undefined },
): Promise<number[]> {
  const deadline = Date.now() + options.timeoutMs;
  let last = 'not probed yet';
  for (;;) {
    const health = await probeKafka(probe, expectedBrokers);
    if (health.ok) return health.brokerIds;
    last = health.reason;
    const dead = options.deadNode();
    if (dead) throw new InfraError(`a Kafka node exited during start: ${dead}`);
    if (Date.now() >= deadline) throw new InfraError(`Kafka did not become ready in ${options.timeoutMs / 1000}s: ${last}`);
    await sleep(500);
  }
}
