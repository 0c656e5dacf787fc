// Plan → approve → apply (docs/design.md §4): the exact changes an action will make, their inverse, and a hash approvals bind to.
import { z } from 'zod';
import { AclBinding, describeAcl } from './acl.js';
import { ScramMechanism } from './credentials.js';
import { QuotaEntity, QuotaKey, describeQuotaEntity } from './quota.js';

export const Change = z.discriminatedUnion('op', [
  z.object({ op: z.literal('acl.create'), binding: AclBinding }),
  z.object({ op: z.literal('acl.delete'), binding: AclBinding }),
  /** null: no quota of that key (before: none was set; after: remove it). */
  z.object({ op: z.literal('quota.set'), entity: QuotaEntity, key: QuotaKey, before: z.number().nullable(), after: z.number().nullable() }),
  /** The new secret is not part of the change: it lives only in the secret sink, keyed by incident and step. */
  z.object({ op: z.literal('scram.rotate'), user: z.string(), mechanisms: z.array(ScramMechanism).min(1) }),
  z.object({ op: z.literal('scram.delete'), user: z.string(), mechanism: ScramMechanism }),
  /** A delegation token of `owner` (a user name), expired now; its HMAC, the token's password, is never recorded. */
  z.object({ op: z.literal('token.expire'), owner: z.string(), tokenId: z.string() }),
  /** The partition's replica list, in order (the first is the preferred leader). */
  z.object({ op: z.literal('partition.reassign'), topic: z.string(), partition: z.number().int().nonnegative(), before: z.array(z.number().int()), after: z.array(z.number().int()) }),
  /**
   * A replication throttle config (KIP-73) held only while the partitions of the same plan move: set to `during` before
   * they move, back to `before` (absent: no dynamic value) once they have. Broker rates or a topic's throttled replicas.
   */
  z.object({ op: z.literal('partition.throttle'), resource: z.enum(['broker', 'topic']), name: z.string(), key: z.string(), before: z.string().optional(), during: z.string() }),
  /** A preferred leader election (KIP-460): leadership back to `leader`, the partition's first replica. */
  z.object({ op: z.literal('leader.elect'), topic: z.string(), partition: z.number().int().nonnegative(), leader: z.number().int() }),
  /** A per-broker dynamic config; an absent before/after means no per-broker value (the static or default value applies). */
  z.object({ op: z.literal('config.set'), resource: z.literal('broker'), name: z.string(), key: z.string(), before: z.string().optional(), after: z.string().optional() }),
  /** The site's fence command (settings.fenceCommand), already substituted: it has no inverse. */
  z.object({ op: z.literal('broker.fence'), brokerId: z.number().int(), host: z.string(), command: z.array(z.string()).min(1) }),
]);
export type Change = z.infer<typeof Change>;

export const Plan = z.object({
  action: z.string(),
  summary: z.string(),
  changes: z.array(Change),
  inverse: z.array(Change),
  /** Caveats a person must read before approving (super users, collateral principals, re-auth). */
  notes: z.array(z.string()),
  /** SHA-256 over action + changes: an approval binds to exactly this plan. */
  hash: z.string(),
});
export type Plan = z.infer<typeof Plan>;

export const ApplyResult = z.object({
  /** What this run changed: empty when a retry finds the work already done. */
  changed: z.array(Change),
  /** Planned changes found already in place. */
  alreadyInPlace: z.number().int().nonnegative(),
});
export type ApplyResult = z.infer<typeof ApplyResult>;

/** One line a person reads on an approval card or email. */
export function describeChange(c: Change): string {
  switch (c.op) {
    case 'acl.create': return `add ${describeAcl(c.binding)}`;
    case 'acl.delete': return `remove ${describeAcl(c.binding)}`;
    case 'quota.set': return `quota ${c.key} for ${describeQuotaEntity(c.entity)}: ${c.before ?? 'none'} → ${c.after ?? 'none'}`;
    case 'scram.rotate': return `new SCRAM password for ${c.user} (${c.mechanisms.join(', ')})`;
    case 'scram.delete': return `delete SCRAM credential of ${c.user} (${c.mechanism})`;
    case 'token.expire': return `expire delegation token ${c.tokenId} of ${c.owner}`;
    case 'partition.reassign': return `move ${c.topic}-${c.partition} replicas [${c.before.join(',')}] → [${c.after.join(',')}]`;
    case 'partition.throttle': return `while partitions move: ${c.resource} ${c.name} ${c.key}=${c.during} (then ${c.before ?? 'unset'} again)`;
    case 'leader.elect': return `elect broker ${c.leader} leader of ${c.topic}-${c.partition} (preferred leader)`;
    case 'config.set': return `broker ${c.name} ${c.key}: ${c.before ?? 'unset'} → ${c.after ?? 'unset'}`;
    case 'broker.fence': return `fence broker ${c.brokerId} (${c.host}) with ${c.command.join(' ')}`;
  }
}
