// The post-mortem report (docs/design.md §1): one zod schema, the source of schema/report.schema.json and of every rendering.
import { z } from 'zod';
import { Severity } from './alert.js';
import { BackdoorFindings } from './baseline.js';
import { CoverageGap, DeliveredRange, PartitionExtent } from './access-findings.js';
import { BlastRadius, EvidenceFile } from './actions/forensics.js';
import { IncidentStatus, StepStatus } from './incident.js';
import { Phase } from './runbook.js';
import { Change } from './plan.js';

const At = z.string().describe('ISO 8601 time');
const Ms = z.number().int().nonnegative().nullable().describe('milliseconds; null when it never happened');

export const ReportEvent = z.object({
  at: At,
  type: z.string().describe('alert, phase, approval.requested, approval.escalated, vote, decision.refused, note, lessons, abort, force-advance, action.plan, action.apply, action.run, action.undo, step.ended, closed, aborted, rollback.*, page.triggered, page.acknowledged, page.resolved, message.sent, message.unsent, message.dry-run'),
  summary: z.string(),
  step: z.string().optional(),
  phase: z.string().optional(),
  person: z.string().optional(),
  channel: z.string().optional(),
});
export type ReportEvent = z.infer<typeof ReportEvent>;

/** One activity execution behind a step, timed from its scheduled to its closing history event. */
export const ActivityRun = z.object({
  activity: z.string(),
  role: z.enum(['plan', 'apply', 'run', 'undo']),
  scheduledAt: At,
  closedAt: At.optional(),
  durationMs: Ms,
  attempts: z.number().int().positive().optional(),
  outcome: z.enum(['completed', 'failed', 'timed_out', 'canceled', 'running']),
  error: z.string().optional(),
});
export type ActivityRun = z.infer<typeof ActivityRun>;

export const ReportAction = z.object({
  step: z.string(),
  phase: z.string(),
  action: z.string(),
  status: z.string(),
  plan: z.object({ summary: z.string(), hash: z.string(), notes: z.array(z.string()), changes: z.array(Change), inverse: z.array(Change) }).optional(),
  changed: z.array(Change).optional().describe('what the apply changed on the cluster'),
  alreadyInPlace: z.number().int().nonnegative().optional(),
  error: z.string().optional(),
  /** Why a skipped step did not run (a dry run, nothing to work on). */
  note: z.string().optional(),
  runs: z.array(ActivityRun),
  undone: z.object({ at: At, by: z.string() }).optional(),
});
export type ReportAction = z.infer<typeof ReportAction>;

export const Vote = z.object({ person: z.string(), channel: z.string(), decision: z.enum(['approve', 'reject']), at: At, reason: z.string().optional() });
export const Refusal = z.object({ person: z.string(), channel: z.string(), at: At, reason: z.string(), decision: z.string().optional() });

export const ReportApproval = z.object({
  step: z.string(),
  quorum: z.number().int().positive(),
  requestedAt: At,
  decidedAt: At.optional(),
  outcome: z.enum(['approved', 'rejected', 'timed_out', 'skipped', 'pending']),
  waitMs: Ms.describe('approval.requested → approved (or rejected)'),
  votes: z.array(Vote),
  refusals: z.array(Refusal),
});
export type ReportApproval = z.infer<typeof ReportApproval>;

export const PhaseSpan = z.object({ phase: z.string(), enteredAt: At, leftAt: At.optional(), durationMs: Ms });

export const ReportMetrics = z.object({
  timeToTriageMs: Ms.describe('opened → first detection step done, or containment entered'),
  timeToContainMs: Ms.describe('opened → first containment change applied, else containment phase left'),
  timeToRecoverMs: Ms.describe('opened → recovery phase left'),
  timeToCloseMs: Ms.describe('opened → closed or aborted'),
  phases: z.array(PhaseSpan),
  approvalWaitMs: z.record(z.string(), Ms).describe('per approval step'),
});
export type ReportMetrics = z.infer<typeof ReportMetrics>;

export const EvidenceRecord = z.object({
  step: z.string(), dir: z.string(), files: z.array(EvidenceFile), manifestSha256: z.string(), custodyHead: z.string(), truncated: z.boolean(), messages: z.number(),
});

export const FlowStep = z.object({
  id: z.string(),
  action: z.string().describe('the action, or undo:<step> for a step that lifts an earlier one'),
  kind: z.enum(['read', 'change', 'undo']),
  status: StepStatus.describe('pending: never reached'),
  approval: z.object({ quorum: z.number().int().positive() }).optional(),
});
export type FlowStep = z.infer<typeof FlowStep>;

export const FlowPhase = z.object({
  phase: Phase,
  entered: z.boolean(),
  /** In order; a parallel group's steps run at once and the phase moves on when all are over. */
  items: z.array(z.object({ parallel: z.boolean(), steps: z.array(FlowStep) })),
  /** A process gate the phase waits at: a verified containment before eradication, the lessons record before close. */
  gate: z.object({ kind: z.enum(['verified', 'lessons']), forced: z.boolean() }).optional(),
});
export type FlowPhase = z.infer<typeof FlowPhase>;

/** The runbook's statechart and the path this incident took through it. */
export const ReportFlow = z.object({
  from: z.enum(['runbook', 'view']).describe('runbook: the pinned runbook (parallel groups and gates known); view: the steps as the view lists them'),
  phases: z.array(FlowPhase),
  end: IncidentStatus.describe('open: still running'),
  lastPhase: Phase.optional().describe('the last phase entered: where an abort left from'),
});
export type ReportFlow = z.infer<typeof ReportFlow>;

/** One topic in the answers: what the brokers delivered (basis records), or what its own groups committed (basis offsets). */
export const AnsweredRead = z.object({
  topic: z.string().describe('the topic, or "topic id <id>" when no source could name it'),
  messages: z.object({ atLeast: z.number().int().nonnegative(), atMost: z.number().int().nonnegative().nullable().describe('null: no upper bound known (basis offsets)') }),
  /** Empty on basis offsets: committed offsets say how far, not which offsets were delivered. */
  ranges: z.array(DeliveredRange),
  /** Each read partition's log when measured: what the ranges are drawn against. */
  extent: z.array(PartitionExtent).optional(),
  clientIds: z.array(z.string()),
  hosts: z.array(z.string()),
  groups: z.array(z.string()),
});
export type AnsweredRead = z.infer<typeof AnsweredRead>;

/** The questions asked first, answered from whichever steps ran kafka.blastRadius and kafka.baseline.diff. */
export const ReportAnswers = z.object({
  /** The step that measured what the principal did; null when no such step ran to the end. */
  blastRadius: z.object({ step: z.string(), principal: z.string() }).nullable(),
  topicsRead: z.array(AnsweredRead),
  coverage: z.object({
    answer: z.enum(['exact', 'estimate', 'unknown']),
    basis: z.enum(['records', 'offsets']).nullable(),
    window: z.object({ from: At, to: At }).nullable(),
    /** Spans the records do not cover, and why: what keeps the answer from being exact. */
    missing: z.array(CoverageGap),
    /** What else limits the answer, in words (an offsets estimate's caveat; no blast radius at all). */
    note: z.string().nullable(),
  }),
  classified: z.object({
    answer: z.enum(['yes', 'not seen', 'at risk', 'unknown']),
    topics: z.array(z.object({ topic: z.string(), label: z.string() })),
    because: z.string(),
  }),
  written: z.array(z.object({ topic: z.string(), requests: z.number().int().nonnegative(), bytes: z.number().int().nonnegative() })),
  denied: z.array(z.object({ operation: z.string(), resource: z.string(), request: z.string(), count: z.number().int().nonnegative() })),
  /** Groups it may use that others may use too: what they consumed is charged to no one. */
  sharedGroups: z.array(z.object({ group: z.string(), sharedWith: z.array(z.string()) })),
  /** From the step that ran kafka.baseline.diff; null when none ran to the end. */
  backdoors: BackdoorFindings.extend({ step: z.string(), baseline: z.string() }).nullable(),
  /** From the step that ran kafka.admin.audit (what was done, by whom, and the follow-ups raised); null when none ran to the end. */
  hunt: z.object({
    step: z.string(),
    window: z.object({ from: At, to: At }),
    /** How completely the request logs cover the window; "none" when no records were read (the baseline diff only). */
    coverage: z.enum(['exact', 'estimate', 'none']),
    requests: z.number().int().nonnegative().describe('administrative requests in the window'),
    refused: z.number().int().nonnegative().describe('of which the brokers refused every item'),
    findings: z.array(z.object({
      kind: z.string(),
      says: z.string(),
      by: z.string().nullable(),
      at: At.nullable(),
      host: z.string().nullable(),
      /** The incident the follow-up started or joined (its id), or why there is none. */
      followUp: z.object({ status: z.string(), incident: z.string().nullable(), runbook: z.string().nullable(), reason: z.string().nullable() }).nullable(),
      why: z.string().nullable(),
    })),
  }).nullable().default(null),
  timeToContainMs: Ms.describe('as metrics.timeToContainMs'),
});
export type ReportAnswers = z.infer<typeof ReportAnswers>;

export const Note = z.object({ at: At, person: z.string(), channel: z.string(), text: z.string() });

/** How a drill went: each decision asked for, how fast and by whom it came, who was reached and stayed silent, and what a real incident would have changed. */
export const DrillScore = z.object({
  decisions: z.array(z.object({
    step: z.string(),
    /** approval: a gated step; failure: a failed step's question (`onFailure: ask`). */
    kind: z.enum(['approval', 'failure']),
    requestedAt: At,
    /** approved, rejected, retry, skip, abort, timed_out, skipped (by the timeout), or waiting. */
    outcome: z.string(),
    timeToDecisionMs: Ms.describe('from the request to the decision that settled it; null when people did not settle it'),
    answeredBy: z.array(z.object({ person: z.string(), channel: z.string(), decision: z.string(), at: At, afterMs: z.number() })),
    /** People the request or its escalation reached who did not answer. */
    silent: z.array(z.string()),
    escalatedTo: z.array(z.string()),
  })),
  /** The plans a real incident would have applied, which the drill only showed. */
  wouldHaveChanged: z.array(z.object({ step: z.string(), action: z.string(), summary: z.string(), changes: z.array(z.string()) })),
});
export type DrillScore = z.infer<typeof DrillScore>;

export const IncidentReport = z.object({
  reportVersion: z.literal(2),
  generatedAt: At,
  /** history: built from the decoded workflow history plus the final view; view: the history was unavailable. */
  builtFrom: z.enum(['history', 'view']),
  incident: z.object({
    id: z.string(),
    runbook: z.object({ id: z.string(), version: z.number() }),
    subject: z.string(),
    /** Absent in reports made before the engine served several clusters. */
    cluster: z.string().optional().describe('the Kafka cluster the incident acted on'),
    severity: Severity,
    status: IncidentStatus,
    phase: z.string(),
    dryRun: z.boolean(),
    /** A rehearsal (`kafka-ir drill`): the report is marked DRILL and scores it under `drill`. */
    drill: z.boolean().default(false),
    openedAt: At,
    closedAt: At.optional(),
    alerts: z.number().int().nonnegative(),
  }),
  answers: ReportAnswers,
  flow: ReportFlow,
  metrics: ReportMetrics,
  timeline: z.array(ReportEvent),
  approvals: z.array(ReportApproval),
  actions: z.array(ReportAction),
  blastRadius: BlastRadius.nullable(),
  evidence: z.array(EvidenceRecord),
  lessons: z.array(Note),
  notes: z.array(Note),
  /** Only for a drill. */
  drill: DrillScore.nullable().default(null),
});
export type IncidentReport = z.infer<typeof IncidentReport>;

export function reportJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(IncidentReport, { io: 'output', unrepresentable: 'any' }),
    $id: 'https://kafka-ir.dev/schema/report.schema.json',
    title: 'kafka-ir post-mortem report',
  };
}
