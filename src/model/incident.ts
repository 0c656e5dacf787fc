// The incident as people and the HTTP API see it (IncidentView, docs/design.md §6), and the workflow's input.
import { z } from 'zod';
import { Alert, Severity } from './alert.js';
import { Phase, Runbook } from './runbook.js';
import { NOTICE_CHANNELS, type ChannelName } from './notice.js';
import { Roster } from './roster.js';
import { Plan } from './plan.js';
import { RefusalSample } from './incident-requests.js';
import { BrokerWait } from './unconfirmed-broker.js';
import { DEFAULT_CLUSTER } from './clusters.js';
import { runTag } from './incident-id.js';

export const StepStatus = z.enum([
  'pending', 'planned', 'awaiting_approval', 'running', 'done', 'failed', 'skipped', 'rejected', 'undone',
  /** Done where brokers answered; some never did within the wait (broker-wait.ts): people decide. */
  'unconfirmed',
  /** Failed, with `onFailure: ask`: waits for someone to answer retry, skip or abort. */
  'awaiting_answer',
]);
export type StepStatus = z.infer<typeof StepStatus>;

export const Vote = z.object({
  person: z.string(),
  channel: z.string(),
  decision: z.enum(['approve', 'reject']),
  at: z.string(),
});

export const StepView = z.object({
  id: z.string(),
  phase: Phase,
  action: z.string(),
  status: StepStatus,
  plan: Plan.optional(),
  approvals: z.object({
    quorum: z.number(), votes: z.array(Vote), waitingOn: z.array(z.string()),
    /** The escalation's people, once escalated, when the runbook lets them decide (`canDecide`). */
    escalatedTo: z.array(z.string()).optional(),
  }).optional(),
  /** The question a failed step asks (`onFailure: ask`): who may answer, and the answer once given. */
  ask: z.object({
    error: z.string(),
    waitingOn: z.array(z.string()),
    answer: z.object({ person: z.string(), channel: z.string(), decision: z.enum(['retry', 'skip', 'abort']), at: z.string() }).optional(),
  }).optional(),
  output: z.unknown().optional(),
  error: z.string().optional(),
  /** Why a skipped step did not run (a dry run, nothing to work on). */
  note: z.string().optional(),
  /** Brokers the step is waiting to hear from, and since when; kept on an unconfirmed step. */
  waitingFor: z.array(BrokerWait).optional(),
});
export type StepView = z.infer<typeof StepView>;

export const TimelineEntry = z.looseObject({ at: z.string(), type: z.string() });
export type TimelineEntry = z.infer<typeof TimelineEntry>;

/** An attached alert as the incident keeps it: its key and its texts, cut to the incident's limits. */
export const AlertSample = z.object({ at: z.string(), alertKey: z.string(), kind: z.string(), summary: z.string(), source: z.string() });
export type AlertSample = z.infer<typeof AlertSample>;

export const IncidentStatus = z.enum(['open', 'closed', 'aborted']);

export const IncidentView = z.object({
  id: z.string(),
  runbook: z.object({ id: z.string(), version: z.number() }),
  subject: z.string(),
  /** The Kafka cluster it acts on; absent in incidents opened before the engine served several ("default"). */
  cluster: z.string().optional(),
  severity: Severity,
  status: IncidentStatus,
  phase: z.union([Phase, z.enum(['closed', 'aborted'])]),
  dryRun: z.boolean(),
  /** A rehearsal (`kafka-ir drill`): real people, channels and timers; no Kafka change. */
  drill: z.boolean().optional(),
  openedAt: z.string(),
  closedAt: z.string().optional(),
  /** Alerts received about the subject, the first included; the first few are in the timeline. */
  alerts: z.number(),
  /** The latest alerts attached, oldest first (the timeline lists only the first few). */
  latestAlerts: z.array(AlertSample).optional(),
  /** Requests refused before they counted (forged or expired links, bad Slack signatures, requests the engine did not seal): how many, and the latest. */
  refused: z.object({ count: z.number(), last: z.array(RefusalSample) }).optional(),
  steps: z.array(StepView),
  timeline: z.array(TimelineEntry),
});
export type IncidentView = z.infer<typeof IncidentView>;

const NoticeChannels = z.partialRecord(z.enum(NOTICE_CHANNELS.map((c) => c.name) as [ChannelName, ...ChannelName[]]), z.boolean());

/** What starts an incident workflow: the runbook travels pinned in the input, so editing YAML never changes it. */
export const IncidentInput = z.object({
  runbook: Runbook,
  alert: Alert,
  alertKey: z.string(),
  subject: z.string(),
  /** The cluster every Kafka action and read of the incident goes to; absent: "default". */
  cluster: z.string().optional(),
  dryRun: z.boolean().default(false),
  /** A drill: a dry run whose approvals go to the real people instead of granting themselves (implies dryRun). */
  drill: z.boolean().optional(),
  /** The roster as it was when the incident opened: who may decide is pinned like the runbook. */
  roster: Roster,
  /** The authenticated person who raised the alert, if any: four-eyes keeps them from approving. */
  requestedBy: z.string().optional(),
  /** The channels this incident notifies, as configured when it opened; absent: none. */
  notify: NoticeChannels.optional(),
});
export type IncidentInput = z.infer<typeof IncidentInput>;

export const IntakeStatus = z.enum(['started', 'attached', 'duplicate']);
export type IntakeStatus = z.infer<typeof IntakeStatus>;

// The id functions live apart, free of zod, for the workflow sandbox.
export { incidentId, parseIncidentId, runTag } from './incident-id.js';

/** An execution's tag: the one the intake chose before the start (its memo's `incidentTag`), else its first run id's. */
export function tagOf(memo: Record<string, unknown> | undefined, firstRunId: string): string {
  return typeof memo?.incidentTag === 'string' ? memo.incidentTag : runTag(firstRunId);
}

/**
 * The runbook and cluster an incident's workflow id names: `ir-<runbook>[.<cluster>]-<16 hex>[-dry]`, the cluster
 * left out for the one named "default" (so ids made before there were several clusters stay valid).
 */
export function workflowIdParts(workflowId: string): { runbook: string; cluster: string } | undefined {
  const m = /^ir-([a-z0-9-]+?)(?:\.([a-z0-9-]+))?-[0-9a-f]{16}(?:-dry|-drill)?$/.exec(workflowId);
  return m ? { runbook: m[1]!, cluster: m[2] ?? DEFAULT_CLUSTER } : undefined;
}
