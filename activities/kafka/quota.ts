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
import { assertNotProtected } from './protected-principals.js';

type QuotaChange = Extract<Change, { op: 'quota.set' }>;

const KEY_OF_INPUT = { producerByteRate: 'producer_byte_rate', consumerByteRate: 'consumer_byte_rate', requestPercentage: 'request_percentage' } as const;

export async function planThrottle(
  client: KafkaClient, input: ActionInput<'kafka.quota.throttle'>, settings: Pick<Settings, 'protectedPrincipals' | 'authorizer'>,
): Promise<Plan> {
  if (input.principal) await assertNotProtected(client, input.principal, settings, 'kafka.quota.throttle');
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
  for (const group of pendingByEntity) await alterQuota(settings, group[0]!.entity, group.map((c) => ({ key: c.key, value: c.after })));
  const changed = pendingByEntity.flat();
  return { changed, alreadyInPlace: quotaChanges.length - changed.length };
}
