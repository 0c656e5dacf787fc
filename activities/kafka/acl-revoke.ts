// kafka.acl.revoke: plan the deletion of a principal's ALLOW bindings, refusing to open resources to everyone unless forced.
import { describeAcl } from '../../src/model/acl.js';
import { compareBindings, describePattern, patternsLeftWithoutAcls } from '../../src/model/acl-pattern.js';
import type { ActionInput } from '../../src/model/actions.js';
import { KafkaIrError } from '../../src/model/errors.js';
import type { Plan } from '../../src/model/plan.js';
import type { Settings } from '../../src/model/settings.js';
import type { AclChange } from './acl.js';
import { assertNotProtected } from './protected-principals.js';
import { describeBindings } from '../../adapters/kafka/acls.js';
import { authorizerFacts } from '../../adapters/kafka/authorizer.js';
import type { KafkaClient } from '../../adapters/kafka/client.js';
import { hashPlan } from './plan-hash.js';

export async function planRevoke(
  client: KafkaClient, input: ActionInput<'kafka.acl.revoke'>, settings: Pick<Settings, 'protectedPrincipals' | 'authorizer'>,
): Promise<Plan> {
  await assertNotProtected(client, input.principal, settings, 'kafka.acl.revoke');
  const all = await describeBindings(client);
  const revoked = all
    .filter((b) => b.principal === input.principal && b.permission === 'allow')
    .filter((b) => !input.resourceTypes || input.resourceTypes.includes(b.resourceType))
    .sort(compareBindings);
  const notes: string[] = [];
  const opened = patternsLeftWithoutAcls(all, revoked);
  const allowEveryone = opened.length ? (await authorizerFacts(client, settings.authorizer)).allowEveryoneIfNoAclFound : false;
  if (allowEveryone !== false) {
    const effect = `revoking these ALLOWs leaves no ACL on ${opened.map(describePattern).join(', ')}, which opens it to every principal`;
    if (allowEveryone === undefined) {
      notes.push(`allow.everyone.if.no.acl.found is hidden by the brokers and not declared (KAFKA_IR_CONFIG authorizer.allowEveryoneIfNoAclFound); if it is true, ${effect}`);
    } else {
      const warning = `the brokers set allow.everyone.if.no.acl.found=true: ${effect}`;
      if (!input.force) throw new KafkaIrError('UNSAFE_PLAN', warning, `deny ${input.principal} instead (kafka.acl.deny), add an ACL that keeps the resource closed, or set force: true`);
      notes.push(warning);
    }
  }
  const changes: AclChange[] = revoked.map((binding) => ({ op: 'acl.delete', binding }));
  notes.push('only the principal\'s own ALLOWs are deleted: access granted to User:* remains (kafka.acl.deny stops that too); ACL changes apply to the next request of open connections.');
  return {
    action: 'kafka.acl.revoke',
    summary: revoked.length
      ? `delete ${revoked.length} ALLOW binding(s) of ${input.principal}: ${revoked.map(describeAcl).join('; ')}`
      : `${input.principal} has no ALLOW binding${input.resourceTypes ? ` on ${input.resourceTypes.join(', ')}` : ''}: nothing to change`,
    changes,
    inverse: changes.map((c) => ({ op: 'acl.create', binding: c.binding })),
    notes,
    hash: hashPlan('kafka.acl.revoke', changes),
  };
}
