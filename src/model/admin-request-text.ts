// Administrative request items in words, for people reading the hunt: what was asked and, when Kafka refused it, why.
import type { AdminItem, RequestedAcl } from './access-records.js';

/** Kafka's error codes an administrative request is commonly answered with. */
const ERRORS: Record<number, string> = {
  [-1]: 'no answer recorded', 29: 'TOPIC_AUTHORIZATION_FAILED', 30: 'GROUP_AUTHORIZATION_FAILED', 31: 'CLUSTER_AUTHORIZATION_FAILED',
  36: 'TOPIC_ALREADY_EXISTS', 37: 'INVALID_PARTITIONS', 38: 'INVALID_REPLICATION_FACTOR', 39: 'INVALID_REPLICA_ASSIGNMENT', 40: 'INVALID_CONFIG',
  41: 'NOT_CONTROLLER', 42: 'INVALID_REQUEST', 53: 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED', 61: 'DELEGATION_TOKEN_AUTH_DISABLED',
  62: 'DELEGATION_TOKEN_NOT_FOUND', 63: 'DELEGATION_TOKEN_OWNER_MISMATCH', 64: 'DELEGATION_TOKEN_REQUEST_NOT_ALLOWED',
  65: 'DELEGATION_TOKEN_AUTHORIZATION_FAILED', 66: 'DELEGATION_TOKEN_EXPIRED', 85: 'NO_REASSIGNMENT_IN_PROGRESS', 91: 'RESOURCE_NOT_FOUND',
  92: 'DUPLICATE_RESOURCE', 93: 'UNACCEPTABLE_CREDENTIAL',
};
/** The authorizer said no. */
export const AUTHORIZATION_ERRORS = new Set([29, 30, 31, 53, 65]);

export const errorName = (code: number): string => ERRORS[code] ?? `error ${code}`;

export function aclText(b: RequestedAcl): string {
  const pattern = b.patternType === 'prefixed' ? `${b.resourceName}*` : b.resourceName;
  return `${b.permission.toUpperCase()} ${b.principal} ${b.operation} on ${b.resourceType} ${pattern}${b.host === '*' ? '' : ` from ${b.host}`}`;
}

const iso = (ms: number | undefined) => (ms === undefined ? 'unknown' : new Date(ms).toISOString());
const token = (i: { tokenId?: string; token?: string }) => (i.tokenId ?? (i.token ? `(HMAC digest ${i.token})` : '(unknown)'));
const where = (type: string, name: string) => (type === 'broker' && name === '' ? "the brokers' cluster-wide default" : `${type} ${name}`);

/** One item in words, with Kafka's refusal when there was one. */
export function itemText(item: AdminItem): string {
  const text = ((): string => {
    switch (item.op) {
      case 'acl.create': return `create ${aclText(item.binding)}`;
      case 'acl.delete': return `delete ACLs matching ${aclText(item.filter)}: ${item.deleted.length ? item.deleted.map(aclText).join('; ') : 'none matched'}`;
      case 'scram.upsert': return `set the ${item.mechanism} credential of ${item.user} (${item.iterations} iterations)`;
      case 'scram.delete': return `delete the ${item.mechanism} credential of ${item.user}`;
      case 'token.create':
        return `create delegation token ${token(item)} owned by ${item.owner}${item.renewers.length ? `, renewable by ${item.renewers.join(', ')}` : ''}, expiring ${iso(item.expiresAt)}`;
      case 'token.renew': return `renew delegation token ${token(item)} until ${iso(item.expiresAt)}`;
      case 'token.expire': return `expire delegation token ${token(item)} at ${iso(item.expiresAt)}`;
      case 'topic.create': {
        const configs = Object.entries(item.configs).map(([k, v]) => `${k}=${v ?? ''}`);
        return `create topic ${item.topic} (${item.partitions} partition(s), replication factor ${item.replicationFactor}${configs.length ? `, ${configs.join(', ')}` : ''})`;
      }
      case 'config.alter': {
        const changes = item.configs.map((c) => (c.operation === 'delete' ? `delete ${c.name}` : `${c.operation} ${c.name}=${c.value ?? ''}`));
        return `${item.incremental ? '' : 'replace the configs with: '}${changes.join(', ')} on ${where(item.resourceType, item.resourceName)}`;
      }
      case 'quota.alter': {
        const entity = item.entity.map((e) => `${e.type}=${e.name ?? '<default>'}`).join(',');
        return `quota ${entity}: ${Object.entries(item.values).map(([k, v]) => (v === null ? `remove ${k}` : `${k}=${v}`)).join(', ')}`;
      }
      case 'partition.reassign':
        return item.replicas ? `move ${item.topic}[${item.partition}] to replicas ${item.replicas.join(',')}` : `cancel the reassignment of ${item.topic}[${item.partition}]`;
    }
  })();
  return item.error === 0 ? text : `${text} — ${errorName(item.error)}`;
}
