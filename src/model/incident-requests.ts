// What a running incident can be asked (alerts, notes, decisions, abort, force-advance, refusals at the edge): one schema per update payload.
import { z } from 'zod';
import { Alert } from './alert.js';

/** Who asks, and through which door (api, slack, email): the timeline records both. */
const asker = { person: z.string(), channel: z.string() };

export const AlertDelivery = z.object({ alert: Alert, alertKey: z.string() });
export type AlertDelivery = z.infer<typeof AlertDelivery>;

export const NoteRequest = z.object({ ...asker, text: z.string().trim().min(1), lessons: z.boolean() });
export type NoteRequest = z.infer<typeof NoteRequest>;

export const AbortRequest = z.object({ ...asker, reason: z.string(), rollback: z.boolean() });
export type AbortRequest = z.infer<typeof AbortRequest>;

export const ForceAdvanceRequest = z.object({ ...asker, reason: z.string() });
export type ForceAdvanceRequest = z.infer<typeof ForceAdvanceRequest>;

export const DecisionRequest = z.object({
  ...asker,
  step: z.string(),
  decision: z.enum(['approve', 'reject']),
  reason: z.string().optional(),
  /** The plan the person saw: a decision on a stale plan is refused. */
  planHash: z.string().optional(),
  /** An email link's one-time nonce: a link already used is refused. */
  nonce: z.string().optional(),
});
export type DecisionRequest = z.infer<typeof DecisionRequest>;

/** A refusal at the edge (bad Slack signature, expired link, unknown Slack user…), recorded in the incident's timeline. */
export const EdgeRefusal = z.object({ channel: z.string(), reason: z.string(), step: z.string().optional(), person: z.string().optional() });
export type EdgeRefusal = z.infer<typeof EdgeRefusal>;
