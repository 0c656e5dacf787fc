// Plan → approve → apply (DESIGN §4): the exact changes an action will make, their inverse, and a hash approvals bind to.
import { z } from 'zod';
import { AclBinding } from './acl.js';

export const Change = z.discriminatedUnion('op', [
  z.object({ op: z.literal('acl.create'), binding: AclBinding }),
  z.object({ op: z.literal('acl.delete'), binding: AclBinding }),
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
