// The approval policy applied to each decision (docs/design.md §4): who may decide, four-eyes, one vote each, vetoes, quorum, plan hash, one decision at a time.
import { peopleOf, type Roster } from '../src/model/roster.js';
import type { Approval } from '../src/model/runbook.js';
import type { StepView } from '../src/model/incident.js';
import type { DecisionRequest } from '../src/model/incident-requests.js';
import type { IncidentEvent } from '../src/model/to-machine.js';

export const COMMANDERS = 'incident-commanders';

export type Verdict =
  | { accepted: false; reason: string }
  | { accepted: true; outcome: 'approved' | 'rejected' | 'counted' };

/** People who may still vote on a step: the approval groups' members, less the requester and those who voted. */
export function waitingOn(approval: Approval, roster: Roster, votes: { person: string }[], requestedBy?: string): string[] {
  const voted = new Set(votes.map((v) => v.person));
  return peopleOf(roster, approval.from).filter((p) => p !== requestedBy && !voted.has(p));
}

/** What the events not yet given to the machine will do to a step's decision: a vote lands on that state, not today's. */
export type PendingOutcome = 'approved' | 'rejected' | 'aborted';

export function pendingOutcome(events: readonly IncidentEvent[], step: string): PendingOutcome | undefined {
  for (const e of events) {
    if (e.type === 'incident.abort') return 'aborted';
    if ((e.type === 'step.approved' || e.type === 'step.rejected') && e.step === step) return e.type === 'step.approved' ? 'approved' : 'rejected';
  }
  return undefined;
}

export function judge(
  request: DecisionRequest, step: StepView | undefined, approval: Approval | undefined, roster: Roster, requestedBy?: string,
  pending?: PendingOutcome,
): Verdict {
  if (!step || !approval) return { accepted: false, reason: `step "${request.step}" has no approval in this runbook` };
  if (step.status !== 'awaiting_approval') return { accepted: false, reason: `step "${request.step}" is not waiting for a decision (it is ${step.status})` };
  if (!peopleOf(roster, approval.from).includes(request.person)) {
    return { accepted: false, reason: `${request.person} is not in ${approval.from.join(' or ')}, who decide step "${request.step}"` };
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
  const approvals = votes.filter((v) => v.decision === 'approve').length + 1;
  return { accepted: true, outcome: approvals >= approval.quorum ? 'approved' : 'counted' };
}
