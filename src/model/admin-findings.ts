// The hunt's findings: which administrative requests left a way back in (from the records), and which changes only the baseline diff shows.
import type { AdminItem, AdminRecord, RequestedAcl } from './access-records.js';
import type { AdminFinding, AdminRequest, FindingKind, FollowUpTarget } from './admin-audit.js';
import { AUTHORIZATION_ERRORS, aclText, itemText } from './admin-request-text.js';
import type { BaselineDiff } from './baseline.js';

export interface AuditContext {
  /** Principals whose requests are the engine's own or trusted automation → why; their changes raise no follow-up. */
  trusted: ReadonlyMap<string, string>;
  /**
   * The SCRAM users that had a credential when the baseline was taken (`at`, epoch ms): a credential set after it
   * for one of them is a reset, for another a new user. Earlier, or without a baseline, it is "created or reset".
   */
  usersAtBaseline?: { at: number; users: ReadonlySet<string> };
  /** The diff against that baseline: its changes no request explains are findings too. */
  diff?: BaselineDiff;
  /**
   * Records were read: a change they do not explain is listed for people to judge (made before they reach back, or by
   * a path they miss), not raised. Without records the diff is all there is, and its backdoors are raised.
   */
  withRecords?: boolean;
}

/** The runbook kinds findings are raised as: a new account or grant is unauthorized access, a known password or a token a compromised credential. */
const FOLLOW_UP: Record<FindingKind, string> = {
  'acl.granted': 'unauthorized-access', 'deny.removed': 'unauthorized-access', 'scram.created': 'unauthorized-access', 'topic.created': 'unauthorized-access',
  'scram.reset': 'compromised-credentials', 'scram.set': 'compromised-credentials', 'token.created': 'compromised-credentials', 'token.renewed': 'compromised-credentials',
};

const iso = (ms: number) => new Date(ms).toISOString();
const aclKeyOf = (b: RequestedAcl) => [b.permission, b.principal, b.host, b.operation, b.resourceType, b.patternType, b.resourceName].join('|');

function outcomeOf(items: AdminItem[]): AdminRequest['outcome'] {
  const failed = items.filter((i) => i.error !== 0);
  if (!failed.length) return 'ok';
  if (failed.length < items.length) return 'partly';
  return failed.every((i) => AUTHORIZATION_ERRORS.has(i.error)) ? 'refused' : 'failed';
}

/** The follow-up a finding about `principal` calls for, or why there is none. */
function followUpOf(kind: FindingKind, principal: string | undefined, trusted: AuditContext['trusted']): Pick<AdminFinding, 'followUp' | 'why'> {
  if (principal === undefined) return { followUp: null, why: 'who made it is not known: no principal to raise it about' };
  if (principal === 'User:*') return { followUp: null, why: 'it names every principal (User:*), which no incident can take as its subject: remove it by hand (kafka-acls --remove)' };
  if (!/^User:.+$/.test(principal)) return { followUp: null, why: `${principal} is not a User principal, which is what the runbooks take as subject` };
  const target = trusted.get(principal);
  if (target) return { followUp: null, why: `it is about ${principal}, ${target}` };
  const followUp: FollowUpTarget = { kind: FOLLOW_UP[kind], principal };
  return { followUp };
}

/**
 * Every administrative request of `records` (in time order) in words, and the findings: ALLOW grants, DENY removals,
 * SCRAM credentials created or reset, delegation tokens created or renewed, topics created — each by whom, from where,
 * when; then the diff's additions no request explains (made before the records begin, or by a path they miss).
 */
export function adminFindings(records: readonly AdminRecord[], ctx: AuditContext): { requests: AdminRequest[]; findings: AdminFinding[] } {
  const sorted = [...records].sort((a, b) => a.at - b.at);
  const requests: AdminRequest[] = [];
  const findings: AdminFinding[] = [];
  const baseline = ctx.usersAtBaseline;
  /** Users known to exist at the request being read: the baseline's, and those a request created since. */
  const known = new Set<string>();
  let baselineApplied = false;
  /** Token HMAC digest → its id and owner, from the creations seen: renewals name only the digest. */
  const tokens = new Map<string, { tokenId?: string; owner: string }>();
  const explained = { users: new Set<string>(), acls: new Set<string>(), tokens: new Set<string>(), renewed: new Set<string>(), topics: new Set<string>() };

  for (const r of sorted) {
    if (baseline && !baselineApplied && r.at >= baseline.at) {
      for (const u of baseline.users) known.add(u);
      baselineApplied = true;
    }
    const trusted = ctx.trusted.get(r.principal);
    requests.push({
      at: iso(r.at), broker: r.broker, principal: r.principal, clientId: r.clientId, host: r.host, request: r.request,
      outcome: outcomeOf(r.items), what: r.items.map(itemText), source: r.source, ...(trusted ? { trusted } : {}),
    });
    // A trusted principal's changes are listed with the requests, not as possible backdoors.
    const found = (kind: FindingKind, says: string, target: AdminFinding['target'], key: string) => (trusted ? undefined : findings.push({
      kind, says: `${r.principal} ${says}`, by: r.principal, at: iso(r.at), host: r.host, clientId: r.clientId, broker: r.broker, target,
      source: r.source, fingerprint: `${kind}|${key}`, ...followUpOf(kind, kind === 'topic.created' ? r.principal : target.principal, ctx.trusted),
    }));
    for (const item of r.items) {
      if (item.error !== 0) continue;
      switch (item.op) {
        case 'acl.create':
          explained.acls.add(aclKeyOf(item.binding));
          if (item.binding.permission === 'allow') found('acl.granted', `granted ${aclText(item.binding)}`, { principal: item.binding.principal }, aclKeyOf(item.binding));
          break;
        case 'acl.delete':
          for (const b of item.deleted.filter((d) => d.permission === 'deny')) {
            found('deny.removed', `deleted ${aclText(b)}`, { principal: b.principal }, `${aclKeyOf(b)}|${iso(r.at)}`);
          }
          break;
        case 'scram.upsert': {
          const user = `User:${item.user}`;
          explained.users.add(item.user);
          if (known.has(item.user)) found('scram.reset', `set a new ${item.mechanism} password for the existing user ${item.user}`, { principal: user }, `${item.user}|${iso(r.at)}`);
          else if (baselineApplied) found('scram.created', `created SCRAM user ${item.user} (${item.mechanism})`, { principal: user }, item.user);
          else found('scram.set', `set a ${item.mechanism} password for ${item.user} (no baseline taken before it tells whether the user existed)`, { principal: user }, `${item.user}|${iso(r.at)}`);
          known.add(item.user);
          break;
        }
        case 'token.create': {
          if (item.token) tokens.set(item.token, { tokenId: item.tokenId, owner: item.owner });
          if (item.tokenId) explained.tokens.add(item.tokenId);
          const expires = item.expiresAt === undefined ? '' : `, valid until ${iso(item.expiresAt)}`;
          found('token.created', `created delegation token ${item.tokenId ?? '(id not logged)'} that authenticates as ${item.owner}${expires}`,
            { principal: item.owner, ...(item.tokenId ? { tokenId: item.tokenId } : {}) }, item.tokenId ?? item.token ?? iso(r.at));
          break;
        }
        case 'token.renew': {
          const created = item.token ? tokens.get(item.token) : undefined;
          if (created?.tokenId) explained.renewed.add(created.tokenId);
          const owner = created?.owner ?? r.principal;
          const until = item.expiresAt === undefined ? '' : ` until ${iso(item.expiresAt)}`;
          found('token.renewed', `renewed delegation token ${created?.tokenId ?? '(created before the records)'}${created ? ` of ${created.owner}` : ''}${until}`,
            { principal: owner, ...(created?.tokenId ? { tokenId: created.tokenId } : {}) }, `${created?.tokenId ?? item.token ?? r.principal}|${item.expiresAt ?? iso(r.at)}`);
          break;
        }
        case 'token.expire': {
          const created = item.token ? tokens.get(item.token) : undefined;
          // An expired token opens nothing any more: its findings stay, their follow-up is not needed.
          for (const f of findings) {
            if (created?.tokenId === undefined || f.target.tokenId !== created.tokenId || !f.followUp) continue;
            f.followUp = null;
            f.why = `${r.principal} expired it at ${iso(r.at)}`;
          }
          break;
        }
        case 'topic.create':
          explained.topics.add(item.topic);
          found('topic.created', `created topic ${item.topic}`, { topic: item.topic }, item.topic);
          break;
        default:
          break;
      }
    }
  }
  if (ctx.diff) findings.push(...unexplained(ctx.diff, explained, ctx.trusted, ctx.withRecords ?? false));
  return { requests, findings };
}

/** Additions the baseline diff shows that no request of the records explains: who made them is unknown. */
function unexplained(
  diff: BaselineDiff, explained: Record<'users' | 'acls' | 'tokens' | 'renewed' | 'topics', Set<string>>, trusted: AuditContext['trusted'], withRecords: boolean,
): AdminFinding[] {
  const since = `since the baseline of ${diff.baselineTakenAt ?? diff.baseline}${withRecords ? ', and no request in the records explains it' : ''}`;
  const listed = { followUp: null, why: 'no request in the records explains it (made before they reach back, or by a path they miss): who made it is unknown, look at it by hand' };
  const found = (kind: FindingKind, says: string, target: AdminFinding['target'], key: string): AdminFinding => ({
    kind, says: `${says} ${since}`, by: null, at: null, host: null, clientId: null, broker: null, target, source: `baseline ${diff.baseline}`,
    fingerprint: `${kind}|${key}`, ...(withRecords ? listed : followUpOf(kind, target.principal, trusted)),
  });
  return [
    ...diff.added.scramUsers.filter((u) => !explained.users.has(u.user))
      .map((u) => found('scram.created', `SCRAM user ${u.user} (${u.mechanisms.join(', ')}) appeared`, { principal: `User:${u.user}` }, u.user)),
    ...diff.added.acls.filter((b) => b.permission === 'allow' && !explained.acls.has(aclKeyOf(b)))
      .map((b) => found('acl.granted', `${aclText(b)} appeared`, { principal: b.principal }, aclKeyOf(b))),
    ...diff.added.tokens.filter((t) => !explained.tokens.has(t.tokenId))
      .map((t) => found('token.created', `delegation token ${t.tokenId} of ${t.owner} (valid until ${t.expiresAt}) appeared`, { principal: t.owner, tokenId: t.tokenId }, t.tokenId)),
    ...diff.changed.tokens.filter((c) => c.after.expiresAt > c.before.expiresAt && !explained.renewed.has(c.after.tokenId))
      .map((c) => found('token.renewed', `delegation token ${c.after.tokenId} of ${c.after.owner} was renewed until ${c.after.expiresAt}`,
        { principal: c.after.owner, tokenId: c.after.tokenId }, `${c.after.tokenId}|${Date.parse(c.after.expiresAt)}`)),
    ...[...diff.added.topics, ...diff.changed.topics.map((c) => c.after)].filter((t) => !explained.topics.has(t.name))
      .map((t) => found('topic.created', `topic ${t.name} appeared`, { topic: t.name }, t.name)),
  ];
}
