// Builds the post-mortem from the decoded workflow history plus the final view: the history says who did what and when, the view adds the machine's phases.
import { DEFAULT_CLUSTER } from '../model/clusters.js';
import { BlastRadius, EvidenceCapture } from '../model/actions/forensics.js';
import { describeWait } from '../model/broker-wait.js';
import type { BrokerWait } from '../model/unconfirmed-broker.js';
import type { IncidentView, TimelineEntry } from '../model/incident.js';
import { historyFacts, type HistoryFacts } from './history-facts.js';
import type { DecodedHistory } from '../model/decoded-history.js';
import { IncidentReport, type ReportAction, type ReportEvent } from '../model/incident-report.js';
import { reportActions, reportApprovals } from './report-actions.js';
import { lastOutput, reportAnswers } from './report-answers.js';
import { drillScore } from './report-drill.js';
import { reportFlow } from './report-flow.js';
import { reportMetrics } from './report-metrics.js';

/** Entries only the view holds (the machine's own moves); with no history, the view's record of people's acts is used too. */
const FROM_VIEW = new Set([
  'phase', 'approval.requested', 'approval.escalated', 'step.ended', 'closed', 'aborted', 'rollback.started', 'rollback.done', 'rollback.failed', 'followUp',
  'step.waiting', 'step.confirmed', 'step.unconfirmed',
  'page.triggered', 'page.acknowledged', 'page.resolved', 'message.sent', 'message.unsent', 'message.dry-run',
]);
const PEOPLE_IN_VIEW = new Set(['alert', 'decision', 'decision.refused', 'note', 'lessons', 'abort.requested', 'abort.refused', 'force-advance', 'force-advance.refused']);

const str = (x: unknown) => (x === undefined || x === null ? '' : String(x));
const who = (e: Record<string, unknown>) => ({ person: str(e.person), channel: str(e.channel) });

function viewEvent(t: TimelineEntry): ReportEvent {
  const step = t.step === undefined ? {} : { step: str(t.step) };
  const person = t.person === undefined ? {} : who(t);
  const summary =
    t.type === 'phase' ? `entered ${str(t.phase)}`
    : t.type === 'alert' ? `${str(t.kind)}: ${str(t.summary)} (${str(t.source)})`
    : t.type === 'approval.requested' ? `approval requested from ${[t.from].flat().join(', ')} (quorum ${str(t.quorum)})`
    : t.type === 'approval.escalated' ? `escalated to ${[t.to].flat().join(', ')}`
    : t.type === 'step.ended' ? `ended: ${str(t.status)}`
    : t.type === 'decision' ? `${str(t.person)} voted ${str(t.decision)} via ${str(t.channel)}${t.reason ? `: ${str(t.reason)}` : ''}`
    : t.type.endsWith('.refused') ? `refused: ${str(t.reason)}`
    : t.type === 'note' || t.type === 'lessons' ? str(t.text)
    : t.type === 'abort.requested' ? `abort requested${t.rollback ? ' with rollback' : ''}: ${str(t.reason)}`
    : t.type === 'rollback.failed' ? `rollback failed: ${str(t.error)}`
    : t.type === 'step.waiting' ? describeWait(t.brokers as BrokerWait[])
    : t.type === 'step.confirmed' ? `every broker answered, broker(s) ${[t.brokers].flat().join(', ')} too`
    : t.type === 'step.unconfirmed' ? str(t.detail)
    : t.type === 'page.triggered' ? `paged ${str(t.group)} via ${str(t.via)}`
    : t.type === 'page.acknowledged' ? `page acknowledged by ${str(t.by)} via ${str(t.via)}`
    : t.type === 'page.resolved' ? `page of ${str(t.group)} resolved via ${str(t.via)}`
    : t.type === 'message.sent' ? `message "${str(t.message)}" sent to ${str(t.audience)} (${str(t.channel)}: ${str(t.to)}): ${str(t.text)}`
    : t.type === 'message.unsent' ? `message "${str(t.message)}" not sent${t.audience ? ` to ${str(t.audience)}` : ''}: ${str(t.reason)}`
    : t.type === 'message.dry-run' ? `message "${str(t.message)}" to ${[t.to].flat().join(', ')} not sent (dry run): ${str(t.text)}`
    : t.type === 'followUp' ? `follow-up ${t.incident ? `incident ${str(t.incident)} (${str(t.runbook)}, ${str(t.status)})` : `${str(t.status)}: ${str(t.reason)}`}: ${str(t.kind)} about ${str(t.principal)}`
    : t.type;
  return { at: t.at, type: t.type === 'decision' ? 'vote' : t.type, summary, ...step, ...(t.phase && t.type === 'phase' ? { phase: str(t.phase) } : {}), ...person };
}

function peopleEvents(facts: HistoryFacts): ReportEvent[] {
  const events: ReportEvent[] = [];
  // Every alert the history holds, each alert key once (the incident counts a resent one once): those that came with
  // an update, and those the intake log delivered in batches by signal.
  const seen = new Set<string>();
  const alertEvent = (at: string, alert: Record<string, unknown>, key: unknown) => {
    if (typeof key === 'string' && seen.has(key)) return;
    if (typeof key === 'string') seen.add(key);
    events.push({ at, type: 'alert', summary: `${str(alert.kind)}: ${str(alert.summary)} (${str(alert.source)})` });
  };
  const arrivals = [
    ...facts.updates.filter((u) => u.name === 'attachAlert' && (u.result?.status === 'started' || u.result?.status === 'attached'))
      // The alert that started the incident came with the start request; its update is accepted only at the first workflow task.
      .map((u) => ({ at: u.result?.status === 'started' && facts.startedAt ? facts.startedAt : u.at, alerts: [u.args as Record<string, unknown>] })),
    ...facts.signals.filter((s) => s.name === 'attachAlerts').map((s) => ({ at: s.at, alerts: ((s.args.alerts ?? []) as Record<string, unknown>[]) })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  for (const { at, alerts } of arrivals) for (const a of alerts) alertEvent(at, (a.alert ?? {}) as Record<string, unknown>, a.alertKey);
  for (const u of facts.updates) {
    const a = u.args as Record<string, unknown>;
    const r = u.result ?? {};
    const accepted = r.accepted !== false;
    if (u.name === 'decide') {
      const vote = a.decision === 'approve' || a.decision === 'reject';
      events.push(accepted
        ? {
          at: u.at, type: vote ? 'vote' : 'answer', step: str(a.step), ...who(a),
          summary: `${str(a.person)} ${vote ? 'voted' : 'answered'} ${str(a.decision)} via ${str(a.channel)}${a.reason ? `: ${str(a.reason)}` : ''}`,
        }
        : { at: u.at, type: 'decision.refused', step: str(a.step), ...who(a), summary: `${str(a.person)} (${str(a.decision)}) refused: ${str(r.reason)}` });
    } else if (u.name === 'addNote') {
      events.push({ at: u.at, type: a.lessons ? 'lessons' : 'note', ...who(a), summary: str(a.text) });
    } else if (u.name === 'abortIncident' || u.name === 'forceAdvance') {
      const what = u.name === 'abortIncident' ? 'abort' : 'force-advance';
      events.push({ at: u.at, type: accepted ? what : `${what}.refused`, ...who(a), summary: accepted ? `${what}${a.rollback ? ' with rollback' : ''}: ${str(a.reason)}` : `refused: ${str(r.reason)}` });
    }
  }
  return events;
}

function actionEvents(actions: readonly ReportAction[]): ReportEvent[] {
  const events: ReportEvent[] = [];
  for (const action of actions) {
    for (const run of action.runs) {
      const what = run.role === 'plan' ? `planned${action.plan ? `: ${action.plan.summary}` : ''}`
        : run.role === 'apply' ? `applied ${action.changed?.length ?? 0} change(s)`
        : run.role === 'undo' ? 'undone' : `${action.action} ran`;
      const outcome = run.outcome === 'completed' ? what : `${run.activity} ${run.outcome}${run.error ? `: ${run.error}` : ''}`;
      events.push({ at: run.closedAt ?? run.scheduledAt, type: `action.${run.role}`, step: action.step, summary: `${outcome}${run.durationMs === null ? '' : ` (${run.durationMs} ms)`}` });
    }
  }
  return events;
}

function notesOf(view: IncidentView, facts: HistoryFacts | undefined, lessons: boolean) {
  if (facts) {
    return facts.updates.filter((u) => u.name === 'addNote' && Boolean(u.args.lessons) === lessons)
      .map((u) => ({ at: u.at, ...who(u.args), text: str(u.args.text) }));
  }
  return view.timeline.filter((t) => t.type === (lessons ? 'lessons' : 'note')).map((t) => ({ at: t.at, ...who(t), text: str(t.text) }));
}

export function buildReport(view: IncidentView, history: DecodedHistory | undefined, generatedAt = new Date()): IncidentReport {
  const facts = history ? historyFacts(history) : undefined;
  const actions = reportActions(view, facts);
  const approvals = reportApprovals(view, facts);
  const fromView = view.timeline.filter((t) => FROM_VIEW.has(t.type) || (!facts && PEOPLE_IN_VIEW.has(t.type))).map(viewEvent);
  // A stable sort: at equal times what people did comes first, since the workflow acted on it in that same task.
  const timeline = [...(facts ? peopleEvents(facts) : []), ...fromView, ...actionEvents(actions)].sort((a, b) => a.at.localeCompare(b.at));
  const outputOf = (action: string) => view.steps.filter((s) => s.action === action && s.output !== undefined);
  const blast = lastOutput(view, 'kafka.blastRadius', (x) => BlastRadius.safeParse(x));
  const metrics = reportMetrics(view, actions, approvals);
  const evidence = outputOf('kafka.evidence.capture').flatMap((s) => {
    const parsed = EvidenceCapture.safeParse(s.output);
    return parsed.success ? [{ step: s.id, ...parsed.data }] : [];
  });
  return IncidentReport.parse({
    reportVersion: 2,
    generatedAt: generatedAt.toISOString(),
    builtFrom: facts ? 'history' : 'view',
    incident: {
      id: view.id, runbook: view.runbook, subject: view.subject, cluster: view.cluster ?? DEFAULT_CLUSTER, severity: view.severity, status: view.status, phase: view.phase,
      dryRun: view.dryRun, drill: view.drill ?? false, openedAt: view.openedAt, ...(view.closedAt ? { closedAt: view.closedAt } : {}), alerts: view.alerts,
    },
    answers: reportAnswers(view, metrics),
    flow: reportFlow(view, facts?.input),
    metrics,
    timeline,
    approvals,
    actions,
    blastRadius: blast?.data ?? null,
    evidence,
    lessons: notesOf(view, facts, true),
    notes: notesOf(view, facts, false),
    drill: drillScore(view),
  });
}
