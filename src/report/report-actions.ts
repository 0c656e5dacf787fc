// Steps as the report tells them: each action with its plan, what it changed and its timed activity runs; each approval with its votes.
import type { IncidentView, StepView, TimelineEntry } from '../model/incident.js';
import { ApplyResult } from '../model/plan.js';
import type { ActivityRun, ReportAction, ReportApproval } from '../model/incident-report.js';
import type { ActivityFact, HistoryFacts } from './history-facts.js';
import { span } from './report-metrics.js';

/** The activity that archives the incident is bookkeeping, not an action of the runbook. */
export const ARCHIVE_ACTIVITY = 'archiveIncident';

function runsOf(step: StepView, facts: HistoryFacts | undefined): ActivityRun[] {
  const mine = (facts?.activities ?? []).filter((f) => f.activity !== ARCHIVE_ACTIVITY && f.request.step === step.id);
  let applied = false;
  return mine.map((f: ActivityFact) => {
    let role: ActivityRun['role'] = f.activity.startsWith('plan') ? 'plan' : 'run';
    if (f.activity === 'applyChanges') {
      // An undo step applies its target's inverse; a second apply under a change step is the rollback's inverse.
      role = step.action.startsWith('undo:') || applied ? 'undo' : 'apply';
      if (f.outcome === 'completed') applied = true;
    }
    return {
      activity: f.activity, role, scheduledAt: f.scheduledAt, ...(f.closedAt ? { closedAt: f.closedAt } : {}),
      durationMs: span(f.scheduledAt, f.closedAt), ...(f.attempts ? { attempts: f.attempts } : {}), outcome: f.outcome, ...(f.error ? { error: f.error } : {}),
    };
  });
}

function undoneOf(step: StepView, view: IncidentView, runs: readonly ActivityRun[]): ReportAction['undone'] {
  if (step.status !== 'undone') return undefined;
  const rollback = view.timeline.find((t) => t.type === 'step.undone' && t.step === step.id);
  if (rollback) return { at: runs.find((r) => r.role === 'undo')?.closedAt ?? rollback.at, by: 'rollback' };
  const by = view.steps.find((s) => s.action === `undo:${step.id}`);
  const at = by && view.timeline.find((t) => t.type === 'step.done' && t.step === by.id)?.at;
  return at && by ? { at, by: by.id } : undefined;
}

export function reportActions(view: IncidentView, facts: HistoryFacts | undefined): ReportAction[] {
  return view.steps.map((step) => {
    const runs = runsOf(step, facts);
    const applyResult = (facts?.activities ?? []).find((f) => f.activity === 'applyChanges' && f.request.step === step.id && f.outcome === 'completed')?.result;
    const applied = ApplyResult.safeParse(step.plan ? (applyResult ?? step.output) : undefined);
    const undone = undoneOf(step, view, runs);
    return {
      step: step.id, phase: step.phase, action: step.action, status: step.status,
      ...(step.plan ? { plan: { summary: step.plan.summary, hash: step.plan.hash, notes: step.plan.notes, changes: step.plan.changes, inverse: step.plan.inverse } } : {}),
      ...(applied.success ? { changed: applied.data.changed, alreadyInPlace: applied.data.alreadyInPlace } : {}),
      ...(step.error ? { error: step.error } : {}),
      ...(step.note ? { note: step.note } : {}),
      runs,
      ...(undone ? { undone } : {}),
    };
  });
}

const lastOf = (timeline: readonly TimelineEntry[], type: string, step: string) => timeline.filter((t) => t.type === type && t.step === step).at(-1);

export function reportApprovals(view: IncidentView, facts: HistoryFacts | undefined): ReportApproval[] {
  return view.steps.filter((s) => s.approvals).map((step) => {
    const requestedAt = lastOf(view.timeline, 'approval.requested', step.id)?.at ?? view.openedAt;
    // Votes only: answers to a failed step's question (retry, skip, abort) are in the timeline, not in the approval.
    const decisions = (facts?.updates ?? []).filter((u) => u.name === 'decide' && u.args.step === step.id && (u.args.decision === 'approve' || u.args.decision === 'reject'));
    const votes = facts
      ? decisions.filter((u) => u.result?.accepted === true).map((u) => ({
        person: String(u.args.person), channel: String(u.args.channel), decision: u.args.decision as 'approve' | 'reject', at: u.at,
        ...(typeof u.args.reason === 'string' ? { reason: u.args.reason } : {}),
      }))
      : step.approvals!.votes;
    const refusals = facts
      ? decisions.filter((u) => u.result?.accepted === false).map((u) => ({
        person: String(u.args.person), channel: String(u.args.channel), at: u.at, reason: String(u.result?.reason), decision: String(u.args.decision),
      }))
      : view.timeline.filter((t) => t.type === 'decision.refused' && t.step === step.id).map((t) => ({
        person: String(t.person), channel: String(t.channel), at: t.at, reason: String(t.reason), decision: String(t.decision),
      }));
    const quorum = step.approvals!.quorum;
    const reject = votes.find((v) => v.decision === 'reject');
    const ended = lastOf(view.timeline, 'step.ended', step.id);
    let outcome: ReportApproval['outcome'] = 'pending';
    let decidedAt: string | undefined;
    if (reject) [outcome, decidedAt] = ['rejected', reject.at];
    else if (votes.filter((v) => v.decision === 'approve').length >= quorum) [outcome, decidedAt] = ['approved', votes.filter((v) => v.decision === 'approve')[quorum - 1]!.at];
    else if (view.dryRun && !view.drill && step.status !== 'awaiting_approval') [outcome, decidedAt] = ['approved', requestedAt]; // dry runs approve themselves
    else if (ended?.status === 'timed_out') [outcome, decidedAt] = ['timed_out', ended.at];
    else if (ended?.status === 'skipped') [outcome, decidedAt] = ['skipped', ended.at];
    return { step: step.id, quorum, requestedAt, ...(decidedAt ? { decidedAt } : {}), outcome, waitMs: span(requestedAt, decidedAt), votes, refusals };
  });
}
