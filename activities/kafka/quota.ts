// kafka.quota.throttle: client quotas planned against the current ones, and applied exactly unless they drifted.
import type { KafkaSettings } from '../../src/model/connections.js';
import type { ActionInput } from '../../src/model/actions.js';
import { KafkaIrError } from '../../src/model/errors.js';
import type { Change, Plan } from '../../src/model/plan.js';
import type { Settings } from '../../src/model/settings.js';
import { describeQuotaEntity, type QuotaEntity, type QuotaKey } from '../../src/model/quota.js';
import type { KafkaClient } from '../../adapters/kafka/client.js';
import { alterQuota, describeQuota } from '../../adapters/kafka/quotas.js';
import { hashPlan } from './plan-hash.js';
import { assertNotOwnClientId, assertNotProtected } from './protected-principals.js';

type QuotaChange = Extract<Change, { op: 'quota.set' }>;
type Input = ActionInput<'kafka.quota.throttle'>;

const CLIENT_KEYS = { producerByteRate: 'producer_byte_rate', consumerByteRate: 'consumer_byte_rate', requestPercentage: 'request_percentage' } as const;
const IP_KEYS = { connectionCreationRate: 'connection_creation_rate' } as const;

const NOTES = {
  user: 'A quota on the user holds every client of that principal together, whatever client.id it sends; one on a (user, client id) pair takes precedence over it for that client id (KIP-55).',
  clientId: 'A quota on a client id alone holds only clients that keep sending that client.id: one that changes it is free again. Throttle the principal to hold it.',
  ip: 'A connection rate quota on an address slows new connections from it (the broker delays, then closes, those over the rate); connections already open are not affected.',
  all: 'Quotas apply to the next request of open connections.',
};

/** The quotas the input sets, one entity at a time: the user and/or client id, and the address. */
function wanted(input: Input): { entity: QuotaEntity; values: [QuotaKey, number][] }[] {
  const pick = <K extends string>(keys: Record<K, QuotaKey>) =>
    (Object.entries(keys) as [K, QuotaKey][]).flatMap(([field, key]) => {
      const value = (input as Record<string, unknown>)[field];
      return typeof value === 'number' ? [[key, value] as [QuotaKey, number]] : [];
    });
  const client: QuotaEntity = {
    ...(input.principal ? { user: input.principal.slice('User:'.length) } : {}), ...(input.clientId ? { clientId: input.clientId } : {}),
  };
  return [
    ...(input.principal || input.clientId ? [{ entity: client, values: pick(CLIENT_KEYS) }] : []),
    ...(input.ip ? [{ entity: { ip: input.ip }, values: pick(IP_KEYS) }] : []),
  ];
}

export async function planThrottle(
  client: KafkaClient, input: Input, settings: Pick<Settings, 'protectedPrincipals' | 'authorizer'>,
): Promise<Plan> {
  if (input.principal) await assertNotProtected(client, input.principal, settings, 'kafka.quota.throttle');
  else if (input.clientId) assertNotOwnClientId(input.clientId);
  const changes: QuotaChange[] = [];
  for (const { entity, values } of wanted(input)) {
    const current = await describeQuota(client.settings, entity);
    for (const [key, after] of values) {
      const before = current[key] ?? null;
      if (after !== before) changes.push({ op: 'quota.set', entity, key, before, after });
    }
  }
  const show = (v: number | null) => (v === null ? 'unset' : String(v));
  const described = wanted(input).map(({ entity }) => {
    const mine = changes.filter((c) => describeQuotaEntity(c.entity) === describeQuotaEntity(entity));
    return mine.length
      ? `quotas of ${describeQuotaEntity(entity)}: ${mine.map((c) => `${c.key} ${show(c.before)} → ${show(c.after)}`).join(', ')}`
      : `quotas of ${describeQuotaEntity(entity)} are already as asked`;
  });
  return {
    action: 'kafka.quota.throttle',
    summary: `${described.join('; ')}${changes.length ? '' : ': nothing to change'}`,
    changes,
    inverse: changes.map((c) => ({ ...c, before: c.after, after: c.before })),
    notes: [
      ...(input.principal ? [NOTES.user] : input.clientId ? [NOTES.clientId] : []),
      ...(input.ip ? [NOTES.ip] : []),
      NOTES.all,
    ],
    hash: hashPlan('kafka.quota.throttle', changes),
  };
}

/** Sets each planned quota unless already in place; refuses (PLAN_DRIFT) when a value is neither the plan's before nor after. */
export async function applyQuotaChanges(settings: KafkaSettings, changes: Change[]): Promise<{ changed: Change[]; alreadyInPlace: number }> {
  const quotaChanges = changes.filter((c): c is QuotaChange => c.op === 'quota.set');
  const byEntity = new Map<string, QuotaChange[]>();
  for (const c of quotaChanges) {
    const id = JSON.stringify([c.entity.user ?? null, c.entity.clientId ?? null, c.entity.ip ?? null]);
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
  for (const group of pendingByEntity) await alterQuota(settings, group[0]!.entity, group.map((c) => ({ key: c.key, value: c.after })));
  const changed = pendingByEntity.flat();
  return { changed, alreadyInPlace: quotaChanges.length - changed.length };
}
