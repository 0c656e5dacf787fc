// Forensic reads: a principal's blast radius, and evidence capture to the evidence store (reference + hashes only).
import { z } from 'zod';
import { Principal } from '../alert.js';
import { ByteSize } from '../byte-size.js';
import {
  ClassifiedTouched, Coverage, DeniedAttempt, GroupUse, OffsetRange, SharedGroup, TopicRead, TopicWrite, UnnamedTopicRead,
} from '../access-findings.js';
import { AdminAudit } from '../admin-audit.js';
import { action } from './define.js';

export const BlastRadius = z.strictObject({
  principal: z.string(),
  /**
   * A super user bypasses ACLs: it can read and write every topic. "unknown" when the brokers hide super.users
   * (Kafka reports the authorizer's configs as sensitive: no value) and settings.authorizer.superUsers is empty.
   */
  superUser: z.union([z.boolean(), z.literal('unknown')]),
  readableTopics: z.array(z.string()),
  writableTopics: z.array(z.string()),
  groups: z.array(z.strictObject({
    id: z.string(),
    state: z.string(),
    members: z.array(z.strictObject({ clientId: z.string(), host: z.string() })),
  })),
  /**
   * Per topic, a lower bound of the messages it read: from records, the proven part of what was delivered; from
   * offsets, what its own (unshared) groups committed past since `since`.
   */
  consumed: z.array(z.strictObject({ topic: z.string(), messages: z.number().int().nonnegative() })),
  /** Topics it read: delivered records (basis records) or its own groups' commits (basis offsets). */
  readTopics: z.array(z.string()),
  /** Per classified topic it can read or did read: "notSeen" only when the records cover the window. */
  classified: z.array(z.strictObject({ topic: z.string(), label: z.string(), status: z.enum(['read', 'atRisk', 'notSeen']) })),
  caveat: z.string(),
  notes: z.array(z.string()),
  // Absent or empty in outputs recorded before access records were read (defaults keep those parsing).
  /** What the brokers delivered to it, per topic and partition (basis records). */
  reads: z.array(TopicRead).default([]),
  /** Fetches by a topic id no source could name. */
  unnamedReads: z.array(UnnamedTopicRead).default([]),
  /** Every delivered range flat, up to its possible end: what kafka.evidence.capture takes as `ranges`. */
  ranges: z.array(OffsetRange).default([]),
  written: z.array(TopicWrite).default([]),
  groupsUsed: z.array(GroupUse).default([]),
  /** Groups it may use that other principals may use too (basis offsets): never summed into `consumed`. */
  sharedGroups: z.array(SharedGroup).default([]),
  denied: z.array(DeniedAttempt).default([]),
  classifiedTouched: ClassifiedTouched.optional(),
  coverage: Coverage.optional(),
});
export type BlastRadius = z.infer<typeof BlastRadius>;

export const EvidenceFile = z.strictObject({
  /** Relative to `dir`. */
  path: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  messages: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
});
export type EvidenceFile = z.infer<typeof EvidenceFile>;

export const EvidenceCapture = z.strictObject({
  dir: z.string(),
  files: z.array(EvidenceFile),
  manifestSha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** The hash of the last custody-log entry: an anchor outside the store (`kafka-ir evidence verify --head`). */
  custodyHead: z.string().regex(/^[0-9a-f]{64}$/),
  truncated: z.boolean(),
  messages: z.number().int().nonnegative(),
});
export type EvidenceCapture = z.infer<typeof EvidenceCapture>;

export const forensicsActions = {
  'kafka.blastRadius': action({
    kind: 'read',
    summary: 'What a principal can read and write, and what it did since a time: from the brokers\' access records when configured '
      + '(offset ranges delivered, writes, groups, denials, coverage), else from its own groups\' committed offsets (a lower bound).',
    input: z.strictObject({ principal: Principal, since: z.iso.datetime({ offset: true }) }),
    output: BlastRadius,
  }),
  'kafka.admin.audit': action({
    kind: 'read',
    summary: 'What was done: every administrative request since a time (ACLs, SCRAM credentials, delegation tokens, topics, configs, quotas, '
      + 'reassignments) from the brokers\' request logs, with who, from where, when and the answer; the backdoors among them, and the '
      + 'changes since the last baseline before the window that no request explains. Each backdoor is raised as its own follow-up incident.',
    input: z.strictObject({
      since: z.iso.datetime({ offset: true }),
      /** Raise each finding as an alert into the engine's intake (deduplicated by its fingerprint); false only lists them. */
      followUp: z.boolean().default(true),
    }),
    output: AdminAudit,
  }),
  'kafka.evidence.capture': action({
    kind: 'read',
    summary: 'Topic metadata, configs, group offsets and the messages of topics (exact offset ranges, or a time range) to the evidence store: NDJSON, SHA-256 manifest, custody log.',
    // `topics: "${steps.blast-radius.output.readTopics}"` is empty when nothing was seen read.
    input: z.strictObject({
      topics: z.array(z.string().min(1)).min(1),
      /** Exact offsets per partition (e.g. kafka.blastRadius' `ranges`); a topic without ranges is captured by time. */
      ranges: z.array(OffsetRange).default([]),
      from: z.iso.datetime({ offset: true }),
      to: z.iso.datetime({ offset: true }).optional(),
      maxBytes: ByteSize.optional(),
      maxMessages: z.number().int().positive().optional(),
      /** JSON field paths ("card.number"; arrays are walked) whose values are replaced by "***". */
      mask: z.array(z.string().min(1)).default([]),
    }),
    output: EvidenceCapture,
  }),
};
