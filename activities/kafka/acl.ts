// ACL reads and changes: DENY planning for a principal, and exact, idempotent create/delete of bindings.
import {
  AclOperationTypes, AclPermissionTypes, AclResourceTypes, ConfigResourceTypes, ResourcePatternTypes, type AclEntry,
} from 'kafkajs';
import { aclKey, describeAcl, type AclBinding } from '../../src/model/acl.js';
import { KafkaIrError } from '../../src/model/errors.js';
import type { ActionInput } from '../../src/model/actions.js';
import type { Change, Plan } from '../../src/model/plan.js';
import type { KafkaClient } from './client.js';
import { hashPlan } from './plan-hash.js';

const RESOURCE = {
  topic: AclResourceTypes.TOPIC, group: AclResourceTypes.GROUP,
  cluster: AclResourceTypes.CLUSTER, 'transactional-id': AclResourceTypes.TRANSACTIONAL_ID,
} as const;
const PATTERN = { literal: ResourcePatternTypes.LITERAL, prefixed: ResourcePatternTypes.PREFIXED } as const;
const PERMISSION = { allow: AclPermissionTypes.ALLOW, deny: AclPermissionTypes.DENY } as const;
const OPERATION = {
  all: AclOperationTypes.ALL, read: AclOperationTypes.READ, write: AclOperationTypes.WRITE,
  create: AclOperationTypes.CREATE, delete: AclOperationTypes.DELETE, alter: AclOperationTypes.ALTER,
  describe: AclOperationTypes.DESCRIBE, 'cluster-action': AclOperationTypes.CLUSTER_ACTION,
  'describe-configs': AclOperationTypes.DESCRIBE_CONFIGS, 'alter-configs': AclOperationTypes.ALTER_CONFIGS,
  'idempotent-write': AclOperationTypes.IDEMPOTENT_WRITE,
} as const;

function invert<K extends string, V extends number>(table: Record<K, V>): Map<number, K> {
  return new Map(Object.entries(table).map(([k, v]) => [v as number, k as K]));
}
const RESOURCE_NAME = invert(RESOURCE);
const PATTERN_NAME = invert(PATTERN);
const PERMISSION_NAME = invert(PERMISSION);
const OPERATION_NAME = invert(OPERATION);

export function toAclEntry(b: AclBinding): AclEntry {
  return {
    resourceType: RESOURCE[b.resourceType], resourceName: b.resourceName, resourcePatternType: PATTERN[b.patternType],
    principal: b.principal, host: b.host, operation: OPERATION[b.operation], permissionType: PERMISSION[b.permission],
  };
}

/** Every binding of one principal (or of all principals), as kafka-ir records them. */
export async function describeBindings(client: KafkaClient, principal?: string): Promise<AclBinding[]> {
  const res = await client.withAdmin('describing ACLs', (admin) =>
    admin.describeAcls({
      resourceType: AclResourceTypes.ANY, resourcePatternType: ResourcePatternTypes.ANY,
      operation: AclOperationTypes.ANY, permissionType: AclPermissionTypes.ANY, principal,
    }),
  );
  return res.resources.flatMap((r) =>
    r.acls.flatMap((acl) => {
      const resourceType = RESOURCE_NAME.get(r.resourceType);
      const patternType = PATTERN_NAME.get(r.resourcePatternType);
      const operation = OPERATION_NAME.get(acl.operation);
      const permission = PERMISSION_NAME.get(acl.permissionType);
      if (!resourceType || !patternType || !operation || !permission) return [];
      return [{ resourceType, resourceName: r.resourceName, patternType, principal: acl.principal, host: acl.host, operation, permission }];
    }),
  );
}

async function brokerSetting(client: KafkaClient, name: string): Promise<string | undefined> {
  const res = await client.withAdmin(`reading broker setting ${name}`, async (admin) => {
    const { brokers } = await admin.describeCluster();
    return admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.BROKER, name: String(brokers[0]?.nodeId ?? 0), configNames: [name] }],
    });
  });
  return res.resources[0]?.configEntries.find((e) => e.configName === name)?.configValue ?? undefined;
}

/** Refuses principals that must never be contained (DESIGN §5), with the reason. */
export async function assertContainable(client: KafkaClient, principal: string, protectedPrincipals: string[]): Promise<void> {
  if (principal === client.principal) {
    throw new KafkaIrError('PROTECTED_PRINCIPAL', `${principal} is kafka-ir's own principal`, 'containing it would stop the engine itself');
  }
  if (protectedPrincipals.includes(principal)) {
    throw new KafkaIrError('PROTECTED_PRINCIPAL', `${principal} is listed in protectedPrincipals`, 'remove it from KAFKA_IR_CONFIG if it really must be contained');
  }
  const superUsers = (await brokerSetting(client, 'super.users'))?.split(';').map((s) => s.trim()) ?? [];
  if (superUsers.includes(principal)) {
    throw new KafkaIrError('PROTECTED_PRINCIPAL', `${principal} is a super user (super.users)`,
      'ACLs cannot stop a super user: remove it from super.users and restart the brokers, or rotate its credentials');
  }
}

export async function planDeny(
  client: KafkaClient, input: ActionInput<'kafka.acl.deny'>, protectedPrincipals: string[],
): Promise<Plan> {
  await assertContainable(client, input.principal, protectedPrincipals);
  const notes: string[] = [];
  if ((await brokerSetting(client, 'allow.everyone.if.no.acl.found')) === 'true') {
    const warning = 'the brokers set allow.everyone.if.no.acl.found=true: a DENY on "*" ends "allow everyone" for every resource, so every principal without an explicit ALLOW loses access too';
    if (!input.force) throw new KafkaIrError('UNSAFE_PLAN', warning, 'grant explicit ALLOWs to the other principals first, or set force: true');
    notes.push(warning);
  }
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
  const changes: Change[] = missing.map((binding) => ({ op: 'acl.create', binding }));
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

/** Makes ACL changes exactly; a change already in place is counted, not repeated (safe under retries). */
export async function applyAclChanges(client: KafkaClient, changes: Change[]): Promise<{ changed: Change[]; alreadyInPlace: number }> {
  const principals = [...new Set(changes.map((c) => c.binding.principal))];
  const present = new Set((await Promise.all(principals.map((p) => describeBindings(client, p)))).flat().map(aclKey));
  const creates = changes.filter((c) => c.op === 'acl.create' && !present.has(aclKey(c.binding)));
  const deletes = changes.filter((c) => c.op === 'acl.delete' && present.has(aclKey(c.binding)));
  if (creates.length) {
    await client.withAdmin('creating ACLs', (admin) => admin.createAcls({ acl: creates.map((c) => toAclEntry(c.binding)) }));
  }
  if (deletes.length) {
    await client.withAdmin('deleting ACLs', (admin) => admin.deleteAcls({ filters: deletes.map((c) => toAclEntry(c.binding)) }));
  }
  return { changed: [...creates, ...deletes], alreadyInPlace: changes.length - creates.length - deletes.length };
}
