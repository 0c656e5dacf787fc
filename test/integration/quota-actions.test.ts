// kafka.quota.throttle against the real cluster: plan, apply, re-apply, undo and drift, checked with Kafka's ConfigCommand.
import { mkdtempSync, rmSync } from 'node:fs';
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
import { admin } from '../support/kafka.js';

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
