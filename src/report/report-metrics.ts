// The incident's clock: phase spans, time to triage / contain / recover / close, approval waits (definitions in incident-report.ts).
import type { IncidentView } from '../model/incident.js';
import type { ReportAction, ReportApproval, ReportMetrics } from '../model/incident-report.js';

/**
 * Milliseconds between two ISO times. The view's times are the workflow task's start, taken just before the history
 * events that task processed, and both are cut to milliseconds: a difference below one millisecond can come out
 * negative, and is zero.
 */
export const span = (from: string, to: string | undefined): number | null =>
  to === undefined ? null : Math.max(0, Date.parse(to) - Date.parse(from));

const earliest = (times: (string | undefined)[]): string | undefined =>
  times.filter((t): t is string => t !== undefined).sort()[0];

export function reportMetrics(view: IncidentView, actions: readonly ReportAction[], approvals: readonly ReportApproval[]): ReportMetrics {
  const entered = view.timeline.filter((t) => t.type === 'phase');
  const phases = entered.map((t, i) => {
    const leftAt = entered[i + 1]?.at ?? view.closedAt;
    return { phase: String(t.phase), enteredAt: t.at, ...(leftAt ? { leftAt } : {}), durationMs: span(t.at, leftAt) };
  });
  const phase = (name: string) => phases.find((p) => p.phase === name);
  const doneAt = (a: ReportAction, role: 'run' | 'apply') =>
    a.runs.find((r) => r.role === role && r.outcome === 'completed')?.closedAt
    ?? (a.runs.length === 0 && a.status === 'done' ? view.timeline.find((t) => t.type === 'step.done' && t.step === a.step)?.at : undefined);

  const triagedAt = earliest([phase('containment')?.enteredAt, ...actions.filter((a) => a.phase === 'detection').map((a) => doneAt(a, 'run'))]);
  const containedAt = earliest(actions.filter((a) => a.phase === 'containment' && a.plan).map((a) => doneAt(a, 'apply'))) ?? phase('containment')?.leftAt;
  return {
    timeToTriageMs: triagedAt ? span(view.openedAt, triagedAt) : null,
    timeToContainMs: containedAt ? span(view.openedAt, containedAt) : null,
    timeToRecoverMs: span(view.openedAt, phase('recovery')?.leftAt),
    timeToCloseMs: span(view.openedAt, view.closedAt),
    phases,
    approvalWaitMs: Object.fromEntries(approvals.map((a) => [a.step, a.waitMs])),
  };
}
