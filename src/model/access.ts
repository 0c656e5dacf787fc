// A principal's verdict on one broker: every resource it could name and every operation, judged as the StandardAuthorizer would; and one resource's access.
import { z } from 'zod';
import { AclResourceType, type AclBinding, type AclOperation } from './acl.js';
import { compareBindings, patternMatches } from './acl-pattern.js';
import { authorize, CLUSTER_NAME, OPERATIONS_OF, type AuthorizerView } from './authorize.js';

export const AccessVerdict = z.enum(['denied', 'allowed']);
export type AccessVerdict = z.infer<typeof AccessVerdict>;

/** What one broker holds for the principal (authorize.ts says which bindings it must include). */
export type BrokerAclView = AuthorizerView;

export interface AccessEvaluation { verdict: AccessVerdict; denyBindings: AclBinding[]; reason: string }

/** A host no binding names: "from anywhere else". */
const OTHER_HOST = '';
/** A name no literal or prefixed binding names: only bindings on "*" match it. Kafka refuses empty prefixes. */
const UNNAMED = '\u0000';
/** Suffixes tried to name a resource under a prefix that is neither a literal name nor under a longer prefix. */
const SUFFIXES = ['', '-', '_', '.', 'x', '0'];

interface Sample { name: string; label: string }

/**
 * Names that stand for every name of the type: the authorizer's answer depends only on which patterns match a
 * name, so one name per combination the principal's bindings can produce is enough. The cluster has one name.
 */
function samples(type: AclResourceType, relevant: AclBinding[]): Sample[] {
  if (type === 'cluster') return [{ name: CLUSTER_NAME, label: `the cluster (${CLUSTER_NAME})` }];
  const ofType = relevant.filter((b) => b.resourceType === type);
  const literals = new Set(ofType.filter((b) => b.patternType === 'literal' && b.resourceName !== '*').map((b) => b.resourceName));
  const prefixes = [...new Set(ofType.filter((b) => b.patternType === 'prefixed').map((b) => b.resourceName))];
  const out: Sample[] = [...literals].map((name) => ({ name, label: `${type} "${name}"` }));
  for (const p of prefixes) {
    const name = SUFFIXES.map((s) => p + s).find((n) => !literals.has(n) && !prefixes.some((q) => q.length > p.length && n.startsWith(q)));
    if (name !== undefined) out.push({ name, label: `${type}s prefixed "${p}"` });
  }
  out.push({ name: UNNAMED, label: `any ${type} no ACL names` });
  return out;
}

/**
 * `host` '*' asks "denied from every host": each host a binding names is tried, and so is any other host. "denied"
 * means the broker refuses every operation on every resource of every type; otherwise the reason names what is open.
 */
export function evaluateAccess(principal: string, view: BrokerAclView, host = '*'): AccessEvaluation {
  const relevant = view.bindings.filter((b) => b.principal === principal || b.principal === 'User:*');
  const denyBindings = relevant
    .filter((b) => b.permission === 'deny' && (b.host === '*' || (host !== '*' && b.host === host)))
    .sort(compareBindings);
  if (view.superUsers.includes(principal)) {
    return { verdict: 'allowed', denyBindings, reason: `${principal} is a super user: ACLs do not apply to it` };
  }
  const hosts = host === '*' ? [OTHER_HOST, ...new Set(relevant.map((b) => b.host).filter((h) => h !== '*'))] : [host];
  const open: string[] = [];
  for (const resourceType of AclResourceType.options) {
    for (const sample of samples(resourceType, relevant)) {
      const operations = OPERATIONS_OF[resourceType].filter((operation) =>
        hosts.some((h) => authorize(view, { principal, host: h, resourceType, name: sample.name, operation }) === 'allowed'));
      const byDefault = sample.name === UNNAMED && operations.length ? ', as allow.everyone.if.no.acl.found lets anyone' : '';
      if (operations.length) open.push(`${sample.label} (${operations.join(', ')}${byDefault})`);
    }
  }
  return open.length
    ? { verdict: 'allowed', denyBindings, reason: `${principal} still has access to: ${open.join('; ')}` }
    : { verdict: 'denied', denyBindings, reason: `${principal} is denied every operation on every resource type` };
}

/** One verdict over all brokers: they agree, or it is "mixed" (metadata still propagating, or a broker out of step). */
export function overallVerdict(verdicts: AccessVerdict[]): AccessVerdict | 'mixed' {
  const distinct = [...new Set(verdicts)];
  return distinct.length === 1 ? distinct[0]! : 'mixed';
}

export type Access = 'allowed' | 'denied' | 'none';

/**
 * Access of `principal` to `operation` on one resource, from bindings of the principal and of `User:*`.
 * Host-restricted bindings: an ALLOW from any host grants (the principal can connect from there); a DENY only
 * counts when it covers every host ("*"), because one host's DENY leaves the others open.
 */
export function accessOf(
  bindings: AclBinding[], principal: string, resourceType: AclResourceType, name: string, operation: AclOperation,
): Access {
  const relevant = bindings.filter((b) =>
    (b.principal === principal || b.principal === 'User:*')
    && (b.operation === operation || b.operation === 'all')
    && patternMatches(b, resourceType, name));
  if (relevant.some((b) => b.permission === 'deny' && b.host === '*')) return 'denied';
  return relevant.some((b) => b.permission === 'allow') ? 'allowed' : 'none';
}
