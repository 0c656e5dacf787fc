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

export const AccessRecord = z.discriminatedUnion('kind', [
  FetchRecord, ProduceRecord, ListOffsetsRecord, OffsetCommitRecord, GroupRecord, TopicIdsRecord, AuthorizationRecord,
]);
export type AccessRecord = z.infer<typeof AccessRecord>;

/** Each broker's span of records per log, as far as the sources reach. */
export const RecordSpan = z.strictObject({ first: Ms, last: Ms });
export type RecordSpan = z.infer<typeof RecordSpan>;
