import { describe, expect, it } from 'vitest';
import { AccessDetector } from '../../../../src/model/access-detections.js';
import type { AccessRecord } from '../../../../src/model/access-records.js';
import { DetectionSettings } from '../../../../src/model/detection-settings.js';

const T0 = Date.parse('2026-12-07T10:00:00Z');
const base = { broker: 1, source: 'kafka-request.log:1', connection: 'c' };
const fetch = (principal: string, topic: string, at: number, over: { host?: string; clientId?: string; bytes?: number } = {}): AccessRecord => ({
  kind: 'fetch', ...base, at, principal, clientId: over.clientId ?? 'app', host: over.host ?? '10.0.0.1', forgotten: [],
  partitions: [{ topic, partition: 0, fetchOffset: 0, response: { error: 0, highWatermark: 10, bytes: over.bytes ?? 100 } }],
});
const authz = (principal: string, allowed: boolean, at: number): AccessRecord => ({
  kind: 'authorization', ...base, at, principal, allowed, operation: 'READ', host: '10.0.0.9', resource: 'Topic:LITERAL:payments',
  resourceType: 'Topic', resourceName: 'payments', request: 'Fetch',
});
const admin = (principal: string, at: number, items: Extract<AccessRecord, { kind: 'admin' }>['items']): AccessRecord => ({
  kind: 'admin', ...base, at, principal, clientId: 'adm', host: '10.0.0.7', request: 'CreateAcls', items,
});
const acl = (over: Partial<{ principal: string; operation: string; resourceName: string; permission: string }>) => ({
  op: 'acl.create' as const, error: 0,
  binding: { resourceType: 'topic', resourceName: 'orders', patternType: 'literal', principal: 'User:bob', host: '*', operation: 'read', permission: 'allow', ...over },
});

function detector(settings: unknown = {}, trusted: string[] = ['User:kafka-ir']) {
  return new AccessDetector(DetectionSettings.parse(settings), {
    classificationOf: (t) => (t.startsWith('customers-') ? 'pii' : undefined), trusted: new Set(trusted), scramUsers: ['alice'], topicNames: new Map([['Q7id', 'customers-eu']]),
  });
}

describe('classified-first-read', () => {
  it('raises data-exfiltration the first time a principal is delivered a classified topic, once', () => {
    const d = detector();
    d.learn(fetch('User:alice', 'customers-us', T0));
    const found = d.inspect(fetch('User:alice', 'customers-eu', T0 + 1000));
    expect(found.map((f) => f.alert)).toEqual([expect.objectContaining({
      kind: 'data-exfiltration', severity: 'high', source: 'kafka-ir detection classified-first-read',
      subject: { principal: 'User:alice', host: '10.0.0.1', clientId: 'app', topics: ['customers-eu'] },
      fingerprint: 'detection|classified-first-read|User:alice|customers-eu',
      labels: expect.objectContaining({ 'kafka-ir.detection': 'classified-first-read', 'kafka-ir.record': 'kafka-request.log:1' }),
    })]);
    expect(found[0]!.alert.summary).toContain('classified pii');
    expect(d.inspect(fetch('User:alice', 'customers-eu', T0 + 2000))).toEqual([]);
  });

  it('does not raise for a topic read in the baseline, an unclassified topic, an empty fetch, or the engine itself', () => {
    const d = detector();
    d.learn(fetch('User:alice', 'customers-us', T0));
    expect(d.inspect(fetch('User:alice', 'customers-us', T0 + 1))).toEqual([]);
    expect(d.inspect(fetch('User:alice', 'clicks', T0 + 2))).toEqual([]);
    expect(d.inspect(fetch('User:alice', 'customers-eu', T0 + 3, { bytes: 0 }))).toEqual([]);
    expect(d.inspect(fetch('User:kafka-ir', 'customers-eu', T0 + 4))).toEqual([]);
  });

  it('resolves topic ids (Fetch v13+) through metadata and the records\' CreateTopics lines', () => {
    const d = detector({ rules: { newReadSource: { enabled: false } } });
    const byId = (id: string): AccessRecord => ({ ...fetch('User:bob', 'x', T0), partitions: [{ topicId: id, partition: 0, response: { error: 0, highWatermark: 1, bytes: 5 } }] } as AccessRecord);
    expect(d.inspect(byId('Q7id')).map((f) => f.alert.subject.topics)).toEqual([['customers-eu']]);
    expect(d.unresolved(byId('NEWid'))).toEqual(['NEWid']);
    d.inspect({ kind: 'topicIds', ...base, at: T0, principal: 'User:admin', topics: [{ name: 'customers-new', topicId: 'NEWid', deleted: false }] });
    expect(d.inspect(byId('NEWid')).map((f) => f.alert.subject.topics)).toEqual([['customers-new']]);
  });
});

describe('new-read-source', () => {
  it('raises compromised-credentials when a known principal reads from a new host or with a new client id', () => {
    const d = detector();
    d.learn(fetch('User:alice', 'orders', T0));
    const found = d.inspect(fetch('User:alice', 'orders', T0 + 1, { host: '203.0.113.9', clientId: 'kcat' }));
    expect(found.map((f) => [f.alert.kind, f.alert.fingerprint])).toEqual([
      ['compromised-credentials', 'detection|new-read-source|User:alice|host:203.0.113.9'],
      ['compromised-credentials', 'detection|new-read-source|User:alice|client:kcat'],
    ]);
    expect(d.inspect(fetch('User:alice', 'orders', T0 + 2, { host: '203.0.113.9', clientId: 'kcat' }))).toEqual([]);
  });

  it('says nothing of a principal with no history, and forgets sources older than the baseline window', () => {
    const d = detector({ baselineWindow: '1h' });
    expect(d.inspect(fetch('User:new', 'orders', T0))).toEqual([]);
    d.prune(T0 + 2 * 3600_000);
    expect(d.inspect(fetch('User:new', 'orders', T0 + 2 * 3600_000, { host: '10.9.9.9' }))).toEqual([]);
  });

  it('can watch client ids only', () => {
    const d = detector({ rules: { newReadSource: { hosts: false } } });
    d.learn(fetch('User:alice', 'orders', T0));
    expect(d.inspect(fetch('User:alice', 'orders', T0 + 1, { host: '10.9.9.9' }))).toEqual([]);
  });
});

describe('security-change', () => {
  it('raises unauthorized-access for a new SCRAM user and for ALLOW … ALL or wildcard bindings, naming whom they serve', () => {
    const d = detector();
    const found = d.inspect(admin('User:mallory', T0, [
      { op: 'scram.upsert', user: 'svc-backup', mechanism: 'SCRAM-SHA-512', iterations: 4096, error: 0 },
      { op: 'scram.upsert', user: 'alice', mechanism: 'SCRAM-SHA-512', iterations: 4096, error: 0 },
      acl({ operation: 'all' }), acl({ resourceName: '*' }), acl({ principal: 'User:*' }), acl({}), acl({ operation: 'all', permission: 'deny' }),
      { ...acl({ operation: 'all', principal: 'User:eve' }), error: 31 },
    ]));
    expect(found.map((f) => [f.alert.kind, f.alert.subject.principal, f.alert.fingerprint])).toEqual([
      ['unauthorized-access', 'User:svc-backup', 'detection|security-change|scram.created|svc-backup'],
      ['unauthorized-access', 'User:bob', 'detection|security-change|acl.granted|ALLOW User:bob all on topic orders from *'],
      ['unauthorized-access', 'User:bob', 'detection|security-change|acl.granted|ALLOW User:bob read on topic * from *'],
      ['unauthorized-access', 'User:mallory', 'detection|security-change|acl.granted|ALLOW User:* read on topic orders from *'],
    ]);
  });

  it('raises nothing inside a declared change window (for whom it names) or for the engine\'s own changes', () => {
    const windows = [{ from: '2026-12-07T09:00:00Z', to: '2026-12-07T11:00:00Z', principals: ['User:ops'] }];
    const d = detector({ changeWindows: windows });
    const items = [acl({ operation: 'all' })];
    expect(d.inspect(admin('User:ops', T0, items))).toEqual([]);
    expect(d.inspect(admin('User:mallory', T0, items))).toHaveLength(1);
    expect(d.inspect(admin('User:ops', T0 + 2 * 3600_000, items))).toHaveLength(1);
    expect(d.inspect(admin('User:kafka-ir', T0, items))).toEqual([]);
  });
});

describe('denied-then-allowed', () => {
  it('raises unauthorized-access when refusals on a resource are followed by an allowed operation', () => {
    const d = detector({ rules: { deniedThenAllowed: { minDenied: 2, within: '5m' } } });
    expect(d.inspect(authz('User:eve', false, T0))).toEqual([]);
    expect(d.inspect(authz('User:eve', false, T0 + 1000))).toEqual([]);
    const found = d.inspect(authz('User:eve', true, T0 + 2000));
    expect(found.map((f) => f.alert)).toEqual([expect.objectContaining({
      kind: 'unauthorized-access', severity: 'medium', subject: { principal: 'User:eve', host: '10.0.0.9' },
    })]);
    expect(found[0]!.alert.summary).toContain('refused 2 times on Topic:LITERAL:payments');
    expect(d.inspect(authz('User:eve', true, T0 + 3000))).toEqual([]);
  });

  it('does not raise for fewer refusals, refusals older than the window, or when turned off', () => {
    const d = detector({ rules: { deniedThenAllowed: { minDenied: 2, within: '5m' } } });
    d.inspect(authz('User:eve', false, T0));
    expect(d.inspect(authz('User:eve', true, T0 + 1))).toEqual([]);
    d.inspect(authz('User:eve', false, T0));
    d.inspect(authz('User:eve', false, T0 + 1));
    expect(d.inspect(authz('User:eve', true, T0 + 10 * 60_000))).toEqual([]);
    const off = detector({ rules: { deniedThenAllowed: { enabled: false, minDenied: 1 } } });
    off.inspect(authz('User:eve', false, T0));
    expect(off.inspect(authz('User:eve', true, T0 + 1))).toEqual([]);
  });
});

describe('DetectionSettings', () => {
  it('fills every rule with its defaults and refuses a change window that ends before it begins', () => {
    expect(DetectionSettings.parse({}).rules.deniedThenAllowed).toEqual({ enabled: true, severity: 'medium', minDenied: 3, within: '10m' });
    expect(DetectionSettings.safeParse({ changeWindows: [{ from: '2026-12-07T11:00:00Z', to: '2026-12-07T10:00:00Z' }] }).success).toBe(false);
  });
});
