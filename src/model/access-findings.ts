// What the brokers' access records say a principal did: ranges delivered, writes, groups, denials, and how far the records reach.
import { z } from 'zod';

const Time = z.iso.datetime({ offset: true });
const Offset = z.number().int().nonnegative();
const Count = z.number().int().nonnegative();
const BrokerId = z.number().int().nonnegative();

/** One log line that proves a finding: where it is, and what it says in words. */
export const RecordRef = z.strictObject({
  broker: BrokerId,
  at: Time,
  /** "<file>:<line>" for files, "<topic>/<partition>@<offset>" for records read from a Kafka topic. */
  source: z.string(),
  says: z.string(),
});
export type RecordRef = z.infer<typeof RecordRef>;

/** Messages as offsets: compacted topics and transaction markers make the real count lower, never higher. */
export const MessageBound = z.strictObject({ atLeast: Count, atMost: Count });
export type MessageBound = z.infer<typeof MessageBound>;

/**
 * Offsets a broker delivered to the principal in one partition, from fetch records. `provenTo` (exclusive) is where
 * the same reader fetched next, or what its group committed: a client asks for offset N only once it holds
 * everything before N. `possibleTo` (exclusive) is the high watermark of the last fetch that returned records: the
 * broker may have sent that much. provenTo == from means the records prove nothing beyond "something was sent".
 */
export const DeliveredRange = z.strictObject({
  partition: z.number().int().nonnegative(),
  from: Offset,
  provenTo: Offset,
  possibleTo: Offset,
  firstAt: Time,
  lastAt: Time,
});
export type DeliveredRange = z.infer<typeof DeliveredRange>;

const ReadFields = {
  ranges: z.array(DeliveredRange),
  firstAt: Time,
  lastAt: Time,
  clientIds: z.array(z.string()),
  hosts: z.array(z.string()),
  /** Groups the principal joined or committed for this topic. */
  groups: z.array(z.string()),
  messages: MessageBound,
  /** The lines behind each bound: the first and last fetch (or commit) that proves it. */
  proof: z.strictObject({ atLeast: z.array(RecordRef), atMost: z.array(RecordRef) }),
};

/** A partition as the brokers held it when the blast radius was measured: offsets [start, end) are in the log. */
export const PartitionExtent = z.strictObject({ partition: z.number().int().nonnegative(), start: Offset, end: Offset });
export type PartitionExtent = z.infer<typeof PartitionExtent>;

export const TopicRead = z.strictObject({
  topic: z.string(), ...ReadFields,
  /** Each read partition's log when measured (absent: the topic is gone, or measured before extents were kept). */
  extent: z.array(PartitionExtent).optional(),
});
export type TopicRead = z.infer<typeof TopicRead>;

/** Fetches by topic id (Fetch v13+) whose id neither metadata nor the records name: reported, never dropped. */
export const UnnamedTopicRead = z.strictObject({ topicId: z.string(), ...ReadFields });
export type UnnamedTopicRead = z.infer<typeof UnnamedTopicRead>;

/** A flat range for kafka.evidence.capture: offsets [from, to) of one partition. */
export const OffsetRange = z.strictObject({
  topic: z.string().min(1),
  partition: z.number().int().nonnegative(),
  from: Offset,
  to: Offset,
});
export type OffsetRange = z.infer<typeof OffsetRange>;

export const TopicWrite = z.strictObject({
  topic: z.string(),
  partitions: z.array(z.number().int().nonnegative()),
  requests: Count,
  bytes: Count,
  firstAt: Time,
  lastAt: Time,
  clientIds: z.array(z.string()),
  hosts: z.array(z.string()),
  proof: z.array(RecordRef),
});
export type TopicWrite = z.infer<typeof TopicWrite>;

export const GroupUse = z.strictObject({
  group: z.string(),
  joined: z.boolean(),
  committed: z.boolean(),
  /** The last offset it committed per partition. */
  commits: z.array(z.strictObject({ topic: z.string(), partition: z.number().int().nonnegative(), offset: Offset, at: Time })),
  firstAt: Time,
  lastAt: Time,
  clientIds: z.array(z.string()),
});
export type GroupUse = z.infer<typeof GroupUse>;

/** Refused requests, one entry per operation, resource and request type: probing is a finding too. */
export const DeniedAttempt = z.strictObject({
  operation: z.string(),
  /** "Topic:LITERAL:payments", as the authorizer names it; for a refused fetch partition, "Topic:<name>". */
  resource: z.string(),
  request: z.string(),
  count: Count,
  hosts: z.array(z.string()),
  firstAt: Time,
  lastAt: Time,
  proof: RecordRef,
});
export type DeniedAttempt = z.infer<typeof DeniedAttempt>;

/** A group the principal may use that others may use too: what it consumed is not charged to anyone. */
export const SharedGroup = z.strictObject({
  group: z.string(),
  /** Other principals whose ACLs reach it ("User:*" for everyone). */
  sharedWith: z.array(z.string()),
  note: z.literal('shared — not attributed'),
});
export type SharedGroup = z.infer<typeof SharedGroup>;

export const BrokerCoverage = z.strictObject({
  broker: BrokerId,
  /** Its first and last access record (any principal) in the sources. */
  firstAt: Time.optional(),
  lastAt: Time.optional(),
  covered: z.boolean(),
});
export type BrokerCoverage = z.infer<typeof BrokerCoverage>;

/** A span the records do not cover, and why; no broker when it concerns every broker. */
export const CoverageGap = z.strictObject({
  broker: BrokerId.optional(),
  from: Time,
  to: Time,
  reason: z.string(),
});
export type CoverageGap = z.infer<typeof CoverageGap>;

export const LineCounts = z.strictObject({
  /** Lines of the request and authorizer loggers that parsed. */
  records: Count,
  /** Other loggers' lines and stack-trace continuations (a shared server.log): not access records, not errors. */
  other: Count,
  /** Lines that are no log line at all. */
  garbage: Count,
  /** Access-record lines cut short (a partial write, a line over the length limit, JSON that does not close). */
  truncated: Count,
});
export type LineCounts = z.infer<typeof LineCounts>;

/**
 * How the answer was reached. "records": the brokers' access records; "exact" only when every broker's records
 * cover the whole window. "offsets": committed group offsets (no records configured): always an estimate.
 */
export const Coverage = z.strictObject({
  basis: z.enum(['records', 'offsets']),
  answer: z.enum(['exact', 'estimate']),
  window: z.strictObject({ from: Time, to: Time }),
  brokers: z.array(BrokerCoverage),
  missing: z.array(CoverageGap),
  /** Gaps that cannot hide anything, and why (records that begin after the window's start, but before every topic the principal can reach existed). */
  waived: z.array(z.string()).default([]),
  lines: LineCounts,
  /** The sources read, as configured (file globs, topic). */
  sources: z.array(z.string()),
});
export type Coverage = z.infer<typeof Coverage>;

/**
 * "yes": a classified topic was read (`topics` names them). "notSeen": none was read and the records cover the
 * window, or none is readable. "atRisk": one is readable and nothing proves it was not read (`topics` names them).
 */
export const ClassifiedTouched = z.strictObject({
  answer: z.enum(['yes', 'notSeen', 'atRisk']),
  topics: z.array(z.strictObject({ topic: z.string(), label: z.string() })),
  because: z.string(),
});
export type ClassifiedTouched = z.infer<typeof ClassifiedTouched>;
