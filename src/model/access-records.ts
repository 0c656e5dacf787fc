// One access record each: what a broker's request log or authorizer log line says happened, in plain fields.
import { z } from 'zod';

const Ms = z.number().int();
const Offset = z.number().int();

/** Where a record came from and who made the request. `at` is epoch milliseconds (UTC). */
const Origin = {
  at: Ms,
  broker: z.number().int().nonnegative(),
  /** "<file>:<line>" or "<topic>/<partition>@<offset>". */
  source: z.string(),
  principal: z.string(),
};

/** Origin of a request log line: the client too. `connection` is the broker's id of the TCP connection. */
const Request = {
  ...Origin,
  clientId: z.string(),
  /** The client's address, from the connection id. */
  host: z.string(),
  connection: z.string(),
};

/** A topic as a request names it: by name, or (Fetch v13+, OffsetCommit v10+) by id. */
const TopicRef = { topic: z.string().optional(), topicId: z.string().optional() };

export const FetchPartition = z.strictObject({
  ...TopicRef,
  partition: z.number().int().nonnegative(),
  /** From the request; absent when an incremental fetch session carried it over from an earlier request. */
  fetchOffset: Offset.optional(),
  /** Absent when the response does not mention the partition (an incremental session with nothing new). */
  response: z.strictObject({ error: z.number().int(), highWatermark: Offset, bytes: z.number().int().nonnegative() }).optional(),
});
export type FetchPartition = z.infer<typeof FetchPartition>;

export const FetchRecord = z.strictObject({
  kind: z.literal('fetch'),
  ...Request,
  partitions: z.array(FetchPartition),
  /** Partitions an incremental fetch drops from its session. */
  forgotten: z.array(z.strictObject({ ...TopicRef, partition: z.number().int().nonnegative() })),
});
export type FetchRecord = z.infer<typeof FetchRecord>;

export const ProduceRecord = z.strictObject({
  kind: z.literal('produce'),
  ...Request,
  partitions: z.array(z.strictObject({
    topic: z.string(), partition: z.number().int().nonnegative(), bytes: z.number().int().nonnegative(), error: z.number().int(), baseOffset: Offset,
  })),
});
export type ProduceRecord = z.infer<typeof ProduceRecord>;

export const ListOffsetsRecord = z.strictObject({
  kind: z.literal('listOffsets'),
  ...Request,
  topics: z.array(z.string()),
});
export type ListOffsetsRecord = z.infer<typeof ListOffsetsRecord>;

export const OffsetCommitRecord = z.strictObject({
  kind: z.literal('offsetCommit'),
  ...Request,
  group: z.string(),
  partitions: z.array(z.strictObject({ ...TopicRef, partition: z.number().int().nonnegative(), offset: Offset, error: z.number().int() })),
});
export type OffsetCommitRecord = z.infer<typeof OffsetCommitRecord>;

/** JoinGroup, SyncGroup and OffsetFetch: the principal used a group. `topics`: its subscription, when the request says. */
export const GroupRecord = z.strictObject({
  kind: z.literal('group'),
  ...Request,
  request: z.enum(['JoinGroup', 'SyncGroup', 'OffsetFetch']),
  group: z.string(),
  error: z.number().int(),
  topics: z.array(z.string()),
});
export type GroupRecord = z.infer<typeof GroupRecord>;

/** CreateTopics and DeleteTopics answers: when a topic began or ended, and the only lines that pair its name with its id (v7+). */
export const TopicIdsRecord = z.strictObject({
  kind: z.literal('topicIds'),
  ...Origin,
  topics: z.array(z.strictObject({ name: z.string(), topicId: z.string().optional(), deleted: z.boolean() })),
});
export type TopicIdsRecord = z.infer<typeof TopicIdsRecord>;

export const AuthorizationRecord = z.strictObject({
  kind: z.literal('authorization'),
  ...Origin,
  allowed: z.boolean(),
  operation: z.string(),
  host: z.string(),
  /** "Topic:LITERAL:payments". */
  resource: z.string(),
  resourceType: z.string(),
  resourceName: z.string(),
  /** The request type as the authorizer names it ("Fetch", "Metadata"). */
  request: z.string(),
});
export type AuthorizationRecord = z.infer<typeof AuthorizationRecord>;

/** An ACL binding as a request names it: Kafka's own names, lower case (any resource type, "user" and "delegation-token" too). */
export const RequestedAcl = z.strictObject({
  resourceType: z.string(), resourceName: z.string(), patternType: z.string(),
  principal: z.string(), host: z.string(), operation: z.string(), permission: z.string(),
});
export type RequestedAcl = z.infer<typeof RequestedAcl>;

/** Kafka's error code for the item; 0 is success. */
const ErrorCode = { error: z.number().int() };
/**
 * A delegation token as a request line names it: its HMAC (the token's password) is never kept, only the first
 * 16 hex digits of its SHA-256, which pair a renewal or expiry with the creation that returned the same HMAC.
 */
const TokenRef = z.string().regex(/^[0-9a-f]{16}$/);

/**
 * One thing an administrative request asked for, and Kafka's answer. Never a secret: SCRAM upserts keep the user,
 * mechanism and iterations (not the salt or salted password the request carries), tokens a digest of their HMAC.
 */
export const AdminItem = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('acl.create'), binding: RequestedAcl, ...ErrorCode }),
  /** The bindings Kafka deleted for one filter. */
  z.strictObject({ op: z.literal('acl.delete'), filter: RequestedAcl, deleted: z.array(RequestedAcl), ...ErrorCode }),
  z.strictObject({ op: z.literal('scram.upsert'), user: z.string(), mechanism: z.string(), iterations: z.number().int(), ...ErrorCode }),
  z.strictObject({ op: z.literal('scram.delete'), user: z.string(), mechanism: z.string(), ...ErrorCode }),
  z.strictObject({
    op: z.literal('token.create'), owner: z.string(), requester: z.string(), renewers: z.array(z.string()),
    tokenId: z.string().optional(), token: TokenRef.optional(), expiresAt: z.number().int().optional(), ...ErrorCode,
  }),
  z.strictObject({ op: z.enum(['token.renew', 'token.expire']), token: TokenRef.optional(), expiresAt: z.number().int().optional(), ...ErrorCode }),
  z.strictObject({
    op: z.literal('topic.create'), topic: z.string(), partitions: z.number().int(), replicationFactor: z.number().int(),
    topicId: z.string().optional(), configs: z.record(z.string(), z.string().nullable()), ...ErrorCode,
  }),
  /** AlterConfigs (replaces a resource's configs) or IncrementalAlterConfigs; Kafka writes password values as "[hidden]". */
  z.strictObject({
    op: z.literal('config.alter'), incremental: z.boolean(), resourceType: z.string(), resourceName: z.string(),
    configs: z.array(z.strictObject({ name: z.string(), operation: z.enum(['set', 'delete', 'append', 'subtract']), value: z.string().nullable() })),
    ...ErrorCode,
  }),
  z.strictObject({
    op: z.literal('quota.alter'), entity: z.array(z.strictObject({ type: z.string(), name: z.string().nullable() })),
    /** A null value removes the quota. */
    values: z.record(z.string(), z.number().nullable()), ...ErrorCode,
  }),
  /** `replicas` null cancels a reassignment in progress. */
  z.strictObject({ op: z.literal('partition.reassign'), topic: z.string(), partition: z.number().int(), replicas: z.array(z.number().int()).nullable(), ...ErrorCode }),
]);
export type AdminItem = z.infer<typeof AdminItem>;

/**
 * The administrative requests the backdoor hunt reads (kafka.admin.audit), by their request-log API names, with the
 * names the authorizer and kafka-ir use. Their lines hold secrets: AlterUserScramCredentials each user's salt and
 * salted password, the delegation-token requests the token's HMAC (docs/access-records.md).
 */
export const ADMIN_REQUEST_TYPES = {
  CREATE_ACLS: 'CreateAcls', DELETE_ACLS: 'DeleteAcls', ALTER_USER_SCRAM_CREDENTIALS: 'AlterUserScramCredentials',
  CREATE_DELEGATION_TOKEN: 'CreateDelegationToken', RENEW_DELEGATION_TOKEN: 'RenewDelegationToken', EXPIRE_DELEGATION_TOKEN: 'ExpireDelegationToken',
  CREATE_TOPICS: 'CreateTopics', ALTER_CONFIGS: 'AlterConfigs', INCREMENTAL_ALTER_CONFIGS: 'IncrementalAlterConfigs',
  ALTER_CLIENT_QUOTAS: 'AlterClientQuotas', ALTER_PARTITION_REASSIGNMENTS: 'AlterPartitionReassignments',
} as const;
export type AdminApi = keyof typeof ADMIN_REQUEST_TYPES;
export const ADMIN_APIS = Object.keys(ADMIN_REQUEST_TYPES) as AdminApi[];

/** CreateAcls, AlterUserScramCredentials, CreateDelegationToken, CreateTopics, AlterConfigs…: who changed what, and the answer. */
export const AdminRecord = z.strictObject({
  kind: z.literal('admin'),
  ...Request,
  /** The request type as the authorizer names it ("CreateAcls"). */
  request: z.string(),
  items: z.array(AdminItem),
});
export type AdminRecord = z.infer<typeof AdminRecord>;

export const AccessRecord = z.discriminatedUnion('kind', [
  FetchRecord, ProduceRecord, ListOffsetsRecord, OffsetCommitRecord, GroupRecord, TopicIdsRecord, AuthorizationRecord, AdminRecord,
]);
export type AccessRecord = z.infer<typeof AccessRecord>;

/** Each broker's span of records per log, as far as the sources reach. */
export const RecordSpan = z.strictObject({ first: Ms, last: Ms });
export type RecordSpan = z.infer<typeof RecordSpan>;
