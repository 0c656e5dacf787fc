// Client quotas (KIP-546), which kafkajs lacks: described and altered per entity through @platformatic/kafka's Admin.
import { Admin, ClientQuotaMatchTypes, GenericError, type DescribeClientQuotasOptions } from '@platformatic/kafka';
import type { KafkaSettings } from '../../src/model/connections.js';
import { KafkaIrError } from '../../src/model/errors.js';
import { describeQuotaEntity, QuotaKey, type QuotaEntity } from '../../src/model/quota.js';
import { mapKafkaError } from './client.js';
import { tlsOptions } from './tls-options.js';

export type QuotaValues = Partial<Record<QuotaKey, number>>;

async function withQuotaAdmin<T>(settings: KafkaSettings, what: string, call: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = new Admin({
    clientId: 'kafka-ir',
    bootstrapBrokers: settings.brokers,
    // Temporal owns retries (docs/design.md §5).
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

/** Sets the given quotas of one entity in one request; null removes a quota. */
export async function alterQuota(settings: KafkaSettings, entity: QuotaEntity, values: { key: QuotaKey; value: number | null }[]): Promise<void> {
  const entities = [
    ...(entity.user !== undefined ? [{ entityType: 'user' as const, entityName: entity.user }] : []),
    ...(entity.clientId !== undefined ? [{ entityType: 'client-id' as const, entityName: entity.clientId }] : []),
  ];
  const ops = values.map((v) => (v.value === null ? { key: v.key, remove: true as const } : { key: v.key, value: v.value, remove: false as const }));
  const res = await withQuotaAdmin(settings, `setting quotas of ${describeQuotaEntity(entity)}`, (a) => a.alterClientQuotas({ entries: [{ entities, ops }] }));
  const failed = res.find((r) => r.errorCode !== 0);
  if (failed) {
    throw new KafkaIrError('KAFKA_REJECTED', `setting quotas of ${describeQuotaEntity(entity)}: ${failed.errorMessage ?? `error ${failed.errorCode}`}`);
  }
}
