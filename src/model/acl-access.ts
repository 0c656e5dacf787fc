// What ACL bindings grant one principal on one resource, by Kafka's rules: a matching DENY beats any ALLOW.
import type { AclBinding, AclOperation, AclResourceType } from './acl.js';

export type Access = 'allowed' | 'denied' | 'none';

function matchesResource(b: AclBinding, resourceType: AclResourceType, name: string): boolean {
  if (b.resourceType !== resourceType) return false;
  if (b.patternType === 'prefixed') return name.startsWith(b.resourceName);
  return b.resourceName === '*' || b.resourceName === name;
}

/**
 * Access of `principal` to `operation` on a resource, from bindings of the principal and of `User:*`.
 * Host-restricted bindings: an ALLOW from any host grants (the principal can connect from there); a DENY only
 * counts when it covers every host ("*"), because one host's DENY leaves the others open.
 */
export function accessOf(
  bindings: AclBinding[], principal: string, resourceType: AclResourceType, name: string, operation: AclOperation,
): Access {
  const relevant = bindings.filter((b) =>
    (b.principal === principal || b.principal === 'User:*')
    && (b.operation === operation || b.operation === 'all')
    && matchesResource(b, resourceType, name));
  if (relevant.some((b) => b.permission === 'deny' && b.host === '*')) return 'denied';
  return relevant.some((b) => b.permission === 'allow') ? 'allowed' : 'none';
}
