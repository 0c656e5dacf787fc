// diffBaselines: what was added, removed or changed between two recorded security states.
import { describe, expect, it } from 'vitest';
import { diffBaselines, type BaselineState } from '../../src/model/baseline.js';

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
      added: { acls: [], scramUsers: [], quotas: [], configs: [] },
      removed: { acls: [], scramUsers: [], quotas: [], configs: [] },
      changed: { scramUsers: [], quotas: [], configs: [] },
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
    expect(d.added).toEqual({ acls: [backdoor], scramUsers: [{ user: 'eve', mechanisms: ['SCRAM-SHA-512'] }], quotas: [], configs: [now.configs[1]] });
    expect(d.removed).toEqual({ acls: base.acls, scramUsers: [], quotas: [], configs: [] });
    expect(d.changed.scramUsers).toEqual([{ before: base.scramUsers[0], after: now.scramUsers[0] }]);
    expect(d.changed.quotas).toEqual([{ before: base.quotas[0], after: now.quotas[0] }]);
    expect(d.changed.configs).toEqual([]);
  });
});
