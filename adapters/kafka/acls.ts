// ACLs on the wire: bindings as kafka-ir records them ↔ the protocol's numbers; described, created and deleted through Kafka.
import { AclOperations, ResourceTypes, createAclsV3, deleteAclsV3, describeAclsV3, type Connection } from '@platformatic/kafka';
import type { AclEntry } from 'kafkajs';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } from './kafkajs-enums.js';
import type { AclBinding } from '../../src/model/acl.js';
import { KafkaIrError } from '../../src/model/errors.js';
import { withAnyBroker } from './broker-connection.js';
import type { KafkaClient } from './client.js';

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

/**
 * A binding as the Kafka protocol carries it (the numbers are the protocol's, the same in kafkajs and
 * @platformatic/kafka); undefined for kinds kafka-ir does not manage (delegation tokens, users).
 */
function bindingFromWire(
  r: { resourceType: number; resourceName: string; resourcePatternType: number },
  acl: { principal: string; host: string; operation: number; permissionType: number },
): AclBinding | undefined {
  const resourceType = RESOURCE_NAME.get(r.resourceType);
  const patternType = PATTERN_NAME.get(r.resourcePatternType);
  const operation = OPERATION_NAME.get(acl.operation);
  const permission = PERMISSION_NAME.get(acl.permissionType);
  if (!resourceType || !patternType || !operation || !permission) return undefined;
  return { resourceType, resourceName: r.resourceName, patternType, principal: acl.principal, host: acl.host, operation, permission };
}

/**
 * Every binding of one principal (or of all principals), as kafka-ir records them, from whichever broker answers
 * first: each answers DescribeAcls from its own metadata image, a moment behind the controller at most.
 */
export async function describeBindings(client: Pick<KafkaClient, 'settings'>, principal?: string): Promise<AclBinding[]> {
  return withAnyBroker(client.settings, 'describing ACLs', (c) => describeBrokerBindings(c, { principal }));
}

/**
 * The bindings `broker` itself holds, on a connection to that broker (adapters/kafka/broker-connection.ts):
 * DescribeAcls is answered from the broker's own metadata image, not forwarded.
 */
export async function describeBrokerBindings(
  c: Connection, filter: { principal?: string; resourceName?: string; literal?: boolean },
): Promise<AclBinding[]> {
  const res = await describeAclsV3.api.async(c, {
    resourceType: ResourceTypes.ANY, resourceName: filter.resourceName,
    resourcePatternType: filter.literal ? ResourcePatternTypes.LITERAL : ResourcePatternTypes.ANY,
    principal: filter.principal, host: undefined, operation: AclOperations.ANY, permissionType: AclPermissionTypes.ANY,
  });
  if (res.errorCode !== 0) throw new KafkaIrError('KAFKA_REJECTED', `describing ACLs: ${res.errorMessage ?? `error ${res.errorCode}`}`);
  return res.resources.flatMap((r) => r.acls.flatMap((acl) => bindingFromWire(r, acl) ?? []));
}

/** Creates the bindings (any broker forwards them to the controller); creating one that exists is a no-op in Kafka. */
export async function createAcls(client: Pick<KafkaClient, 'settings'>, bindings: AclBinding[], what = 'creating ACLs'): Promise<void> {
  const res = await withAnyBroker(client.settings, what, (c) => createAclsV3.api.async(c, bindings.map(toAclEntry)));
  const failed = res.results.find((r) => r.errorCode !== 0);
  if (failed) throw new KafkaIrError('KAFKA_REJECTED', `${what}: ${failed.errorMessage ?? `error ${failed.errorCode}`}`);
}

/** Deletes exactly these bindings (as filters); per binding, how many the controller found and deleted. */
export async function deleteAcls(client: Pick<KafkaClient, 'settings'>, bindings: AclBinding[]): Promise<number[]> {
  const res = await withAnyBroker(client.settings, 'deleting ACLs', (c) => deleteAclsV3.api.async(c, bindings.map(toAclEntry)));
  const failed = res.filterResults.find((r) => r.errorCode !== 0);
  if (failed) throw new KafkaIrError('KAFKA_REJECTED', `deleting ACLs: ${failed.errorMessage ?? `error ${failed.errorCode}`}`);
  return bindings.map((_, i) => res.filterResults[i]?.matchingAcls.length ?? 0);
}
