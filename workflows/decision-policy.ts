// The approval policy applied to each decision (DESIGN §4): who may decide, four-eyes, one vote each, vetoes, quorum, plan hash.
import { peopleOf, type Roster } from '../src/model/roster.js';
import type { Approval } from '../src/model/runbook.js';
import type { StepView } from '../src/model/incident.js';
import type { DecisionRequest } from '../src/model/incident-requests.js';

export const COMMANDERS = 'incident-commanders';

export type Verdict =
  | { accepted: false; reason: string }
  | { accepted: true; outcome: 'approved' | 'rejected' | 'counted' };

/** People who may still vote on a step: the approval groups' members, less the requester and those who voted. */
export function waitingOn(approval: Approval, roster: Roster, votes: { person: string }[], requestedBy?: string): string[] {
  const voted = new Set(votes.map((v) => v.person));
  return peopleOf(roster, approval.from).filter((p) => p !== requestedBy && !voted.has(p));
}

export function judge(
  request: DecisionRequest, step: StepView | undefined, approval: Approval | undefined, roster: Roster, requestedBy?: string,
): Verdict {
  if (!step || !approval) return { accepted: false, reason: `step "${request.step}" has no approval in this runbook` };
  if (step.status !== 'awaiting_approval') return { accepted: false, reason: `step "${request.step}" is not waiting for a decision (it is ${step.status})` };
  if (!peopleOf(roster, approval.from).includes(request.person)) {
    return { accepted: false, reason: `${request.person} is not in ${approval.from.join(' or ')}, who decide step "${request.step}"` };
  }
  if (request.person === requestedBy) return { accepted: false, reason: `${request.person} raised this incident and cannot also approve it (four-eyes)` };
  const votes = step.approvals?.votes ?? [];
  if (votes.some((v) => v.person === request.person)) return { accepted: false, reason: `${request.person} has already voted on step "${request.step}"` };
  if (request.planHash !== undefined && request.planHash !== step.plan?.hash) {
    return { accepted: false, reason: `the plan changed since it was shown (hash ${request.planHash.slice(0, 12)}… is not the current ${step.plan?.hash.slice(0, 12) ?? 'none'}…): review the new plan` };
  }
  if (request.decision === 'reject') return { accepted: true, outcome: 'rejected' };
  const approvals = votes.filter((v) => v.decision === 'approve').length + 1;
  return { accepted: true, outcome: approvals >= approval.quorum ? 'approved' : 'counted' };
}
