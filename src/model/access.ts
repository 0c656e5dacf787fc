// Effective access: one broker's verdict for a principal (DENY wins, wildcard and prefixed patterns, super users, allow-everyone), and access to one resource.
import { z } from 'zod';
import { AclResourceType, type AclBinding, type AclOperation } from './acl.js';
import { compareBindings, patternCovers, patternMatches } from './acl-pattern.js';

export const AccessVerdict = z.enum(['denied', 'allowed']);
export type AccessVerdict = z.infer<typeof AccessVerdict>;

export interface BrokerAclView {
  /** Bindings of the principal and of the wildcard principal User:*. */
  bindings: AclBinding[];
  superUsers: string[];
  allowEveryoneIfNoAclFound: boolean;
  /** Resource types with any ACL (of anyone) on the literal "*": with allow-everyone on, those resources are no longer open. */
  wildcardTypesWithAcls: AclBinding['resourceType'][];
}

export interface AccessEvaluation { verdict: AccessVerdict; denyBindings: AclBinding[]; reason: string }

const TYPES = AclResourceType.options;

/**
 * `host` '*' asks "denied from every host": only DENYs from host '*' count, while an ALLOW from any host is access.
 * A resource type is closed when a DENY ALL on its "*" applies, or when no ALLOW survives the DENYs and
 * nothing is open to everyone. "denied" means every resource type is closed.
 */
export function evaluateAccess(principal: string, view: BrokerAclView, host = '*'): AccessEvaluation {
  const applies = (b: AclBinding) => (b.principal === principal || b.principal === 'User:*')
    && (b.permission === 'allow' ? host === '*' || b.host === '*' || b.host === host : b.host === '*' || b.host === host);
  const relevant = view.bindings.filter(applies);
  const denies = relevant.filter((b) => b.permission === 'deny');
  const denyBindings = [...denies].sort(compareBindings);
  if (view.superUsers.includes(principal)) {
    return { verdict: 'allowed', denyBindings, reason: `${principal} is a super user: ACLs do not apply to it` };
  }
  const overridden = (allow: AclBinding) => denies.some((d) =>
    (d.operation === 'all' || d.operation === allow.operation) && (d.host === '*' || d.host === allow.host) && patternCovers(d, allow));
  const open = TYPES.filter((type) => {
    const fullyDenied = denies.some((d) => d.resourceType === type && d.operation === 'all' && d.patternType === 'literal' && d.resourceName === '*');
    if (fullyDenied) return false;
    if (relevant.some((b) => b.permission === 'allow' && b.resourceType === type && !overridden(b))) return true;
    return view.allowEveryoneIfNoAclFound && !view.wildcardTypesWithAcls.includes(type);
  });
  return open.length
    ? { verdict: 'allowed', denyBindings, reason: `${principal} still has access to: ${open.join(', ')}` }
    : { verdict: 'denied', denyBindings, reason: `${principal} is denied on every resource type` };
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
