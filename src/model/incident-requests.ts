// What a running incident can be asked (alerts, notes, decisions, abort, force-advance, refusals at the edge): one schema per update payload.
import { z } from 'zod';
import { Alert } from './alert.js';
import { INCIDENT_LIMITS } from './incident-limits.js';

/** Who asks, and through which door (api, slack, email): the timeline records both. */
const asker = { person: z.string(), channel: z.string() };

export const AlertDelivery = z.object({ alert: Alert, alertKey: z.string() });
export type AlertDelivery = z.infer<typeof AlertDelivery>;

/**
 * Alerts from the engine's intake log, in log order: `seq` numbers them within the log `log`, so an incident drops any
 * it already counted (a redelivery after the engine restarted between delivering and recording it).
 */
export const AlertBatch = z.object({ log: z.string(), alerts: z.array(AlertDelivery.extend({ seq: z.number().int().nonnegative() })) });
export type AlertBatch = z.infer<typeof AlertBatch>;

export const NoteRequest = z.object({ ...asker, text: z.string().trim().min(1), lessons: z.boolean() });
export type NoteRequest = z.infer<typeof NoteRequest>;

export const AbortRequest = z.object({ ...asker, reason: z.string(), rollback: z.boolean() });
export type AbortRequest = z.infer<typeof AbortRequest>;

export const ForceAdvanceRequest = z.object({ ...asker, reason: z.string() });
export type ForceAdvanceRequest = z.infer<typeof ForceAdvanceRequest>;

/** A page acknowledged in PagerDuty or Opsgenie, as its webhook said: by whom there (the vendor's name for them), for which step. */
export const PageAcknowledgement = z.object({
  step: z.string(),
  via: z.enum(['pagerduty', 'opsgenie']),
  by: z.string().max(200),
  at: z.string().optional(),
});
export type PageAcknowledgement = z.infer<typeof PageAcknowledgement>;

export const DecisionRequest = z.object({
  ...asker,
  step: z.string(),
  /** approve / reject a step waiting for approval; retry / skip / abort a failed step that asks (`onFailure: ask`). */
  decision: z.enum(['approve', 'reject', 'retry', 'skip', 'abort']),
  reason: z.string().optional(),
  /** The plan the person saw: a decision on a stale plan is refused. */
  planHash: z.string().optional(),
  /** An email link's one-time nonce: a link already used is refused. */
  nonce: z.string().optional(),
});
export type DecisionRequest = z.infer<typeof DecisionRequest>;

/** How many refused requests the edge keeps as examples per report, and the workflow per incident. */
export const EDGE_REFUSAL_SAMPLES = INCIDENT_LIMITS.samples;

/** One request refused at the edge, as an example of what was refused. */
export const RefusalSample = z.object({
  at: z.string(), channel: z.string(), reason: z.string(), step: z.string().optional(), person: z.string().optional(),
});
export type RefusalSample = z.infer<typeof RefusalSample>;

/**
 * Requests refused at the edge (bad Slack signature, forged or expired link, unknown Slack user…), reported to the
 * incident. The edge aggregates them per incident and interval and sends one report for many: `count` says how many
 * it stands for (absent: 1) and `samples` the last few, oldest first. `channel`, `reason`, `step` and `person`
 * describe the latest. The workflow keeps a counter and the last few, never one timeline entry each.
 */
export const EdgeRefusal = z.object({
  channel: z.string(),
  reason: z.string(),
  step: z.string().optional(),
  person: z.string().optional(),
  count: z.number().int().positive().optional(),
  samples: z.array(RefusalSample).max(EDGE_REFUSAL_SAMPLES).optional(),
});
export type EdgeRefusal = z.infer<typeof EdgeRefusal>;
