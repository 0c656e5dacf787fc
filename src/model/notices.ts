// Builds the notices an incident sends from its view (pure: the workflow calls these, the notify activities render them).
import type { Alert } from './alert.js';
import { durationMs } from './duration.js';
import type { IncidentView, StepView } from './incident.js';
import type { ApprovalNotice, IncidentSummary, NoticeIncident, NoticePerson } from './notice.js';
import { describeFrom, fillSeats, groupsOf, quorumOf, seatsOf, votersOf } from './approval-seats.js';
import type { Roster } from './roster.js';
import type { Approval } from './runbook.js';

export function noticeIncident(view: IncidentView, alert: Alert): NoticeIncident {
  return {
    id: view.id, runbook: view.runbook, subject: view.subject, severity: view.severity, status: view.status, phase: view.phase,
    alert: { kind: alert.kind, summary: alert.summary, ...(alert.source ? { source: alert.source } : {}) }, dryRun: view.dryRun,
    ...(view.drill ? { drill: true } : {}),
  };
}

export function noticePeople(roster: Roster, handles: readonly string[]): NoticePerson[] {
  return handles.map((handle) => {
    const p = roster.people[handle];
    return { handle, ...(p?.name ? { name: p.name } : {}), ...(p?.slack ? { slack: p.slack } : {}), ...(p?.email ? { email: p.email } : {}) };
  });
}

/** What earlier steps found that a person deciding should know: the blast radius, in a line or two. */
function findings(view: IncidentView): string[] {
  return view.steps.flatMap((s) => {
    if (s.action !== 'kafka.blastRadius' || s.status !== 'done') return [];
    const b = s.output as {
      principal?: string; readableTopics?: string[]; readTopics?: string[]; classified?: { topic: string; label: string; status: string }[];
      coverage?: { basis: string; answer: string };
    };
    const status: Record<string, string> = { read: 'read', atRisk: 'at risk', notSeen: 'not seen' };
    const classified = (b.classified ?? []).map((c) => `${c.topic} (${c.label}, ${status[c.status] ?? c.status})`);
    const none = b.coverage?.basis === 'records' ? 'none in the brokers\' records' : 'none that left offsets';
    const basis = b.coverage ? ` (${b.coverage.basis === 'records' ? 'access records' : 'group offsets'}, ${b.coverage.answer})` : '';
    return [
      `Blast radius of ${b.principal ?? view.subject}: can read ${b.readableTopics?.length ?? 0} topic(s), read ${(b.readTopics ?? []).join(', ') || none}${basis}`,
      ...(classified.length ? [`Classified data: ${classified.join(', ')}`] : []),
    ];
  });
}

/** A message of the communication plan waiting for approval: the exact text, and who it goes to. */
function draftOf(step: StepView): string[] {
  if (step.action !== 'message') return [];
  const d = step.output as { to?: string[]; subject?: string; text?: string } | undefined;
  return [`Message to ${(d?.to ?? []).join(', ')}${d?.subject ? ` (subject: ${d.subject})` : ''}: "${d?.text ?? ''}"`];
}

function undoOf(step: StepView): string {
  if (step.action === 'message') return 'A message cannot be unsent once approved.';
  if (!step.plan || step.plan.changes.length === 0) return 'Nothing to undo: the plan changes nothing.';
  if (step.plan.inverse.length === 0) return 'Irreversible: this cannot be undone.';
  return `Reversible: the inverse (${step.plan.inverse.length} change(s)) is recorded before applying; recovery or an abort with rollback restores the previous state.`;
}

/** Where a gated step's approval stands, from the step itself. */
function approvalState(step: StepView, approval: Approval, roster: Roster): ApprovalNotice['state'] {
  const votes = step.approvals?.votes ?? [];
  if (step.status === 'awaiting_approval') return 'waiting';
  if (votes.some((v) => v.decision === 'reject')) return 'rejected';
  const approvers = votes.filter((v) => v.decision === 'approve').map((v) => v.person);
  return fillSeats(approval, roster, approvers, step.approvals?.escalatedTo).size >= seatsOf(approval).length ? 'approved' : 'ended';
}

/** The card and emails of a gated step; `state` overrides the step's own when a vote just decided it. */
export function approvalNotice(
  view: IncidentView, step: StepView, approval: Approval, roster: Roster, alert: Alert, state = approvalState(step, approval, roster),
): ApprovalNotice {
  const requested = view.timeline.filter((t) => t.type === 'approval.requested' && t.step === step.id).at(-1);
  const reasons = new Map(view.timeline.filter((t) => t.type === 'decision' && t.step === step.id).map((t) => [String(t.person), t.reason as string | undefined]));
  return {
    step: step.id,
    action: step.action,
    phase: step.phase,
    ...(step.plan ? { plan: { summary: step.plan.summary, hash: step.plan.hash, changes: step.plan.changes, notes: step.plan.notes } } : {}),
    why: [`Alert: ${alert.summary}`, ...findings(view), ...draftOf(step)],
    undo: undoOf(step),
    from: describeFrom(approval),
    quorum: quorumOf(approval),
    ...(requested ? { deadline: new Date(Date.parse(requested.at) + durationMs(approval.timeout)).toISOString() } : {}),
    votes: (step.approvals?.votes ?? []).map((v) => ({ ...v, ...(reasons.get(v.person) ? { reason: reasons.get(v.person) } : {}) })),
    deciders: noticePeople(roster, [...new Set([...votersOf(approval, roster, step.approvals?.escalatedTo), ...(step.approvals?.votes ?? []).map((v) => v.person)])]),
    waitingOn: state === 'waiting' ? noticePeople(roster, step.approvals?.waitingOn ?? votersOf(approval, roster)) : [],
    state,
    refusals: view.timeline
      .filter((t) => t.type === 'decision.refused' && t.step === step.id)
      .slice(-5)
      .map((t) => ({ at: t.at, channel: String(t.channel), reason: String(t.reason), ...(t.person ? { person: String(t.person) } : {}) })),
    asked: askedGroups(view, step.id, groupsOf(approval)),
  };
}

/** The card and emails of a failed step that asks what to do (`onFailure: ask`): retry, skip or abort. */
export function askNotice(view: IncidentView, step: StepView, asked: readonly string[], roster: Roster, alert: Alert): ApprovalNotice {
  const ask = step.ask!;
  const requested = view.timeline.filter((t) => t.type === 'failure.asked' && t.step === step.id).at(-1);
  const timeout = requested?.timeoutMs;
  const waiting = step.status === 'awaiting_answer' && !ask.answer;
  return {
    step: step.id,
    action: step.action,
    phase: step.phase,
    ...(step.plan ? { plan: { summary: step.plan.summary, hash: step.plan.hash, changes: step.plan.changes, notes: step.plan.notes } } : {}),
    why: [`Alert: ${alert.summary}`, `Step ${step.id} failed: ${ask.error}`],
    undo: undoOf(step),
    from: ['those who approve this step', 'incident-commanders'],
    quorum: 1,
    ...(requested && typeof timeout === 'number' ? { deadline: new Date(Date.parse(requested.at) + timeout).toISOString() } : {}),
    votes: ask.answer ? [ask.answer] : [],
    deciders: noticePeople(roster, asked),
    waitingOn: waiting ? noticePeople(roster, ask.waitingOn) : [],
    state: waiting ? 'waiting' : ask.answer ? (ask.answer.decision === 'abort' ? 'rejected' : 'approved') : 'ended',
    refusals: [],
    ask: { error: ask.error },
  };
}

/** The groups a step's approval was put to: its own, then those of each escalation recorded for it. */
function askedGroups(view: IncidentView, step: string, from: readonly string[]): string[] {
  const escalated = view.timeline.filter((t) => t.type === 'approval.escalated' && t.step === step).flatMap((t) => (t.to as string[] | undefined) ?? []);
  return [...new Set([...from, ...escalated])];
}

/** `groupsAsked` names the groups each gated step (or message) asks, for the pages the close resolves. */
export function incidentSummary(view: IncidentView, groupsAsked: (step: string) => string[] = () => []): IncidentSummary {
  const contained = view.timeline.find((t) => t.type === 'step.done' && view.steps.some((s) => s.id === t.step && s.phase === 'containment' && s.plan));
  return {
    openedAt: view.openedAt,
    ...(view.closedAt ? { closedAt: view.closedAt } : {}),
    ...(contained ? { timeToContainMs: Math.max(0, Date.parse(contained.at) - Date.parse(view.openedAt)) } : {}),
    steps: view.steps.map((s) => ({ id: s.id, action: s.action, status: s.status, ...(s.plan ? { summary: s.plan.summary } : {}) })),
    decisions: view.steps.flatMap((s) => [...(s.approvals?.votes ?? []), ...(s.ask?.answer ? [s.ask.answer] : [])]
      .map((v) => ({ step: s.id, person: v.person, channel: v.channel, decision: v.decision, at: v.at }))),
    asked: view.timeline
      .filter((t) => t.type === 'approval.requested')
      .map((t) => ({ step: String(t.step), groups: askedGroups(view, String(t.step), groupsAsked(String(t.step))) })),
  };
}
