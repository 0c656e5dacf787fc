// Client quotas (KIP-546), which kafkajs lacks: planned and applied exactly through @platformatic/kafka's Admin.
import { Admin, ClientQuotaMatchTypes, GenericError, type DescribeClientQuotasOptions } from '@platformatic/kafka';
import type { KafkaSettings } from '../../src/model/connections.js';
import type { ActionInput } from '../../src/model/actions.js';
import { KafkaIrError } from '../../src/model/errors.js';
import type { Change, Plan } from '../../src/model/plan.js';
import { describeQuotaEntity, QuotaKey, type QuotaEntity } from '../../src/model/quota.js';
import { mapKafkaError, type KafkaClient } from '../../adapters/kafka/client.js';
import { hashPlan } from './plan-hash.js';
import { tlsOptions } from '../../adapters/kafka/tls-options.js';

type QuotaChange = Extract<Change, { op: 'quota.set' }>;
export type QuotaValues = Partial<Record<QuotaKey, number>>;

async function withQuotaAdmin<T>(settings: KafkaSettings, what: string, call: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = new Admin({
    clientId: 'kafka-ir',
    bootstrapBrokers: settings.brokers,
    // Temporal owns retries (STYLE.md).
    retries: 0,
    connectTimeout: 5_000,
    requestTimeout: 10_000,
    sasl: settings.sasl
      ? { mechanism: settings.sasl.mechanism.toUpperCase() as 'SCRAM-SHA-512', username: settings.sasl.username, password: settings.sasl.password }
      : undefined,
    tls: tlsOptions(settings),
  });
  try {
    return await call(admin);
  } catch (err) {
    const code = err instanceof Error && GenericError.isGenericError(err) ? err.code : undefined;
    if (code === 'PLT_KFK_NETWORK' || code === 'PLT_KFK_TIMEOUT') {
      throw new KafkaIrError('KAFKA_UNAVAILABLE', `${what}: ${(err as Error).message}`, 'Kafka did not answer; it will be retried', { cause: err });
    }
    throw mapKafkaError(err, what);
  } finally {
    await admin.close().catch(() => {});
  }
}

/** The quotas set on exactly this entity (not on defaults, nor on pairs containing it). */
export async function describeQuota(settings: KafkaSettings, entity: QuotaEntity): Promise<QuotaValues> {
  const components: DescribeClientQuotasOptions['components'] = [];
  if (entity.user !== undefined) components.push({ entityType: 'user', matchType: ClientQuotaMatchTypes.EXACT, match: entity.user });
  if (entity.clientId !== undefined) components.push({ entityType: 'client-id', matchType: ClientQuotaMatchTypes.EXACT, match: entity.clientId });
  const entries = await withQuotaAdmin(settings, `describing quotas of ${describeQuotaEntity(entity)}`, (a) =>
    a.describeClientQuotas({ components, strict: true }));
  const values: QuotaValues = {};
  for (const v of entries[0]?.values ?? []) {
    const key = QuotaKey.safeParse(v.key);
    if (key.success) values[key.data] = v.value;
  }
  return values;
}

const KEY_OF_INPUT = { producerByteRate: 'producer_byte_rate', consumerByteRate: 'consumer_byte_rate', requestPercentage: 'request_percentage' } as const;

export async function planThrottle(
  client: KafkaClient, input: ActionInput<'kafka.quota.throttle'>, protectedPrincipals: string[],
): Promise<Plan> {
  if (input.principal && (input.principal === client.principal || protectedPrincipals.includes(input.principal))) {
    throw new KafkaIrError('PROTECTED_PRINCIPAL', `${input.principal} is ${input.principal === client.principal ? "kafka-ir's own principal" : 'listed in protectedPrincipals'}`,
      'throttling it could stall the engine or a critical service; remove it from protectedPrincipals if it really must be throttled');
  }
  const entity: QuotaEntity = { user: input.principal?.slice('User:'.length), clientId: input.clientId };
  if (entity.user === undefined) delete entity.user;
  if (entity.clientId === undefined) delete entity.clientId;
  const current = await describeQuota(client.settings, entity);
  const changes: QuotaChange[] = [];
  for (const [field, key] of Object.entries(KEY_OF_INPUT) as [keyof typeof KEY_OF_INPUT, QuotaKey][]) {
    const after = input[field];
    const before = current[key] ?? null;
    if (after !== undefined && after !== before) changes.push({ op: 'quota.set', entity, key, before, after });
  }
  const show = (v: number | null) => (v === null ? 'unset' : String(v));
  return {
    action: 'kafka.quota.throttle',
    summary: changes.length
      ? `quotas of ${describeQuotaEntity(entity)}: ${changes.map((c) => `${c.key} ${show(c.before)} → ${show(c.after)}`).join(', ')}`
      : `quotas of ${describeQuotaEntity(entity)} are already as asked: nothing to change`,
    changes,
    inverse: changes.map((c) => ({ ...c, before: c.after, after: c.before })),
    notes: [
      'Quotas apply to the next request of open connections. A quota on a user and client-id pair takes precedence over one on the user alone (Kafka quota precedence, KIP-55).',
    ],
    hash: hashPlan('kafka.quota.throttle', changes),
  };
}

/** Sets each planned quota unless already in place; refuses (PLAN_DRIFT) when a value is neither the plan's before nor after. */
export async function applyQuotaChanges(settings: KafkaSettings, changes: Change[]): Promise<{ changed: Change[]; alreadyInPlace: number }> {
  const quotaChanges = changes.filter((c): c is QuotaChange => c.op === 'quota.set');
  const byEntity = new Map<string, QuotaChange[]>();
  for (const c of quotaChanges) {
    const id = JSON.stringify([c.entity.user ?? null, c.entity.clientId ?? null]);
    byEntity.set(id, [...(byEntity.get(id) ?? []), c]);
  }
  // Read everything first, so a drifted quota stops the whole apply before anything changed.
  const pendingByEntity: QuotaChange[][] = [];
  for (const group of byEntity.values()) {
    const current = await describeQuota(settings, group[0]!.entity);
    const pending = group.filter((c) => {
      const now = current[c.key] ?? null;
      if (now === c.after) return false;
      if (now !== c.before) {
        throw new KafkaIrError('PLAN_DRIFT', `${c.key} of ${describeQuotaEntity(c.entity)} is ${now ?? 'unset'}, but the plan expected ${c.before ?? 'unset'} (or ${c.after ?? 'unset'} once applied)`,
          'someone else changed this quota since the plan was made: plan again and review');
      }
      return true;
    });
    if (pending.length) pendingByEntity.push(pending);
  }
  for (const group of pendingByEntity) {
    const { entity } = group[0]!;
    const entities = [
      ...(entity.user !== undefined ? [{ entityType: 'user' as const, entityName: entity.user }] : []),
      ...(entity.clientId !== undefined ? [{ entityType: 'client-id' as const, entityName: entity.clientId }] : []),
    ];
    const ops = group.map((c) => (c.after === null ? { key: c.key, remove: true as const } : { key: c.key, value: c.after, remove: false as const }));
    const res = await withQuotaAdmin(settings, `setting quotas of ${describeQuotaEntity(entity)}`, (a) => a.alterClientQuotas({ entries: [{ entities, ops }] }));
    const failed = res.find((r) => r.errorCode !== 0);
    if (failed) {
      throw new KafkaIrError('KAFKA_REJECTED', `setting quotas of ${describeQuotaEntity(entity)}: ${failed.errorMessage ?? `error ${failed.errorCode}`}`);
    }
  }
  const changed = pendingByEntity.flat();
  return { changed, alreadyInPlace: quotaChanges.length - changed.length };
}
