// diffBaselines: what was added, removed or changed between two recorded security states.
import { describe, expect, it } from 'vitest';
import { diffBaselines, type BaselineState } from '../../../../src/model/baseline.js';

const base: BaselineState = {
  takenAt: '2026-01-01T00:00:00.000Z',
  acls: [{ resourceType: 'topic', resourceName: 'orders', patternType: 'literal', principal: 'User:app', host: '*', operation: 'read', permission: 'allow' }],
  scramUsers: [{ user: 'app', mechanisms: ['SCRAM-SHA-512'] }],
  quotas: [{ entity: [{ type: 'user', name: 'app' }], values: { producer_byte_rate: 1024 } }],
  configs: [{ resource: 'broker', name: '1', key: 'max.connections', value: '100' }],
};

describe('diffBaselines', () => {
  it('finds nothing between equal states, whatever the order of mechanisms and quota keys', () => {
    const same: BaselineState = {
      ...base, takenAt: '2026-01-02T00:00:00.000Z',
      scramUsers: [{ user: 'app', mechanisms: ['SCRAM-SHA-512'] }],
      quotas: [{ entity: [{ type: 'user', name: 'app' }], values: { producer_byte_rate: 1024 } }],
    };
    expect(diffBaselines('ref', base, same)).toEqual({
      baseline: 'ref',
      baselineTakenAt: base.takenAt,
      added: { acls: [], scramUsers: [], quotas: [], configs: [], tokens: [], topics: [], groups: [] },
      removed: { acls: [], scramUsers: [], quotas: [], configs: [], tokens: [], topics: [], groups: [] },
      changed: { scramUsers: [], quotas: [], configs: [], tokens: [], topics: [] },
      notes: ['the baseline predates recording delegation tokens, topics, consumer groups: not compared'],
    });
  });

  it('reports a backdoor as added, a revoked binding as removed, and new values as changed', () => {
    const backdoor = { resourceType: 'cluster', resourceName: 'kafka-cluster', patternType: 'literal', principal: 'User:eve', host: '*', operation: 'all', permission: 'allow' } as const;
    const now: BaselineState = {
      takenAt: '2026-01-02T00:00:00.000Z',
      acls: [backdoor],
      scramUsers: [{ user: 'app', mechanisms: ['SCRAM-SHA-256', 'SCRAM-SHA-512'] }, { user: 'eve', mechanisms: ['SCRAM-SHA-512'] }],
      quotas: [{ entity: [{ type: 'user', name: 'app' }], values: { producer_byte_rate: 1_000_000 } }],
      configs: [{ resource: 'broker', name: '1', key: 'max.connections', value: '100' }, { resource: 'topic', name: 'orders', key: 'retention.ms', value: '1' }],
    };
    const d = diffBaselines('ref', base, now);
    const unrecorded = { tokens: [], topics: [], groups: [] };
    expect(d.added).toEqual({ acls: [backdoor], scramUsers: [{ user: 'eve', mechanisms: ['SCRAM-SHA-512'] }], quotas: [], configs: [now.configs[1]], ...unrecorded });
    expect(d.removed).toEqual({ acls: base.acls, scramUsers: [], quotas: [], configs: [], ...unrecorded });
    expect(d.changed.scramUsers).toEqual([{ before: base.scramUsers[0], after: now.scramUsers[0] }]);
    expect(d.changed.quotas).toEqual([{ before: base.quotas[0], after: now.quotas[0] }]);
    expect(d.changed.configs).toEqual([]);
  });
});

describe('diffBaselines on delegation tokens, topics and groups', () => {
  const token = { tokenId: 'uuqsDP6DT_iFA3-WjMiTtQ', owner: 'User:mallet', requester: 'User:mallet', renewers: ['User:mallet'], issuedAt: '2026-01-02T00:00:00.000Z', expiresAt: '2026-01-03T00:00:00.000Z' };
  const before: BaselineState = { ...base, tokens: [], topics: [{ name: 'orders', topicId: 'A1' }, { name: 'ledger', topicId: 'B1' }], groups: ['app'] };

  it('lists a new token, a renewed one, a new topic, a topic made again under its name, and new or gone groups', () => {
    const later: BaselineState = { ...before, takenAt: '2026-01-02T00:00:00.000Z', tokens: [token], topics: [{ name: 'orders', topicId: 'A1' }, { name: 'ledger', topicId: 'B2' }, { name: 'staging', topicId: 'C1' }], groups: ['thief'] };
    const d = diffBaselines('ref', before, later, ['compared with the last baseline taken before 2026-01-01T12:00:00.000Z']);
    expect(d.added).toMatchObject({ tokens: [token], topics: [{ name: 'staging', topicId: 'C1' }], groups: ['thief'] });
    expect(d.removed).toMatchObject({ tokens: [], topics: [], groups: ['app'] });
    expect(d.changed.topics).toEqual([{ before: { name: 'ledger', topicId: 'B1' }, after: { name: 'ledger', topicId: 'B2' } }]);
    expect(d.notes).toEqual(['compared with the last baseline taken before 2026-01-01T12:00:00.000Z']);

    const renewed = { ...later, tokens: [{ ...token, expiresAt: '2026-01-04T00:00:00.000Z' }] };
    expect(diffBaselines('ref2', later, renewed).changed.tokens).toEqual([{ before: token, after: renewed.tokens[0] }]);
  });

  it('says what it cannot compare against a baseline recorded before tokens, topics and groups were, rather than calling all of them new', () => {
    const d = diffBaselines('ref', base, { ...before, tokens: [token] });
    expect(d.added).toMatchObject({ tokens: [], topics: [], groups: [] });
    expect(d.notes).toEqual(['the baseline predates recording delegation tokens, topics, consumer groups: not compared']);
  });
});
