// ACL evaluation by Kafka's rules: literal, prefixed and wildcard resources; DENY beats ALLOW; User:* applies to all.
import { describe, expect, it } from 'vitest';
import type { AclBinding } from '../../../../src/model/acl.js';
import { accessOf } from '../../../../src/model/access.js';

const p = 'User:eve';
const b = (over: Partial<AclBinding>): AclBinding => ({
  resourceType: 'topic', resourceName: 'orders', patternType: 'literal', principal: p, host: '*', operation: 'read', permission: 'allow', ...over,
});

describe('accessOf', () => {
  it('grants through literal, prefixed and wildcard bindings, and not beyond them', () => {
    const acls = [b({}), b({ resourceName: 'pay-', patternType: 'prefixed' }), b({ resourceName: '*', operation: 'write' })];
    expect(accessOf(acls, p, 'topic', 'orders', 'read')).toBe('allowed');
    expect(accessOf(acls, p, 'topic', 'orders-eu', 'read')).toBe('none');
    expect(accessOf(acls, p, 'topic', 'pay-cards', 'read')).toBe('allowed');
    expect(accessOf(acls, p, 'topic', 'anything', 'write')).toBe('allowed');
    expect(accessOf(acls, p, 'topic', 'anything', 'read')).toBe('none');
    expect(accessOf(acls, p, 'group', 'orders', 'read')).toBe('none');
  });

  it('lets a DENY win over any ALLOW, and ALL cover read and write', () => {
    const acls = [b({ resourceName: 'pay-', patternType: 'prefixed', operation: 'all' }), b({ resourceName: 'pay-cards', permission: 'deny' })];
    expect(accessOf(acls, p, 'topic', 'pay-cards', 'read')).toBe('denied');
    expect(accessOf(acls, p, 'topic', 'pay-cards', 'write')).toBe('allowed');
    expect(accessOf(acls, p, 'topic', 'pay-eu', 'read')).toBe('allowed');
  });

  it('applies User:* bindings, ignores other principals, and counts a one-host DENY as leaving other hosts open', () => {
    const acls = [b({ principal: 'User:*' }), b({ principal: 'User:bob', resourceName: 'secrets' }), b({ permission: 'deny', host: '10.0.0.9' })];
    expect(accessOf(acls, p, 'topic', 'orders', 'read')).toBe('allowed');
    expect(accessOf(acls, p, 'topic', 'secrets', 'read')).toBe('none');
  });
});
