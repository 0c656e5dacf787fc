// Which resources an ACL pattern matches (KIP-290): literal names, the literal "*" wildcard, and prefixes.
import { aclKey, type AclBinding } from './acl.js';

type Pattern = Pick<AclBinding, 'resourceType' | 'patternType' | 'resourceName'>;

export function patternKey(p: Pattern): string {
  return `${p.resourceType}:${p.patternType}:${p.resourceName}`;
}

export function describePattern(p: Pattern): string {
  if (p.patternType === 'prefixed') return `${p.resourceType} prefix "${p.resourceName}"`;
  return p.resourceName === '*' ? `every ${p.resourceType} ("*")` : `${p.resourceType} "${p.resourceName}"`;
}

/** True when the pattern matches one concrete resource (a literal name, the literal "*", or a prefix of the name). */
export function patternMatches(p: Pattern, resourceType: AclBinding['resourceType'], name: string): boolean {
  if (p.resourceType !== resourceType) return false;
  if (p.patternType === 'prefixed') return name.startsWith(p.resourceName);
  return p.resourceName === '*' || p.resourceName === name;
}

/** True when every resource `inner` matches is also matched by `outer`, so an ACL on `outer` still applies there. */
export function patternCovers(outer: Pattern, inner: Pattern): boolean {
  if (outer.resourceType !== inner.resourceType) return false;
  if (outer.patternType === 'literal' && outer.resourceName === '*') return true;
  if (outer.patternType === 'prefixed') return inner.resourceName.startsWith(outer.resourceName) && !(inner.patternType === 'literal' && inner.resourceName === '*');
  return inner.patternType === 'literal' && inner.resourceName === outer.resourceName;
}

/** A total order for snapshots, so two reads of the same ACLs compare equal whatever order brokers return them in. */
export function compareBindings(a: AclBinding, b: AclBinding): number {
  const ka = [a.resourceType, a.patternType, a.resourceName, a.principal, a.host, a.operation, a.permission];
  const kb = [b.resourceType, b.patternType, b.resourceName, b.principal, b.host, b.operation, b.permission];
  for (let i = 0; i < ka.length; i++) {
    if (ka[i]! < kb[i]!) return -1;
    if (ka[i]! > kb[i]!) return 1;
  }
  return 0;
}

/**
 * Resource patterns that no ACL would match after `removed` are gone (StandardAuthorizer: a resource with no
 * matching ACL falls back to allow.everyone.if.no.acl.found). A remaining ACL counts when its pattern covers
 * the whole removed pattern: the same pattern, the type's "*", or a shorter prefix.
 */
export function patternsLeftWithoutAcls(all: AclBinding[], removed: AclBinding[]): AclBinding[] {
  const gone = new Set(removed.map(aclKey));
  const remaining = all.filter((b) => !gone.has(aclKey(b)));
  const byPattern = new Map(removed.map((b) => [patternKey(b), b]));
  return [...byPattern.values()].filter((p) => !remaining.some((r) => patternCovers(r, p))).sort(compareBindings);
}
