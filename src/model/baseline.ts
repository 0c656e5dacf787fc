// The security baseline (docs/design.md §5): ACLs, SCRAM users, client quotas and dynamic configs, and what changed between two of them.
import { z } from 'zod';
import { AclBinding, aclKey } from './acl.js';

export const ScramUser = z.object({ user: z.string(), mechanisms: z.array(z.string()) });
export type ScramUser = z.infer<typeof ScramUser>;

export const QuotaEntry = z.object({
  /** e.g. [{ type: 'user', name: 'alice' }]; a null name is the default entity. */
  entity: z.array(z.object({ type: z.string(), name: z.string().nullable() })),
  values: z.record(z.string(), z.number()),
});
export type QuotaEntry = z.infer<typeof QuotaEntry>;

export const DynamicConfig = z.object({
  /** 'broker-default' is the cluster-wide dynamic default (`--entity-default`). */
  resource: z.enum(['broker', 'broker-default', 'topic']),
  name: z.string(),
  key: z.string(),
  /** null for sensitive values: Kafka never returns them, so a change to one cannot be seen. */
  value: z.string().nullable(),
});
export type DynamicConfig = z.infer<typeof DynamicConfig>;

export const BaselineState = z.object({
  takenAt: z.string(),
  acls: z.array(AclBinding),
  scramUsers: z.array(ScramUser),
  quotas: z.array(QuotaEntry),
  configs: z.array(DynamicConfig),
});
export type BaselineState = z.infer<typeof BaselineState>;

const changed = <T extends z.ZodType>(item: T) => z.array(z.object({ before: item, after: item }));

export const BaselineDiff = z.object({
  /** The baseline compared against (a path under the evidence directory). */
  baseline: z.string(),
  added: z.object({ acls: z.array(AclBinding), scramUsers: z.array(ScramUser), quotas: z.array(QuotaEntry), configs: z.array(DynamicConfig) }),
  removed: z.object({ acls: z.array(AclBinding), scramUsers: z.array(ScramUser), quotas: z.array(QuotaEntry), configs: z.array(DynamicConfig) }),
  /** An ACL binding is either there or not, so only users, quotas and configs can change in place. */
  changed: z.object({ scramUsers: changed(ScramUser), quotas: changed(QuotaEntry), configs: changed(DynamicConfig) }),
});
export type BaselineDiff = z.infer<typeof BaselineDiff>;

const quotaKey = (q: QuotaEntry) => q.entity.map((e) => `${e.type}=${e.name ?? '<default>'}`).sort().join(',');
const configKey = (c: DynamicConfig) => `${c.resource}|${c.name}|${c.key}`;
const stable = (v: unknown) => JSON.stringify(v, (_k, x: unknown) =>
  x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x);

function compare<T>(before: T[], after: T[], key: (t: T) => string, same: (a: T, b: T) => boolean) {
  const was = new Map(before.map((t) => [key(t), t]));
  const now = new Map(after.map((t) => [key(t), t]));
  return {
    added: after.filter((t) => !was.has(key(t))),
    removed: before.filter((t) => !now.has(key(t))),
    changed: after.flatMap((t) => {
      const old = was.get(key(t));
      return old && !same(old, t) ? [{ before: old, after: t }] : [];
    }),
  };
}

export function diffBaselines(ref: string, before: BaselineState, after: BaselineState): BaselineDiff {
  const acls = compare(before.acls, after.acls, aclKey, () => true);
  const users = compare(before.scramUsers, after.scramUsers, (u) => u.user, (a, b) => stable([...a.mechanisms].sort()) === stable([...b.mechanisms].sort()));
  const quotas = compare(before.quotas, after.quotas, quotaKey, (a, b) => stable(a.values) === stable(b.values));
  const configs = compare(before.configs, after.configs, configKey, (a, b) => a.value === b.value);
  return {
    baseline: ref,
    added: { acls: acls.added, scramUsers: users.added, quotas: quotas.added, configs: configs.added },
    removed: { acls: acls.removed, scramUsers: users.removed, quotas: quotas.removed, configs: configs.removed },
    changed: { scramUsers: users.changed, quotas: quotas.changed, configs: configs.changed },
  };
}

export const BackdoorFindings = z.object({
  /** SCRAM users that appeared since the baseline, each with the ALLOW bindings its principal gained. */
  users: z.array(z.object({ user: z.string(), grants: z.array(AclBinding) })),
  /** ALLOW bindings added for principals that are not among those new users. */
  allows: z.array(AclBinding),
  /** Every other difference: removed bindings or users, changed credentials, quotas and configs. */
  otherChanges: z.number().int().nonnegative(),
});
export type BackdoorFindings = z.infer<typeof BackdoorFindings>;

/** What a diff shows an intruder may have left behind: a way back in is a new account, a new grant, or both. */
export function backdoorFindings(diff: BaselineDiff): BackdoorFindings {
  const allows = diff.added.acls.filter((b) => b.permission === 'allow');
  const users = diff.added.scramUsers.map((u) => ({ user: u.user, grants: allows.filter((b) => b.principal === `User:${u.user}`) }));
  const newPrincipals = new Set(users.map((u) => `User:${u.user}`));
  const count = (o: Record<string, unknown[]>) => Object.values(o).reduce((n, list) => n + list.length, 0);
  return {
    users,
    allows: allows.filter((b) => !newPrincipals.has(b.principal)),
    otherChanges: count(diff.removed) + count(diff.changed) + diff.added.quotas.length + diff.added.configs.length + diff.added.acls.length - allows.length,
  };
}
