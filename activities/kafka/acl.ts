// kafka.acl.snapshot and kafka.acl.deny planning, the containability check, and exact, idempotent application of ACL changes.
import { aclKey, describeAcl, type AclBinding } from '../../src/model/acl.js';
import { KafkaIrError } from '../../src/model/errors.js';
import type { ActionInput, ActionOutput } from '../../src/model/actions.js';
import { compareBindings } from '../../src/model/acl-pattern.js';
import type { Change, Plan } from '../../src/model/plan.js';
import type { Settings } from '../../src/model/settings.js';
import { createAcls, deleteAcls, describeBindings } from '../../adapters/kafka/acls.js';
import type { KafkaClient } from '../../adapters/kafka/client.js';
import { collateralPrincipals, COLLATERAL_CAVEAT } from './collateral.js';
import { authorizerFacts } from '../../adapters/kafka/authorizer.js';
import { hashPlan } from './plan-hash.js';
import { assertNotProtected } from './protected-principals.js';

export type AclChange = Extract<Change, { op: 'acl.create' | 'acl.delete' }>;

/** kafka.acl.snapshot: every binding (or one principal's), in a stable order so snapshots compare equal. */
export async function snapshotAcls(client: KafkaClient, input: ActionInput<'kafka.acl.snapshot'>): Promise<ActionOutput<'kafka.acl.snapshot'>> {
  return { bindings: (await describeBindings(client, input.principal)).sort(compareBindings) };
}

/**
 * docs/design.md §5: with allow.everyone.if.no.acl.found=true a DENY on "*" ends "allow everyone" for every resource.
 * Refused unless forced when the setting is known true; when it is unknown, the plan says who would be hit.
 */
async function allowEveryoneNotes(client: KafkaClient, settings: Pick<Settings, 'authorizer'>, principal: string, force: boolean): Promise<string[]> {
  const facts = await authorizerFacts(client, settings.authorizer);
  if (facts.allowEveryoneIfNoAclFound === false) return [];
  const collateral = await collateralPrincipals(client.settings, await describeBindings(client), facts.superUsers, [principal]);
  const who = collateral.length ? `: ${collateral.join(', ')}` : ' (no SCRAM user is without one)';
  const effect = `a DENY on "*" ends "allow everyone" for every resource, so every principal without an explicit ALLOW loses access too${who}`;
  if (facts.allowEveryoneIfNoAclFound === undefined) {
    return [`allow.everyone.if.no.acl.found is hidden by the brokers and not declared (KAFKA_IR_CONFIG authorizer.allowEveryoneIfNoAclFound); if it is true, ${effect}`];
  }
  const warning = `the brokers set allow.everyone.if.no.acl.found=true: ${effect}`;
  if (!force) throw new KafkaIrError('UNSAFE_PLAN', warning, 'grant explicit ALLOWs to the other principals first, or set force: true');
  return [warning, COLLATERAL_CAVEAT];
}

export async function planDeny(
  client: KafkaClient, input: ActionInput<'kafka.acl.deny'>, settings: Pick<Settings, 'protectedPrincipals' | 'authorizer'>,
): Promise<Plan> {
  await assertNotProtected(client, input.principal, settings, 'kafka.acl.deny');
  const notes = await allowEveryoneNotes(client, settings, input.principal, input.force);
  const wanted: AclBinding[] = (['topic', 'group', 'transactional-id', 'cluster'] as const).map((resourceType) => ({
    resourceType,
    resourceName: resourceType === 'cluster' ? 'kafka-cluster' : '*',
    patternType: 'literal',
    principal: input.principal,
    host: input.host,
    operation: 'all',
    permission: 'deny',
  }));
  const existing = new Set((await describeBindings(client, input.principal)).map(aclKey));
  const missing = wanted.filter((b) => !existing.has(aclKey(b)));
  const changes: AclChange[] = missing.map((binding) => ({ op: 'acl.create', binding }));
  notes.push('ACL changes apply to the next request of open connections; SCRAM sessions stay authenticated until re-authentication.');
  return {
    action: 'kafka.acl.deny',
    summary: missing.length
      ? `add ${missing.length} DENY binding(s) for ${input.principal}: ${missing.map(describeAcl).join('; ')}`
      : `${input.principal} is already denied everywhere: nothing to change`,
    changes,
    inverse: changes.map((c) => ({ op: 'acl.delete', binding: c.binding })),
    notes,
    hash: hashPlan('kafka.acl.deny', changes),
  };
}

/**
 * Makes ACL changes exactly; a change already in place is counted, not repeated in the result (safe under retries).
 * Brokers learn ACLs from the metadata log a moment after the controller, so a read may be stale: every change is
 * sent anyway (creating an existing binding and deleting a missing one are no-ops in Kafka), deletions are counted
 * from the controller's answer, and creations from the read.
 */
export async function applyAclChanges(client: KafkaClient, all: Change[]): Promise<{ changed: Change[]; alreadyInPlace: number }> {
  const changes = all.filter((c): c is AclChange => c.op === 'acl.create' || c.op === 'acl.delete');
  if (changes.length !== all.length) throw new Error('applyAclChanges was given a change that is not an ACL change');
  const creates = changes.filter((c) => c.op === 'acl.create');
  const deletes = changes.filter((c) => c.op === 'acl.delete');
  const principals = [...new Set(creates.map((c) => c.binding.principal))];
  const present = new Set((await Promise.all(principals.map((p) => describeBindings(client, p)))).flat().map(aclKey));
  if (creates.length) await createAcls(client, creates.map((c) => c.binding));
  let deleted: AclChange[] = [];
  if (deletes.length) {
    const matching = await deleteAcls(client, deletes.map((c) => c.binding));
    deleted = deletes.filter((_, i) => matching[i]! > 0);
  }
  const changed = [...creates.filter((c) => !present.has(aclKey(c.binding))), ...deleted];
  return { changed, alreadyInPlace: changes.length - changed.length };
}
