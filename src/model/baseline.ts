// The security baseline (docs/design.md §5): ACLs, SCRAM users, quotas, configs, tokens, topics, groups, and what changed between two of them.
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

/** A delegation token as a baseline records it: never its HMAC, which is the token's password. */
export const TokenEntry = z.object({
  tokenId: z.string(),
  /** The principal the token authenticates as. */
  owner: z.string(),
  requester: z.string(),
  renewers: z.array(z.string()),
  issuedAt: z.string(),
  expiresAt: z.string(),
});
export type TokenEntry = z.infer<typeof TokenEntry>;

/** A topic by name and id: a topic deleted and made again under the same name has a new id. */
export const TopicEntry = z.object({ name: z.string(), topicId: z.string() });
export type TopicEntry = z.infer<typeof TopicEntry>;

export const BaselineState = z.object({
  takenAt: z.string(),
  acls: z.array(AclBinding),
  scramUsers: z.array(ScramUser),
  quotas: z.array(QuotaEntry),
  configs: z.array(DynamicConfig),
  // Absent in baselines recorded before they were kept: a diff against such a baseline says it cannot compare them.
  tokens: z.array(TokenEntry).optional(),
  topics: z.array(TopicEntry).optional(),
  /** Consumer group ids. */
  groups: z.array(z.string()).optional(),
  /** The baseline before this one (its file name and SHA-256): each file vouches for the one before it. */
  previous: z.object({ ref: z.string(), sha256: z.string() }).nullable().optional(),
});
export type BaselineState = z.infer<typeof BaselineState>;

const changed = <T extends z.ZodType>(item: T) => z.array(z.object({ before: item, after: item }));
const none = <T extends z.ZodType>(item: T) => z.array(item).default([]);

export const BaselineDiff = z.object({
  /** The baseline compared against (a path under the evidence directory). */
  baseline: z.string(),
  /** When it was taken (absent in outputs recorded before this was said). */
  baselineTakenAt: z.string().optional(),
  added: z.object({
    acls: z.array(AclBinding), scramUsers: z.array(ScramUser), quotas: z.array(QuotaEntry), configs: z.array(DynamicConfig),
    tokens: none(TokenEntry), topics: none(TopicEntry), groups: none(z.string()),
  }),
  removed: z.object({
    acls: z.array(AclBinding), scramUsers: z.array(ScramUser), quotas: z.array(QuotaEntry), configs: z.array(DynamicConfig),
    tokens: none(TokenEntry), topics: none(TopicEntry), groups: none(z.string()),
  }),
  /** An ACL binding is either there or not; a token changes when renewed, a topic when made again under its name. */
  changed: z.object({
    scramUsers: changed(ScramUser), quotas: changed(QuotaEntry), configs: changed(DynamicConfig),
    tokens: changed(TokenEntry).default([]), topics: changed(TopicEntry).default([]),
  }),
  /** What the diff could not compare, and how the baseline was chosen. */
  notes: z.array(z.string()).default([]),
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

const KEPT_SINCE = { tokens: 'delegation tokens', topics: 'topics', groups: 'consumer groups' } as const;

/** `notes`: how the baseline was chosen, said with the diff. */
export function diffBaselines(ref: string, before: BaselineState, after: BaselineState, notes: string[] = []): BaselineDiff {
  const acls = compare(before.acls, after.acls, aclKey, () => true);
  const users = compare(before.scramUsers, after.scramUsers, (u) => u.user, (a, b) => stable([...a.mechanisms].sort()) === stable([...b.mechanisms].sort()));
  const quotas = compare(before.quotas, after.quotas, quotaKey, (a, b) => stable(a.values) === stable(b.values));
  const configs = compare(before.configs, after.configs, configKey, (a, b) => a.value === b.value);
  const missing = (Object.keys(KEPT_SINCE) as (keyof typeof KEPT_SINCE)[]).filter((k) => !before[k] || !after[k]);
  const tokens = compare(before.tokens ?? after.tokens ?? [], after.tokens ?? [], (t) => t.tokenId,
    (a, b) => a.expiresAt === b.expiresAt && stable([...a.renewers].sort()) === stable([...b.renewers].sort()));
  const topics = compare(before.topics ?? after.topics ?? [], after.topics ?? [], (t) => t.name, (a, b) => a.topicId === b.topicId);
  const groups = compare(before.groups ?? after.groups ?? [], after.groups ?? [], (g) => g, () => true);
  return {
    baseline: ref,
    baselineTakenAt: before.takenAt,
    added: { acls: acls.added, scramUsers: users.added, quotas: quotas.added, configs: configs.added, tokens: tokens.added, topics: topics.added, groups: groups.added },
    removed: {
      acls: acls.removed, scramUsers: users.removed, quotas: quotas.removed, configs: configs.removed, tokens: tokens.removed, topics: topics.removed, groups: groups.removed,
    },
    changed: { scramUsers: users.changed, quotas: quotas.changed, configs: configs.changed, tokens: tokens.changed, topics: topics.changed },
    notes: [...notes, ...(missing.length ? [`the baseline predates recording ${missing.map((k) => KEPT_SINCE[k]).join(', ')}: not compared`] : [])],
  };
}

export const BackdoorFindings = z.object({
  /** SCRAM users that appeared since the baseline, each with the ALLOW bindings its principal gained. */
  users: z.array(z.object({ user: z.string(), grants: z.array(AclBinding) })),
  /** ALLOW bindings added for principals that are not among those new users. */
  allows: z.array(AclBinding),
  /** Delegation tokens that appeared since the baseline: each authenticates as its owner until it expires. */
  tokens: z.array(TokenEntry).default([]),
  /** Every other difference: removed bindings or users, changed credentials, quotas, configs, topics and groups. */
  otherChanges: z.number().int().nonnegative(),
});
export type BackdoorFindings = z.infer<typeof BackdoorFindings>;

/** What a diff shows an intruder may have left behind: a way back in is a new account, a new grant, or both. */
export function backdoorFindings(diff: BaselineDiff): BackdoorFindings {
  const allows = diff.added.acls.filter((b) => b.permission === 'allow');
  const users = diff.added.scramUsers.map((u) => ({ user: u.user, grants: allows.filter((b) => b.principal === `User:${u.user}`) }));
  const newPrincipals = new Set(users.map((u) => `User:${u.user}`));
  const count = (o: Record<string, unknown[]>) => Object.values(o).reduce((n, list) => n + list.length, 0);
  const { added } = diff;
  return {
    users,
    allows: allows.filter((b) => !newPrincipals.has(b.principal)),
    tokens: added.tokens,
    otherChanges: count(diff.removed) + count(diff.changed) + added.quotas.length + added.configs.length + added.acls.length - allows.length
      + added.topics.length + added.groups.length,
  };
}
