// The approval policy applied to each decision (docs/design.md §4): who may decide, four-eyes, one vote each, vetoes, quorum, plan hash, one decision at a time.
import { askedOf, COMMANDERS, describeFrom, fillSeats, seatsOf, stillNeeded, votersOf } from '../src/model/approval-seats.js';
import type { Roster } from '../src/model/roster.js';
import type { Approval } from '../src/model/runbook.js';
import type { StepView } from '../src/model/incident.js';
import type { DecisionRequest } from '../src/model/incident-requests.js';
import type { IncidentEvent } from '../src/model/to-machine.js';

export { COMMANDERS } from '../src/model/approval-seats.js';

export type Verdict =
  | { accepted: false; reason: string }
  | { accepted: true; outcome: 'approved' | 'rejected' | 'counted' | Answer };

/** The answers a failed step with `onFailure: ask` takes. */
export const ANSWERS = ['retry', 'skip', 'abort'] as const;
export type Answer = (typeof ANSWERS)[number];
export const isAnswer = (decision: string): decision is Answer => (ANSWERS as readonly string[]).includes(decision);

/**
 * People who may still vote on a step and whose approval would still count: the approval groups' members (and the
 * escalation's, once it may decide), less the requester, those who voted, and those whose team's seats are filled.
 */
export function waitingOn(approval: Approval, roster: Roster, votes: { person: string; decision: string }[], requestedBy?: string, escalatedTo: readonly string[] = []): string[] {
  const voted = new Set(votes.map((v) => v.person));
  const approvers = votes.filter((v) => v.decision === 'approve').map((v) => v.person);
  const filled = fillSeats(approval, roster, approvers, escalatedTo).size;
  return votersOf(approval, roster, escalatedTo)
    .filter((p) => p !== requestedBy && !voted.has(p) && fillSeats(approval, roster, [...approvers, p], escalatedTo).size > filled);
}

/** What the events not yet given to the machine will do to a step's decision: a vote lands on that state, not today's. */
export type PendingOutcome = 'approved' | 'rejected' | 'answered' | 'aborted';

export function pendingOutcome(events: readonly IncidentEvent[], step: string): PendingOutcome | undefined {
  for (const e of events) {
    if (e.type === 'incident.abort') return 'aborted';
    if ((e.type === 'step.approved' || e.type === 'step.rejected') && e.step === step) return e.type === 'step.approved' ? 'approved' : 'rejected';
    if (e.type === 'step.answered' && e.step === step) return 'answered';
  }
  return undefined;
}

export function judge(
  request: DecisionRequest, step: StepView | undefined, approval: Approval | undefined, roster: Roster, requestedBy?: string,
  pending?: PendingOutcome,
): Verdict {
  if (isAnswer(request.decision)) return judgeAnswer(request, step, approval, roster, pending);
  if (!step || !approval) return { accepted: false, reason: `step "${request.step}" has no approval in this runbook` };
  if (step.status !== 'awaiting_approval') return { accepted: false, reason: `step "${request.step}" is not waiting for a decision (it is ${step.status})` };
  const escalatedTo = step.approvals?.escalatedTo ?? [];
  if (!votersOf(approval, roster, escalatedTo).includes(request.person)) {
    return { accepted: false, reason: `${request.person} is not in ${describeFrom(approval).join(' or ')}, who decide step "${request.step}"` };
  }
  if (request.person === requestedBy) return { accepted: false, reason: `${request.person} raised this incident and cannot also approve it (four-eyes)` };
  const votes = step.approvals?.votes ?? [];
  if (votes.some((v) => v.person === request.person)) return { accepted: false, reason: `${request.person} has already voted on step "${request.step}"` };
  // Two votes in one workflow task both see the step waiting: the first that decides it wins, and a later one is refused
  // rather than answered "accepted" and then ignored by the machine.
  if (pending === 'aborted') return { accepted: false, reason: `the incident is being aborted: this ${request.decision} is not counted` };
  if (pending) {
    return { accepted: false, reason: `step "${request.step}" has just been ${pending} by an earlier vote: this ${request.decision} came after it and is not counted` };
  }
  if (request.planHash !== undefined && request.planHash !== step.plan?.hash) {
    return { accepted: false, reason: `the plan changed since it was shown (hash ${request.planHash.slice(0, 12)}… is not the current ${step.plan?.hash.slice(0, 12) ?? 'none'}…): review the new plan` };
  }
  if (request.decision === 'reject') return { accepted: true, outcome: 'rejected' };
  const approvers = votes.filter((v) => v.decision === 'approve').map((v) => v.person);
  const before = fillSeats(approval, roster, approvers, escalatedTo);
  const after = fillSeats(approval, roster, [...approvers, request.person], escalatedTo);
  if (after.size === before.size) {
    return { accepted: false, reason: `${request.person}'s approval would fill no open seat: step "${request.step}" still needs ${stillNeeded(approval, before)}` };
  }
  return { accepted: true, outcome: after.size >= seatsOf(approval).length ? 'approved' : 'counted' };
}

/** An answer to a failed step's question (retry, skip or abort): one answer from someone asked decides. */
function judgeAnswer(request: DecisionRequest, step: StepView | undefined, approval: Approval | undefined, roster: Roster, pending?: PendingOutcome): Verdict {
  if (!step || step.status !== 'awaiting_answer') {
    return { accepted: false, reason: `step "${request.step}" is not waiting for an answer about its failure${step ? ` (it is ${step.status})` : ''}` };
  }
  if (!askedOf(approval, roster).includes(request.person)) {
    return { accepted: false, reason: `${request.person} is not among those asked about step "${request.step}" (its approvers and ${COMMANDERS})` };
  }
  if (pending === 'aborted') return { accepted: false, reason: `the incident is being aborted: this ${request.decision} is not counted` };
  if (pending) return { accepted: false, reason: `step "${request.step}" has just been answered: this ${request.decision} came after it and is not counted` };
  return { accepted: true, outcome: request.decision as Answer };
}
