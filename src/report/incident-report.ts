// The post-mortem report (DESIGN §1): one zod schema, the source of schema/report.schema.json and of every rendering.
import { z } from 'zod';
import { Severity } from '../model/alert.js';
import { BlastRadius, EvidenceFile } from '../model/actions/forensics.js';
import { IncidentStatus } from '../model/incident.js';
import { Change } from '../model/plan.js';

const At = z.string().describe('ISO 8601 time');
const Ms = z.number().int().nonnegative().nullable().describe('milliseconds; null when it never happened');

export const ReportEvent = z.object({
  at: At,
  type: z.string().describe('alert, phase, approval.requested, approval.escalated, vote, decision.refused, note, lessons, abort, force-advance, action.plan, action.apply, action.run, action.undo, step.ended, closed, aborted, rollback.*'),
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

export const Note = z.object({ at: At, person: z.string(), channel: z.string(), text: z.string() });

export const IncidentReport = z.object({
  reportVersion: z.literal(1),
  generatedAt: At,
  /** history: built from the decoded workflow history plus the final view; view: the history was unavailable. */
  builtFrom: z.enum(['history', 'view']),
  incident: z.object({
    id: z.string(),
    runbook: z.object({ id: z.string(), version: z.number() }),
    subject: z.string(),
    severity: Severity,
    status: IncidentStatus,
    phase: z.string(),
    dryRun: z.boolean(),
    openedAt: At,
    closedAt: At.optional(),
    alerts: z.number().int().nonnegative(),
  }),
  metrics: ReportMetrics,
  timeline: z.array(ReportEvent),
  approvals: z.array(ReportApproval),
  actions: z.array(ReportAction),
  blastRadius: BlastRadius.nullable(),
  evidence: z.array(EvidenceRecord),
  lessons: z.array(Note),
  notes: z.array(Note),
});
export type IncidentReport = z.infer<typeof IncidentReport>;

export function reportJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(IncidentReport, { io: 'output', unrepresentable: 'any' }),
    $id: 'https://kafka-ir.dev/schema/report.schema.json',
    title: 'kafka-ir post-mortem report',
  };
}
