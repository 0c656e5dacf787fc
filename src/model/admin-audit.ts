// kafka.admin.audit's answer: every administrative request in a window, the backdoors among them, and the follow-up incidents raised.
import { z } from 'zod';
import { Coverage } from './access-findings.js';

const Time = z.iso.datetime({ offset: true });

/** One administrative request as the brokers logged it: who, from where, when, what it asked for, and the answer. */
export const AdminRequest = z.strictObject({
  at: Time,
  broker: z.number().int().nonnegative(),
  principal: z.string(),
  clientId: z.string(),
  host: z.string(),
  /** The request type as the authorizer names it ("CreateAcls"). */
  request: z.string(),
  /** ok: every item done; refused: the authorizer said no to every item; failed: Kafka refused otherwise; partly: some done. */
  outcome: z.enum(['ok', 'refused', 'failed', 'partly']),
  /** One line per item asked for, with Kafka's error when it refused that item. Never a secret. */
  what: z.array(z.string()),
  /** "<file>:<line>" of the request-log line. */
  source: z.string(),
  /** Why its changes raise no follow-up: made by kafka-ir's own principal or a protected one. */
  trusted: z.string().optional(),
});
export type AdminRequest = z.infer<typeof AdminRequest>;

export const FindingKind = z.enum([
  /** An ALLOW binding created. */
  'acl.granted',
  /** A DENY binding deleted: the principal it held back is free again. */
  'deny.removed',
  /** A SCRAM user that did not exist before: a new account. */
  'scram.created',
  /** A credential set for a user that existed: its password is now known to whoever set it. */
  'scram.reset',
  /** A credential set with no baseline to tell whether the user existed. */
  'scram.set',
  'token.created',
  'token.renewed',
  'topic.created',
]);
export type FindingKind = z.infer<typeof FindingKind>;

/** The incident a finding asks for: an alert of `kind` about `principal`, routed to the runbook that handles that kind. */
export const FollowUpTarget = z.strictObject({ kind: z.string(), principal: z.string() });
export type FollowUpTarget = z.infer<typeof FollowUpTarget>;

/** A change that may be a way back in, who made it and when (from the records), or only that it is there (the baseline diff). */
export const AdminFinding = z.strictObject({
  kind: FindingKind,
  /** The finding in a sentence. */
  says: z.string(),
  /** The principal whose request made it; null when only the baseline diff shows it (no request in the records explains it). */
  by: z.string().nullable(),
  at: Time.nullable(),
  host: z.string().nullable(),
  clientId: z.string().nullable(),
  broker: z.number().int().nonnegative().nullable(),
  /** What it is about: the principal granted, created, reset or owning the token; the topic created. */
  target: z.strictObject({ principal: z.string().optional(), topic: z.string().optional(), tokenId: z.string().optional() }),
  /** The request-log line, or the baseline it was compared with. */
  source: z.string(),
  /** Stable across runs and sources: the follow-up alert's fingerprint, so one backdoor raises one incident. */
  fingerprint: z.string(),
  /** The follow-up it calls for; null with `why` when none (a trusted maker, a subject no runbook can take). */
  followUp: FollowUpTarget.nullable(),
  why: z.string().optional(),
});
export type AdminFinding = z.infer<typeof AdminFinding>;

/** What became of a finding's follow-up alert: the incident it started or joined, or why none. */
export const FollowUp = z.strictObject({
  fingerprint: z.string(),
  kind: z.string(),
  principal: z.string(),
  status: z.enum(['started', 'attached', 'duplicate', 'unmatched', 'not raised']),
  incident: z.string().optional(),
  runbook: z.string().optional(),
  /** unmatched: no runbook takes the kind; not raised: why (a dry run of the follow-up failed, the engine has no intake). */
  reason: z.string().optional(),
});
export type FollowUp = z.infer<typeof FollowUp>;

export const AdminAudit = z.strictObject({
  /** The span read: from the baseline compared with (when older than `since`) to now. */
  window: z.strictObject({ from: Time, to: Time }),
  since: Time,
  /** The baseline the changes were compared with; null when there was none. */
  baseline: z.strictObject({ ref: z.string(), takenAt: z.string() }).nullable(),
  /** Every administrative request in the window, oldest first (the newest `requests.length` when more were left out). */
  requests: z.array(AdminRequest),
  requestsLeftOut: z.number().int().nonnegative(),
  findings: z.array(AdminFinding),
  followUps: z.array(FollowUp),
  /** How completely the records cover the window (request logs only); null when no records are configured. */
  coverage: Coverage.nullable(),
  notes: z.array(z.string()),
});
export type AdminAudit = z.infer<typeof AdminAudit>;
