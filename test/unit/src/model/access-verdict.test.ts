// Effective access and pattern coverage: DENY precedence, wildcards, prefixes, super users, allow-everyone, hosts.
import { describe, expect, it } from 'vitest';
import type { AclBinding } from '../../../../src/model/acl.js';
import { evaluateAccess, overallVerdict, type BrokerAclView } from '../../../../src/model/access.js';
import { patternCovers, patternsLeftWithoutAcls } from '../../../../src/model/acl-pattern.js';

const P = 'User:mallory';
const b = (over: Partial<AclBinding>): AclBinding => ({
  resourceType: 'topic', resourceName: 'orders', patternType: 'literal', principal: P, host: '*', operation: 'read', permission: 'allow', ...over,
});
const denyAll = (host = '*') => (['topic', 'group', 'transactional-id', 'cluster'] as const).map((resourceType) =>
  b({ resourceType, resourceName: resourceType === 'cluster' ? 'kafka-cluster' : '*', operation: 'all', permission: 'deny', host }));
const view = (bindings: AclBinding[], over: Partial<BrokerAclView> = {}): BrokerAclView =>
  ({ bindings, superUsers: [], allowEveryoneIfNoAclFound: false, ...over });

describe('evaluateAccess', () => {
  it('allowed with an ALLOW, denied once DENY ALL covers every resource type (DENY wins)', () => {
    expect(evaluateAccess(P, view([b({})])).verdict).toBe('allowed');
    const denied = evaluateAccess(P, view([b({}), ...denyAll()]));
    expect(denied.verdict).toBe('denied');
    expect(denied.denyBindings).toHaveLength(4);
  });

  it('a DENY on one host does not deny "from every host", but does from that host', () => {
    expect(evaluateAccess(P, view([b({}), ...denyAll('10.0.0.1')])).verdict).toBe('allowed');
    expect(evaluateAccess(P, view([b({}), ...denyAll('10.0.0.1')]), '10.0.0.1').verdict).toBe('denied');
  });

  it('DENYs granted to User:* apply; ALLOWs of other principals do not', () => {
    expect(evaluateAccess(P, view([b({}), ...denyAll().map((d) => ({ ...d, principal: 'User:*' }))])).verdict).toBe('denied');
    expect(evaluateAccess(P, view([b({ principal: 'User:bob' })])).verdict).toBe('denied');
  });

  it('a prefixed DENY overrides ALLOWs under its prefix only', () => {
    const deny = b({ resourceName: 'ord', patternType: 'prefixed', operation: 'all', permission: 'deny' });
    expect(evaluateAccess(P, view([b({}), deny])).verdict).toBe('denied');
    expect(evaluateAccess(P, view([b({ resourceName: 'payments' }), deny])).verdict).toBe('allowed');
  });

  it('a super user is allowed whatever its ACLs say', () => {
    expect(evaluateAccess(P, view(denyAll(), { superUsers: [P] })).verdict).toBe('allowed');
  });

  it('with allow-everyone, a resource no ACL matches is open; any ACL on it (of anyone) closes it', () => {
    const open = evaluateAccess(P, view([], { allowEveryoneIfNoAclFound: true }));
    expect(open.verdict).toBe('allowed');
    expect(open.reason).toContain('any topic no ACL names (read, write, create, describe, delete, alter, describe-configs, alter-configs, as allow.everyone.if.no.acl.found lets anyone)');
    expect(open.reason).toContain('the cluster (kafka-cluster) (create,');
    const othersEverywhere = denyAll().map((d) => ({ ...d, principal: 'User:bob', permission: 'allow' as const }));
    expect(evaluateAccess(P, view(othersEverywhere, { allowEveryoneIfNoAclFound: true })).verdict).toBe('denied');
  });

  it('a DENY ALL on kafka-cluster closes the cluster, with allow-everyone on or off (the deny kafka.acl.deny plans)', () => {
    for (const allowEveryoneIfNoAclFound of [true, false]) {
      const cluster = b({ resourceType: 'cluster', resourceName: 'kafka-cluster', operation: 'alter' });
      expect(evaluateAccess(P, view([cluster, ...denyAll()], { allowEveryoneIfNoAclFound })).verdict).toBe('denied');
      const withoutCluster = denyAll().filter((d) => d.resourceType !== 'cluster');
      const open = evaluateAccess(P, view([cluster, ...withoutCluster], { allowEveryoneIfNoAclFound }));
      // The ALLOW is itself an ACL on the cluster, so allow-everyone no longer applies to it.
      expect(open.reason).toBe(`${P} still has access to: the cluster (kafka-cluster) (alter, describe)`);
    }
  });

  it('judges operations as the StandardAuthorizer does: an ALLOW READ implies DESCRIBE, a DENY READ does not deny it', () => {
    const readDenied = evaluateAccess(P, view([b({}), b({ permission: 'deny' })]));
    expect(readDenied.verdict).toBe('allowed');
    expect(readDenied.reason).toBe(`${P} still has access to: topic "orders" (describe)`);
  });

  it('a prefixed DENY under a prefixed ALLOW leaves the rest of the ALLOW open, and names it', () => {
    const allowOrd = b({ resourceName: 'ord', patternType: 'prefixed' });
    const denyOrders = b({ resourceName: 'orders', patternType: 'prefixed', operation: 'all', permission: 'deny' });
    expect(evaluateAccess(P, view([allowOrd, denyOrders])).reason).toBe(`${P} still has access to: topics prefixed "ord" (read, describe)`);
    expect(evaluateAccess(P, view([allowOrd, { ...denyOrders, resourceName: 'or' }])).verdict).toBe('denied');
  });

  it('overall: one verdict when brokers agree, "mixed" when not', () => {
    expect(overallVerdict(['denied', 'denied', 'denied'])).toBe('denied');
    expect(overallVerdict(['denied', 'allowed', 'denied'])).toBe('mixed');
  });
});

describe('patternsLeftWithoutAcls', () => {
  it('names a pattern only when no remaining ACL covers all of it', () => {
    const mine = b({});
    expect(patternsLeftWithoutAcls([mine], [mine])).toEqual([mine]);
    expect(patternsLeftWithoutAcls([mine, b({ principal: 'User:bob' })], [mine])).toEqual([]);
    expect(patternsLeftWithoutAcls([mine, b({ principal: 'User:bob', resourceName: 'ord', patternType: 'prefixed' })], [mine])).toEqual([]);
    expect(patternsLeftWithoutAcls([mine, b({ principal: 'User:bob', resourceName: '*', permission: 'deny' })], [mine])).toEqual([]);
    expect(patternsLeftWithoutAcls([mine, b({ principal: 'User:bob', resourceType: 'group' })], [mine])).toEqual([mine]);
  });

  it('a literal name does not cover a prefix, and a prefix does not cover "*"', () => {
    expect(patternCovers(b({}), b({ resourceName: 'orders', patternType: 'prefixed' }))).toBe(false);
    expect(patternCovers(b({ resourceName: '', patternType: 'prefixed' }), b({ resourceName: '*' }))).toBe(false);
    expect(patternCovers(b({ resourceName: 'or', patternType: 'prefixed' }), b({ resourceName: 'orders', patternType: 'prefixed' }))).toBe(true);
  });
});
