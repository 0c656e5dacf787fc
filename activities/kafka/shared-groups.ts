// Which of a principal's consumer groups other principals may use too: their offsets cannot be charged to it.
import { accessOf } from '../../src/model/access.js';
import type { AclBinding } from '../../src/model/acl.js';

/**
 * Per group, the other principals whose ACLs allow READ on it ("User:*" when everyone may). Super users reach every
 * group and are left out: counting them would make every group shared.
 */
export function groupSharing(bindings: AclBinding[], principal: string, groups: string[], superUsers: string[]): Map<string, string[]> {
  const onGroups = bindings.filter((b) => b.resourceType === 'group');
  const others = [...new Set(onGroups.map((b) => b.principal))].filter((p) => p !== principal && !superUsers.includes(p)).sort();
  return new Map(groups.map((group) => {
    if (accessOf(onGroups.filter((b) => b.principal === 'User:*'), 'User:*', 'group', group, 'read') === 'allowed') return [group, ['User:*']];
    return [group, others.filter((p) => p !== 'User:*' && accessOf(onGroups, p, 'group', group, 'read') === 'allowed')];
  }));
}
