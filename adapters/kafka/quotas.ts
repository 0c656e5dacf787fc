// Client quotas (KIP-546), which kafkajs lacks: described and altered per entity through @platformatic/kafka's protocol calls.
import {
  ClientQuotaMatchTypes, alterClientQuotasV1, describeClientQuotasV0, type ClientQuotaEntityTypeValue, type ClientQuotaKeyValue,
} from '@platformatic/kafka';
import type { KafkaSettings } from '../../src/model/connections.js';
import { KafkaIrError } from '../../src/model/errors.js';
import { describeQuotaEntity, QuotaKey, quotaEntityParts, type QuotaEntity } from '../../src/model/quota.js';
import { withAnyBroker } from './broker-connection.js';

export type QuotaValues = Partial<Record<QuotaKey, number>>;

// Entity types and keys are strings on the wire; the library's types list only the user and client-id ones, not
// the ip entity and its connection_creation_rate (KIP-612), which brokers accept through the same requests.
const entityType = (t: 'user' | 'client-id' | 'ip') => t as ClientQuotaEntityTypeValue;
const quotaKey = (k: QuotaKey) => k as ClientQuotaKeyValue;

/** The quotas set on exactly this entity (not on defaults, nor on pairs containing it), as a broker that answers knows them. */
export async function describeQuota(settings: KafkaSettings, entity: QuotaEntity): Promise<QuotaValues> {
  const components = quotaEntityParts(entity).map((p) => ({ entityType: entityType(p.entityType), matchType: ClientQuotaMatchTypes.EXACT, match: p.name }));
  const what = `describing quotas of ${describeQuotaEntity(entity)}`;
  const res = await withAnyBroker(settings, what, (c) => describeClientQuotasV0.api.async(c, components, true));
  if (res.errorCode !== 0) throw new KafkaIrError('KAFKA_REJECTED', `${what}: ${res.errorMessage ?? `error ${res.errorCode}`}`);
  const values: QuotaValues = {};
  for (const v of res.entries[0]?.values ?? []) {
    const key = QuotaKey.safeParse(v.key);
    if (key.success) values[key.data] = v.value;
  }
  return values;
}

/** Sets the given quotas of one entity in one request (any broker forwards it to the controller); null removes a quota. */
export async function alterQuota(settings: KafkaSettings, entity: QuotaEntity, values: { key: QuotaKey; value: number | null }[]): Promise<void> {
  const entities = quotaEntityParts(entity).map((p) => ({ entityType: entityType(p.entityType), entityName: p.name }));
  const ops = values.map((v) => (v.value === null
    ? { key: quotaKey(v.key), remove: true as const }
    : { key: quotaKey(v.key), value: v.value, remove: false as const }));
  const what = `setting quotas of ${describeQuotaEntity(entity)}`;
  const res = await withAnyBroker(settings, what, (c) => alterClientQuotasV1.api.async(c, [{ entities, ops }], false));
  const failed = res.entries.find((r) => r.errorCode !== 0);
  if (failed) throw new KafkaIrError('KAFKA_REJECTED', `${what}: ${failed.errorMessage ?? `error ${failed.errorCode}`}`);
}
