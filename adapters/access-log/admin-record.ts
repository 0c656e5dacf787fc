// An administrative request-log body (CreateAcls, AlterUserScramCredentials, CreateDelegationToken…) → the items it asked for, by Kafka's names.
import type { AdminItem, RequestedAcl } from '../../src/model/access-records.js';

interface Json { [key: string]: unknown }

const arr = (v: unknown): Json[] => (Array.isArray(v) ? v as Json[] : []);
const num = (v: unknown, fallback = 0): number => (typeof v === 'number' ? v : fallback);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
/** Kafka's enum numbers → its names, lower case with dashes (as kafka-ir's ACL model spells them). */
const named = (names: readonly string[]) => (v: unknown) => names[num(v, -1)] ?? `unknown(${String(v)})`;

const resourceType = named(['unknown', 'any', 'topic', 'group', 'cluster', 'transactional-id', 'delegation-token', 'user']);
const patternType = named(['unknown', 'any', 'match', 'literal', 'prefixed']);
const operation = named([
  'unknown', 'any', 'all', 'read', 'write', 'create', 'delete', 'alter', 'describe', 'cluster-action',
  'describe-configs', 'alter-configs', 'idempotent-write', 'create-tokens', 'describe-tokens',
]);
const permission = named(['unknown', 'any', 'deny', 'allow']);
const mechanism = named(['unknown', 'SCRAM-SHA-256', 'SCRAM-SHA-512']);
/** ConfigResource.Type: ids are bit values. */
const CONFIG_RESOURCE: Record<number, string> = { 2: 'topic', 4: 'broker', 8: 'broker-logger', 16: 'client-metrics', 32: 'group' };
const CONFIG_OPERATION = ['set', 'delete', 'append', 'subtract'] as const;

const principalOf = (type: unknown, name: unknown) => (str(name) ? `${str(type) || 'User'}:${str(name)}` : '');

function acl(a: Json, filter = false): RequestedAcl {
  const f = (key: string) => (filter ? a[`${key}Filter`] : a[key]);
  return {
    resourceType: resourceType(f('resourceType')), resourceName: str(f('resourceName')) ?? '(any)',
    patternType: patternType(filter ? a.patternTypeFilter : a.resourcePatternType ?? a.patternType),
    principal: str(f('principal')) ?? '(any)', host: str(f('host')) ?? '(any)', operation: operation(a.operation), permission: permission(a.permissionType),
  };
}

function scram(req: Json, res: Json): AdminItem[] {
  // Kafka answers per user, not per credential.
  const errors = new Map(arr(res.results).map((r) => [str(r.user), num(r.errorCode)]));
  const error = (user: string) => errors.get(user) ?? -1;
  return [
    ...arr(req.deletions).map((d): AdminItem => ({ op: 'scram.delete', user: str(d.name) ?? '', mechanism: mechanism(d.mechanism), error: error(str(d.name) ?? '') })),
    ...arr(req.upsertions).map((u): AdminItem => ({
      op: 'scram.upsert', user: str(u.name) ?? '', mechanism: mechanism(u.mechanism), iterations: num(u.iterations), error: error(str(u.name) ?? ''),
    })),
  ];
}

function configs(req: Json, res: Json, incremental: boolean): AdminItem[] {
  const errors = new Map(arr(res.responses).map((r) => [`${num(r.resourceType)}/${str(r.resourceName) ?? ''}`, num(r.errorCode)]));
  return arr(req.resources).map((r): AdminItem => ({
    op: 'config.alter', incremental, resourceType: CONFIG_RESOURCE[num(r.resourceType)] ?? `unknown(${num(r.resourceType)})`,
    resourceName: str(r.resourceName) ?? '',
    configs: arr(r.configs).map((c) => ({
      name: str(c.name) ?? '', operation: incremental ? CONFIG_OPERATION[num(c.configOperation)] ?? 'set' : 'set', value: str(c.value) ?? null,
    })),
    error: errors.get(`${num(r.resourceType)}/${str(r.resourceName) ?? ''}`) ?? -1,
  }));
}

function reassignments(req: Json, res: Json): AdminItem[] {
  const top = num(res.errorCode);
  const errors = new Map(arr(res.responses).flatMap((t) => arr(t.partitions).map((p) => [`${str(t.name)}/${num(p.partitionIndex)}`, num(p.errorCode)])));
  return arr(req.topics).flatMap((t) => arr(t.partitions).map((p): AdminItem => ({
    op: 'partition.reassign', topic: str(t.name) ?? '', partition: num(p.partitionIndex),
    replicas: Array.isArray(p.replicas) ? (p.replicas as unknown[]).map((x) => num(x)) : null,
    error: top || (errors.get(`${str(t.name)}/${num(p.partitionIndex)}`) ?? -1),
  })));
}

/** What an administrative request asked for, item by item, each with Kafka's error code (body read after its secrets were stripped). */
export function adminItems(api: string, req: Json, res: Json): AdminItem[] {
  switch (api) {
    case 'CREATE_ACLS': {
      const results = arr(res.results);
      return arr(req.creations).map((c, i) => ({ op: 'acl.create', binding: acl(c), error: num(results[i]?.errorCode, -1) }));
    }
    case 'DELETE_ACLS': {
      const results = arr(res.filterResults);
      return arr(req.filters).map((f, i) => ({
        op: 'acl.delete', filter: acl(f, true),
        deleted: arr(results[i]?.matchingAcls).filter((m) => num(m.errorCode) === 0).map((m) => acl(m)), error: num(results[i]?.errorCode, -1),
      }));
    }
    case 'ALTER_USER_SCRAM_CREDENTIALS':
      return scram(req, res);
    case 'CREATE_DELEGATION_TOKEN': {
      // Before v3 a token is always the requester's own: the answer names the owner.
      const owner = principalOf(res.principalType, res.principalName);
      return [{
        op: 'token.create', owner, requester: principalOf(res.tokenRequesterPrincipalType, res.tokenRequesterPrincipalName) || owner,
        renewers: arr(req.renewers).map((r) => principalOf(r.principalType, r.principalName)),
        ...(str(res.tokenId) ? { tokenId: str(res.tokenId) } : {}), ...(str(res.hmac) ? { token: str(res.hmac) } : {}),
        ...(num(res.expiryTimestampMs, -1) > 0 ? { expiresAt: num(res.expiryTimestampMs) } : {}), error: num(res.errorCode, -1),
      }];
    }
    case 'RENEW_DELEGATION_TOKEN': case 'EXPIRE_DELEGATION_TOKEN':
      return [{
        op: api === 'RENEW_DELEGATION_TOKEN' ? 'token.renew' : 'token.expire', ...(str(req.hmac) ? { token: str(req.hmac) } : {}),
        ...(num(res.expiryTimestampMs, -1) > 0 ? { expiresAt: num(res.expiryTimestampMs) } : {}), error: num(res.errorCode, -1),
      }];
    case 'CREATE_TOPICS': {
      const answers = new Map(arr(res.topics).map((t) => [str(t.name), t]));
      return arr(req.topics).map((t) => {
        const answer = answers.get(str(t.name));
        const topicId = str(answer?.topicId);
        return {
          op: 'topic.create', topic: str(t.name) ?? '', partitions: num(t.numPartitions, -1), replicationFactor: num(t.replicationFactor, -1),
          ...(topicId && topicId !== 'AAAAAAAAAAAAAAAAAAAAAA' ? { topicId } : {}),
          configs: Object.fromEntries(arr(t.configs).map((c) => [str(c.name) ?? '', str(c.value) ?? null])), error: num(answer?.errorCode, -1),
        };
      });
    }
    case 'ALTER_CONFIGS': case 'INCREMENTAL_ALTER_CONFIGS':
      return configs(req, res, api === 'INCREMENTAL_ALTER_CONFIGS');
    case 'ALTER_CLIENT_QUOTAS': {
      const results = arr(res.entries);
      return arr(req.entries).map((e, i) => ({
        op: 'quota.alter', entity: arr(e.entity).map((x) => ({ type: str(x.entityType) ?? '', name: str(x.entityName) ?? null })),
        values: Object.fromEntries(arr(e.ops).map((o) => [str(o.key) ?? '', o.remove === true ? null : num(o.value)])), error: num(results[i]?.errorCode, -1),
      }));
    }
    case 'ALTER_PARTITION_REASSIGNMENTS':
      return reassignments(req, res);
    default:
      return [];
  }
}
