// ACL bindings as kafka-ir records them: names, not kafkajs enum numbers, so plans read well and hash stably.
import { z } from 'zod';

export const AclResourceType = z.enum(['topic', 'group', 'cluster', 'transactional-id']);
export type AclResourceType = z.infer<typeof AclResourceType>;
export const AclPatternType = z.enum(['literal', 'prefixed']);
export type AclPatternType = z.infer<typeof AclPatternType>;
export const AclOperation = z.enum([
  'all', 'read', 'write', 'create', 'delete', 'alter', 'describe',
  'cluster-action', 'describe-configs', 'alter-configs', 'idempotent-write',
]);
export type AclOperation = z.infer<typeof AclOperation>;
export const AclPermission = z.enum(['allow', 'deny']);
export type AclPermission = z.infer<typeof AclPermission>;

export const AclBinding = z.object({
  resourceType: AclResourceType,
  resourceName: z.string(),
  patternType: AclPatternType,
  principal: z.string(),
  host: z.string(),
  operation: AclOperation,
  permission: AclPermission,
});
export type AclBinding = z.infer<typeof AclBinding>;

export function aclKey(b: AclBinding): string {
  return [b.permission, b.principal, b.host, b.operation, b.resourceType, b.patternType, b.resourceName].join('|');
}

export function describeAcl(b: AclBinding): string {
  const pattern = b.patternType === 'prefixed' ? `${b.resourceName}*` : b.resourceName;
  return `${b.permission.toUpperCase()} ${b.principal} ${b.operation} on ${b.resourceType} ${pattern} from ${b.host}`;
}
