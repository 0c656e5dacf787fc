// One request judged as Kafka's StandardAuthorizer judges it: implied operations, DENY precedence, hosts, and the no-ACL default.
import { describe, expect, it } from 'vitest';
import type { AclBinding } from '../../../../src/model/acl.js';
import { authorize, type AccessRequest, type AuthorizerView } from '../../../../src/model/authorize.js';

const P = 'User:mallory';
const b = (over: Partial<AclBinding>): AclBinding => ({
  resourceType: 'topic', resourceName: 'orders', patternType: 'literal', principal: P, host: '*', operation: 'read', permission: 'allow', ...over,
});
const view = (bindings: AclBinding[], over: Partial<AuthorizerView> = {}): AuthorizerView => ({ bindings, superUsers: [], allowEveryoneIfNoAclFound: false, ...over });
const ask = (over: Partial<AccessRequest> = {}): AccessRequest => ({ principal: P, host: '10.0.0.1', resourceType: 'topic', name: 'orders', operation: 'read', ...over });

describe('authorize', () => {
  it('an ALLOW of READ, WRITE, DELETE or ALTER grants DESCRIBE, and ALTER_CONFIGS grants DESCRIBE_CONFIGS; nothing else is implied', () => {
    for (const operation of ['read', 'write', 'delete', 'alter'] as const) {
      expect(authorize(view([b({ operation })]), ask({ operation: 'describe' }))).toBe('allowed');
    }
    expect(authorize(view([b({ operation: 'alter-configs' })]), ask({ operation: 'describe-configs' }))).toBe('allowed');
    expect(authorize(view([b({ operation: 'describe' })]), ask({ operation: 'read' }))).toBe('denied');
    expect(authorize(view([b({ operation: 'write' })]), ask({ operation: 'read' }))).toBe('denied');
  });

  it('a DENY applies to ALL or exactly its operation, and wins over any ALLOW', () => {
    const allowAll = b({ operation: 'all' });
    expect(authorize(view([allowAll, b({ permission: 'deny' })]), ask())).toBe('denied');
    expect(authorize(view([allowAll, b({ permission: 'deny' })]), ask({ operation: 'describe' }))).toBe('allowed');
    expect(authorize(view([allowAll, b({ permission: 'deny', operation: 'all', resourceName: 'ord', patternType: 'prefixed' })]), ask({ operation: 'describe' }))).toBe('denied');
  });

  it('bindings match by principal or User:*, and by host or "*"', () => {
    expect(authorize(view([b({ principal: 'User:*' })]), ask())).toBe('allowed');
    expect(authorize(view([b({ principal: 'User:bob' })]), ask())).toBe('denied');
    expect(authorize(view([b({ host: '10.0.0.1' })]), ask())).toBe('allowed');
    expect(authorize(view([b({ host: '10.0.0.2' })]), ask())).toBe('denied');
    expect(authorize(view([b({}), b({ permission: 'deny', host: '10.0.0.2' })]), ask())).toBe('allowed');
  });

  it('allow.everyone.if.no.acl.found opens only a resource no ACL of anyone matches', () => {
    const open = { allowEveryoneIfNoAclFound: true };
    expect(authorize(view([], open), ask())).toBe('allowed');
    expect(authorize(view([b({ principal: 'User:bob', operation: 'write' })], open), ask())).toBe('denied');
    expect(authorize(view([b({ principal: 'User:bob', resourceName: 'payments' })], open), ask())).toBe('allowed');
    expect(authorize(view([b({ principal: 'User:bob', resourceName: '*', permission: 'deny' })], open), ask())).toBe('denied');
  });

  it('a super user is allowed whatever the bindings say', () => {
    expect(authorize(view([b({ permission: 'deny', operation: 'all' })], { superUsers: [P] }), ask())).toBe('allowed');
  });
});
