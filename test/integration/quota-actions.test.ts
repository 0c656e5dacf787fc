// kafka.quota.throttle against the real cluster: plan, apply, re-apply, undo and drift, checked with Kafka's ConfigCommand; floods measured from the client side.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/activity';
import { afterAll, describe, expect, it } from 'vitest';
import { kafkaActivities } from '../../activities/kafka/index.js';
import { describeQuota } from '../../adapters/kafka/quotas.js';
import type { Change, Plan } from '../../src/model/plan.js';
import { Settings } from '../../src/model/settings.js';
import { eventually } from '../support/engine.js';
import { kafkaTool } from '../support/kafka-tools.js';
import { adminSettings, infra, unique } from '../support/infra.js';
import { Kafka, logLevel } from 'kafkajs';
import { kafkaJsConfig } from '../../adapters/kafka/client.js';
import { admin, allow, createTopic, createUser } from '../support/kafka.js';

const dir = mkdtempSync(join(tmpdir(), 'quota-actions-'));
const kafka = admin();
const acts = kafkaActivities({ kafka, settings: Settings.parse({ protectedPrincipals: ['User:payments'] }), evidenceDir: dir });
const plan = (input: unknown): Promise<Plan> => acts.planThrottleClient({ incidentId: unique('ir-quota'), step: 'throttle', input });
const apply = (changes: Change[]) => acts.applyChanges({ incidentId: 'ir-quota-test', step: 'throttle', changes });

afterAll(async () => { await kafka.close(); rmSync(dir, { recursive: true, force: true }); });

/** Kafka's own ConfigCommand; `entity` is e.g. ['--entity-type', 'users', '--entity-name', 'x']. */
function configCommand(args: string[]): string {
  return kafkaTool('kafka.admin.ConfigCommand', args);
}
const users = (name: string) => ['--entity-type', 'users', '--entity-name', name];
const clients = (name: string) => ['--entity-type', 'clients', '--entity-name', name];
const ips = (address: string) => ['--entity-type', 'ips', '--entity-name', address];
/** What ConfigCommand describes for an entity, keys sorted, e.g. "consumer_byte_rate=2048.0, producer_byte_rate=1024.0" ('' when none). */
function describeQuotas(entity: string[]): string {
  const line = configCommand(['--describe', ...entity]).split('\n').find((l) => l.startsWith('Quota configs for'));
  return line ? line.replace(/^.* are /, '').split(', ').sort().join(', ') : '';
}
/** Brokers learn quota changes from KRaft metadata asynchronously, and ConfigCommand may ask any of them: poll. */
async function expectQuotas(entity: string[], expected: string): Promise<void> {
  let last = '';
  await eventually(async () => ((last = describeQuotas(entity)) === expected ? true : undefined), 20_000, `quotas ${expected}`).catch(() => {});
  expect(last).toBe(expected);
}
/** Waits until kafka-ir's own read path sees an out-of-band change. */
const ownReadSees = (user: string, consumerByteRate: number) => eventually(async () =>
  ((await describeQuota(adminSettings(), { user })).consumer_byte_rate === consumerByteRate ? true : undefined), 20_000, 'the quota change to propagate');

describe('kafka.quota.throttle', () => {
  it('sets a user quota over a pre-existing one, re-applies as a no-op, and undoes to the exact prior state', async () => {
    const user = unique('quota-user');
    configCommand(['--alter', ...users(user), '--add-config', 'consumer_byte_rate=2048']);
    const prior = 'consumer_byte_rate=2048.0';
    await expectQuotas(users(user), prior);
    await ownReadSees(user, 2048);

    const p = await plan({ principal: `User:${user}`, producerByteRate: 1024, consumerByteRate: 4096, requestPercentage: 25 });
    expect(p.changes).toEqual([
      { op: 'quota.set', entity: { user }, key: 'producer_byte_rate', before: null, after: 1024 },
      { op: 'quota.set', entity: { user }, key: 'consumer_byte_rate', before: 2048, after: 4096 },
      { op: 'quota.set', entity: { user }, key: 'request_percentage', before: null, after: 25 },
    ]);
    expect(p.summary).toContain('consumer_byte_rate 2048 → 4096');
    expect(describeQuotas(users(user))).toBe(prior); // planning alone changes nothing

    expect(await apply(p.changes)).toEqual({ changed: p.changes, alreadyInPlace: 0 });
    await expectQuotas(users(user), 'consumer_byte_rate=4096.0, producer_byte_rate=1024.0, request_percentage=25.0');
    expect(await apply(p.changes)).toEqual({ changed: [], alreadyInPlace: 3 });

    // A second plan for the same values has nothing to do.
    expect((await plan({ principal: `User:${user}`, producerByteRate: 1024 })).changes).toEqual([]);

    expect((await apply(p.inverse)).changed).toHaveLength(3);
    await expectQuotas(users(user), prior);
    expect(await apply(p.inverse)).toEqual({ changed: [], alreadyInPlace: 3 });
  });

  it('throttles a client id, and a user + client id pair, each as its own entity', async () => {
    const user = unique('quota-pair');
    const clientId = unique('quota-client');
    const onClient = await plan({ clientId, producerByteRate: 512 });
    const onPair = await plan({ principal: `User:${user}`, clientId, requestPercentage: 10 });
    await apply([...onClient.changes, ...onPair.changes]);
    await expectQuotas(clients(clientId), 'producer_byte_rate=512.0');
    await expectQuotas([...users(user), ...clients(clientId)], 'request_percentage=10.0');
    expect(describeQuotas(users(user))).toBe(''); // the user alone is untouched

    await apply([...onClient.inverse, ...onPair.inverse]);
    await expectQuotas(clients(clientId), '');
    await expectQuotas([...users(user), ...clients(clientId)], '');
  });

  it('refuses to apply (non-retryable PLAN_DRIFT) when a quota changed since the plan, changing nothing', async () => {
    const user = unique('quota-drift');
    const p = await plan({ principal: `User:${user}`, producerByteRate: 1000, consumerByteRate: 1000 });
    configCommand(['--alter', ...users(user), '--add-config', 'consumer_byte_rate=777']);
    await ownReadSees(user, 777);
    const err = await apply(p.changes).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'PLAN_DRIFT', nonRetryable: true });
    expect((err as Error).message).toContain('consumer_byte_rate');
    await expectQuotas(users(user), 'consumer_byte_rate=777.0');
    configCommand(['--alter', ...users(user), '--delete-config', 'consumer_byte_rate']);
  });

  it('rejects input without an entity or without a value, and refuses a protected principal', async () => {
    await expect(plan({ producerByteRate: 1 })).rejects.toMatchObject({ type: 'INVALID_INPUT', nonRetryable: true });
    await expect(plan({ clientId: 'x' })).rejects.toMatchObject({ type: 'INVALID_INPUT', nonRetryable: true });
    await expect(plan({ principal: 'User:payments', requestPercentage: 5 })).rejects.toMatchObject({ type: 'PROTECTED_PRINCIPAL', nonRetryable: true });
    await expect(plan({ principal: `User:${infra().KAFKA_SASL_USERNAME}`, requestPercentage: 5 })).rejects.toMatchObject({ type: 'PROTECTED_PRINCIPAL' });
  });
});

const KIB = 1024;
/** The brokers' quota window: quota.window.num (11) samples of quota.window.size.seconds (1). */
const QUOTA_WINDOW_S = 11;

/** A kafkajs client of `user` that introduces itself as `clientId`. */
const clientAs = (user: string, password: string, clientId: string) => new Kafka({
  ...kafkaJsConfig({ brokers: infra().KAFKA_BROKERS.split(','), sasl: { mechanism: 'scram-sha-512', username: user, password }, ssl: false }, clientId, undefined, 0),
  logLevel: logLevel.NOTHING,
});

/**
 * A flood as `user`: every second a new producer with a new client.id (`<clientIds>-<second>`) sends 4 KiB batches back to back, up to
 * `capPerSecond` bytes, and is dropped at the next second (a throttled send is abandoned, not waited for).
 * Returns the acknowledged payload bytes per second of acknowledgement.
 */
async function flood(user: string, password: string, topic: string, clientIds: string, seconds: number, capPerSecond: number): Promise<number[]> {
  const acked = new Array<number>(seconds).fill(0);
  const start = Date.now();
  const messages = Array.from({ length: 4 }, () => ({ value: Buffer.alloc(KIB, 'x') }));
  const waves = Array.from({ length: seconds }, async (_, i) => {
    await new Promise((r) => setTimeout(r, start + i * 1000 - Date.now()));
    const producer = clientAs(user, password, `${clientIds}-${i}`).producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
    const stopAt = start + (i + 1) * 1000;
    let sent = 0;
    try {
      await producer.connect();
      while (Date.now() < stopAt && sent < capPerSecond) {
        const ack = await Promise.race([
          producer.send({ topic, acks: -1, messages }).then(() => true),
          new Promise<false>((r) => setTimeout(() => r(false), Math.max(0, stopAt - Date.now()))),
        ]);
        if (!ack) break;
        sent += 4 * KIB;
        const second = Math.floor((Date.now() - start) / 1000);
        if (second < seconds) acked[second]! += 4 * KIB;
      }
    } catch {
      // A send cut off by the next wave's disconnect is simply not counted.
    } finally {
      await producer.disconnect().catch(() => {});
    }
  });
  await Promise.all(waves);
  return acked;
}

/**
 * Kafka measures a quota over its window (11 one-second samples) and starts a sensor with a burst allowance: over
 * a flood of T seconds it lets through at most the quota for T seconds plus one window. The rate left after that
 * allowance is what must stay under the quota (in payload bytes; the broker also counts record overhead).
 */
const beyondAllowance = (perSecond: number[], quota: number) =>
  (perSecond.reduce((a, b) => a + b, 0) - QUOTA_WINDOW_S * quota) / perSecond.length;

describe('kafka.quota.throttle by identity', () => {
  it('a flood that changes client.id every second escapes a client-id throttle but stays under the principal\'s quota; the inverse restores the previous quotas', async () => {
    const user = unique('flooder');
    const topic = unique('flooded');
    const password = await createUser(user);
    await createTopic(kafka, topic);
    await allow(kafka, `User:${user}`, [{ resourceType: 'topic', resourceName: topic, patternType: 'literal', operation: 'write' }]);
    configCommand(['--alter', ...users(user), '--add-config', 'request_percentage=200']);
    const prior = 'request_percentage=200.0';
    await expectQuotas(users(user), prior);
    const quota = 32 * KIB;
    const cap = 8 * quota;

    // The old way: the flood's first client id is throttled, the next ones are not.
    const control = unique('flood');
    const byClient = await plan({ clientId: `${control}-0`, producerByteRate: quota });
    expect(byClient.notes.join(' ')).toContain('one that changes it is free again');
    await apply(byClient.changes);
    await expectQuotas(clients(`${control}-0`), `producer_byte_rate=${quota}.0`);
    const escaped = await flood(user, password, topic, control, 6, cap);
    expect(beyondAllowance(escaped, quota), `acknowledged bytes per second: ${escaped.join(', ')}`).toBeGreaterThan(quota);
    await apply(byClient.inverse);

    const p = await plan({ principal: `User:${user}`, producerByteRate: quota, requestPercentage: 50 });
    expect(p.changes).toEqual([
      { op: 'quota.set', entity: { user }, key: 'producer_byte_rate', before: null, after: quota },
      { op: 'quota.set', entity: { user }, key: 'request_percentage', before: 200, after: 50 },
    ]);
    expect(await apply(p.changes)).toEqual({ changed: p.changes, alreadyInPlace: 0 });
    await expectQuotas(users(user), `producer_byte_rate=${quota}.0, request_percentage=50.0`);
    const perSecond = await flood(user, password, topic, unique('flood'), 24, cap);
    expect(beyondAllowance(perSecond, quota), `acknowledged bytes per second: ${perSecond.join(', ')}`).toBeLessThanOrEqual(quota);
    expect(perSecond.slice(12).some((b) => b > 0)).toBe(true);

    expect((await apply(p.inverse)).changed).toHaveLength(2);
    await expectQuotas(users(user), prior);
    configCommand(['--alter', ...users(user), '--delete-config', 'request_percentage']);
  }, 120_000);

  it('throttles a source address\'s connection rate: connections from it beyond the rate are dropped, others are not; the inverse lifts it', async () => {
    // 127.0.0.2 is loopback too, and no other client of the shared cluster connects from it.
    const ip = '127.0.0.2';
    const [host, port] = infra().KAFKA_BROKERS.split(',')[0]!.split(':') as [string, string];
    const answered = async (from: string, n: number) => (await Promise.all(Array.from({ length: n }, () => apiVersionsAnswered(from, host, Number(port))))).filter(Boolean).length;
    expect(await answered(ip, 10)).toBe(10);

    const p = await plan({ ip, connectionCreationRate: 1 });
    expect(p.changes).toEqual([{ op: 'quota.set', entity: { ip }, key: 'connection_creation_rate', before: null, after: 1 }]);
    expect(p.notes.join(' ')).toContain('connections already open are not affected');
    await apply(p.changes);
    await expectQuotas(ips(ip), 'connection_creation_rate=1.0');
    await eventually(async () => ((await answered(ip, 10)) <= 3 ? true : undefined), 20_000, `connections from ${ip} to be throttled`);
    expect(await answered('127.0.0.1', 10)).toBe(10);

    await apply(p.inverse);
    await expectQuotas(ips(ip), '');
    await eventually(async () => ((await answered(ip, 10)) === 10 ? true : undefined), 30_000, `connections from ${ip} to be accepted again`);
  }, 120_000);

  it('rejects an ip without a connection rate, and a connection rate or byte rate without its entity', async () => {
    await expect(plan({ ip: '10.0.0.9' })).rejects.toMatchObject({ type: 'INVALID_INPUT', nonRetryable: true });
    await expect(plan({ principal: 'User:x', connectionCreationRate: 5 })).rejects.toMatchObject({ type: 'INVALID_INPUT' });
    await expect(plan({ ip: '10.0.0.9', connectionCreationRate: 5, producerByteRate: 1 })).rejects.toMatchObject({ type: 'INVALID_INPUT' });
  });
});

/** A bare ApiVersions v0 request from `localAddress` (allowed before SASL): whether the broker answers it within 3 s. */
function apiVersionsAnswered(localAddress: string, host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const clientId = Buffer.from('quota-probe');
    const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length);
    body.writeInt16BE(18, 0);
    body.writeInt16BE(0, 2);
    body.writeInt32BE(1, 4);
    body.writeInt16BE(clientId.length, 8);
    clientId.copy(body, 10);
    const size = Buffer.alloc(4);
    size.writeInt32BE(body.length);
    const socket = connect({ host, port, localAddress });
    const done = (ok: boolean) => { clearTimeout(timer); socket.destroy(); resolve(ok); };
    const timer = setTimeout(() => done(false), 3_000);
    socket.once('connect', () => socket.write(Buffer.concat([size, body])));
    socket.once('data', () => done(true));
    socket.once('close', () => done(false));
    socket.once('error', () => done(false));
  });
}
