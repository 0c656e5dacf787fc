// The approval policy as the people deciding meet it: who may decide, four-eyes, one vote each, reject vetoes, quorum, stale plans.
import { describe, expect, it } from 'vitest';
import type { DecisionRequest } from '../../../src/model/incident-requests.js';
import type { StepView } from '../../../src/model/incident.js';
import { Roster } from '../../../src/model/roster.js';
import { Approval } from '../../../src/model/runbook.js';
import { judge, pendingOutcome, waitingOn } from '../../../workflows/decision-policy.js';

const roster = Roster.parse({
  people: { alice: {}, bob: {}, carol: {}, dave: {}, mallory: {} },
  groups: { secops: ['alice', 'bob'], 'incident-commanders': ['carol', 'alice'], finance: ['mallory'] },
});
const approval = (quorum: number) => Approval.parse({ from: ['secops', 'incident-commanders'], quorum, timeout: '15m' });
const HASH = 'a'.repeat(64);

/** A step waiting for decisions, with the votes already cast. */
function waiting(votes: { person: string; decision: 'approve' | 'reject' }[] = [], quorum = 1): StepView {
  return {
    id: 'deny', phase: 'containment', action: 'kafka.acl.deny', status: 'awaiting_approval',
    plan: { action: 'kafka.acl.deny', summary: 'deny User:x', changes: [], inverse: [], notes: [], hash: HASH },
    approvals: { quorum, votes: votes.map((v) => ({ ...v, channel: 'api', at: '2026-12-01T00:00:00Z' })), waitingOn: [] },
  };
}
const ask = (person: string, decision: DecisionRequest['decision'] = 'approve', extra: Partial<DecisionRequest> = {}): DecisionRequest =>
  ({ person, channel: 'api', step: 'deny', decision, ...extra });

describe('judge', () => {
  it('lets only the approval groups decide, and only a step that is waiting', () => {
    expect(judge(ask('mallory'), waiting(), approval(1), roster)).toEqual({
      accepted: false, reason: 'mallory is not in secops or incident-commanders, who decide step "deny"',
    });
    expect(judge(ask('carol'), waiting(), approval(1), roster)).toEqual({ accepted: true, outcome: 'approved' });
    expect(judge(ask('bob'), undefined, undefined, roster)).toEqual({ accepted: false, reason: 'step "deny" has no approval in this runbook' });
    expect(judge(ask('bob'), { ...waiting(), status: 'done' }, approval(1), roster)).toEqual({
      accepted: false, reason: 'step "deny" is not waiting for a decision (it is done)',
    });
  });

  it('refuses the person who raised the incident (four-eyes)', () => {
    expect(judge(ask('alice'), waiting(), approval(1), roster, 'alice')).toEqual({
      accepted: false, reason: 'alice raised this incident and cannot also approve it (four-eyes)',
    });
    expect(judge(ask('bob'), waiting(), approval(1), roster, 'alice')).toEqual({ accepted: true, outcome: 'approved' });
  });

  it('counts one vote per person, whatever they voted', () => {
    expect(judge(ask('bob'), waiting([{ person: 'bob', decision: 'approve' }], 2), approval(2), roster)).toEqual({
      accepted: false, reason: 'bob has already voted on step "deny"',
    });
    expect(judge(ask('bob', 'approve'), waiting([{ person: 'bob', decision: 'reject' }], 2), approval(2), roster)).toEqual({
      accepted: false, reason: 'bob has already voted on step "deny"',
    });
  });

  it('approves at quorum, counts votes below it, and lets one reject veto', () => {
    expect(judge(ask('alice'), waiting([], 2), approval(2), roster)).toEqual({ accepted: true, outcome: 'counted' });
    expect(judge(ask('bob'), waiting([{ person: 'alice', decision: 'approve' }], 2), approval(2), roster)).toEqual({ accepted: true, outcome: 'approved' });
    expect(judge(ask('bob', 'reject'), waiting([{ person: 'alice', decision: 'approve' }], 2), approval(2), roster)).toEqual({ accepted: true, outcome: 'rejected' });
    expect(judge(ask('carol', 'reject'), waiting([], 1), approval(1), roster)).toEqual({ accepted: true, outcome: 'rejected' });
  });

  it('refuses a decision on a plan other than the current one', () => {
    expect(judge(ask('bob', 'approve', { planHash: 'b'.repeat(64) }), waiting(), approval(1), roster)).toEqual({
      accepted: false, reason: 'the plan changed since it was shown (hash bbbbbbbbbbbb… is not the current aaaaaaaaaaaa…): review the new plan',
    });
    expect(judge(ask('bob', 'approve', { planHash: HASH }), waiting(), approval(1), roster)).toEqual({ accepted: true, outcome: 'approved' });
    const planless = { ...waiting(), plan: undefined };
    expect(judge(ask('bob', 'reject', { planHash: HASH }), planless, approval(1), roster)).toEqual({
      accepted: false, reason: 'the plan changed since it was shown (hash aaaaaaaaaaaa… is not the current none…): review the new plan',
    });
  });
});

describe('one decision at a time', () => {
  // Two votes in one workflow task both find the step waiting: each is judged against what the earlier one will do.
  it('refuses a vote that lands on a step an earlier vote has just decided, or on an incident being aborted', () => {
    const afterQuorum = pendingOutcome([{ type: 'step.approved', step: 'deny' }], 'deny');
    expect(afterQuorum).toBe('approved');
    expect(judge(ask('bob', 'reject'), waiting([{ person: 'alice', decision: 'approve' }, { person: 'carol', decision: 'approve' }], 2), approval(2), roster, undefined, afterQuorum)).toEqual({
      accepted: false, reason: 'step "deny" has just been approved by an earlier vote: this reject came after it and is not counted',
    });
    const afterVeto = pendingOutcome([{ type: 'step.rejected', step: 'deny' }], 'deny');
    expect(judge(ask('bob'), waiting([{ person: 'alice', decision: 'reject' }], 2), approval(2), roster, undefined, afterVeto)).toEqual({
      accepted: false, reason: 'step "deny" has just been rejected by an earlier vote: this approve came after it and is not counted',
    });
    expect(judge(ask('bob'), waiting([], 1), approval(1), roster, undefined, pendingOutcome([{ type: 'incident.abort' }], 'deny'))).toEqual({
      accepted: false, reason: 'the incident is being aborted: this approve is not counted',
    });
  });

  it('is not held up by events about other steps, or by votes that do not decide', () => {
    expect(pendingOutcome([{ type: 'step.approved', step: 'rotate' }, { type: 'step.done', step: 'deny' }, { type: 'lessons.recorded' }], 'deny')).toBeUndefined();
    expect(judge(ask('bob'), waiting([], 2), approval(2), roster, undefined, pendingOutcome([{ type: 'step.approved', step: 'rotate' }], 'deny'))).toEqual({ accepted: true, outcome: 'counted' });
  });
});

describe('waitingOn', () => {
  it('names the approval groups\' members once each, less the requester and those who voted', () => {
    expect(waitingOn(approval(2), roster, [])).toEqual(['alice', 'bob', 'carol']);
    expect(waitingOn(approval(2), roster, [{ person: 'bob', decision: 'approve' }], 'alice')).toEqual(['carol']);
  });
});

describe('per-team seats', () => {
  const teams = Roster.parse({
    people: { ana: {}, ben: {}, sofia: {}, both: {}, ic: {} },
    groups: { 'kafka-oncall': ['ana', 'ben', 'both'], secops: ['sofia', 'both'], 'incident-commanders': ['ic'] },
  });
  const oneOfEach = Approval.parse({
    from: [{ group: 'kafka-oncall', count: 1 }, { group: 'secops', count: 1 }], timeout: '15m',
    escalate: { after: '10m', to: ['incident-commanders'], canDecide: true },
  });
  const step = (votes: string[], escalatedTo?: string[]): StepView => ({
    ...waiting(votes.map((person) => ({ person, decision: 'approve' as const })), 2),
    approvals: { quorum: 2, votes: votes.map((person) => ({ person, decision: 'approve', channel: 'api', at: '2026-12-01T00:00:00Z' })), waitingOn: [], ...(escalatedTo ? { escalatedTo } : {}) },
  });

  it('needs one of each team: a second approval from the same team fills no seat and is refused', () => {
    expect(judge(ask('ana'), step([]), oneOfEach, teams)).toEqual({ accepted: true, outcome: 'counted' });
    expect(judge(ask('ben'), step(['ana']), oneOfEach, teams)).toEqual({
      accepted: false, reason: 'ben\'s approval would fill no open seat: step "deny" still needs 1 of secops',
    });
    expect(judge(ask('sofia'), step(['ana']), oneOfEach, teams)).toEqual({ accepted: true, outcome: 'approved' });
  });

  it('counts a person in both teams once, in whichever seat the others leave open', () => {
    expect(judge(ask('both'), step([]), oneOfEach, teams)).toEqual({ accepted: true, outcome: 'counted' });
    expect(judge(ask('ana'), step(['both']), oneOfEach, teams)).toEqual({ accepted: true, outcome: 'approved' });
    expect(judge(ask('sofia'), step(['both']), oneOfEach, teams)).toEqual({ accepted: true, outcome: 'approved' });
    expect(judge(ask('both'), step(['ana']), oneOfEach, teams)).toEqual({ accepted: true, outcome: 'approved' });
    expect(waitingOn(oneOfEach, teams, [{ person: 'ana', decision: 'approve' }])).toEqual(['both', 'sofia']);
  });

  it('lets an escalation target vote only once escalated, standing in for the missing team', () => {
    expect(judge(ask('ic'), step(['ana']), oneOfEach, teams)).toMatchObject({ accepted: false, reason: 'ic is not in 1 of kafka-oncall or 1 of secops, who decide step "deny"' });
    expect(judge(ask('ic'), step(['ana'], ['ic']), oneOfEach, teams)).toEqual({ accepted: true, outcome: 'approved' });
  });

  it('answers a failed step\'s question from its approvers or an incident commander, once', () => {
    const failed: StepView = { ...waiting(), status: 'awaiting_answer', ask: { error: 'boom', waitingOn: [] } };
    expect(judge(ask('mallory', 'retry'), failed, approval(1), roster)).toMatchObject({ accepted: false });
    expect(judge(ask('carol', 'skip'), failed, approval(1), roster)).toEqual({ accepted: true, outcome: 'skip' });
    expect(judge(ask('bob', 'retry'), failed, approval(1), roster, undefined, 'answered')).toMatchObject({ accepted: false });
    expect(judge(ask('bob', 'retry'), waiting(), approval(1), roster)).toEqual({
      accepted: false, reason: 'step "deny" is not waiting for an answer about its failure (it is awaiting_approval)',
    });
  });
});
