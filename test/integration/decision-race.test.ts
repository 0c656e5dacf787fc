// The quorum-completing approve and a reject sent at the same moment, 200 times on real Temporal: exactly one of the
// two is accepted, and the step, the incident and the post-mortem all say what that one decided.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentService } from '../../src/temporal/incidents.js';
import { eventually, startTestEngine, type TestEngine } from '../support/engine.js';
import { incidentFunnel, type IncidentFunnel } from '../support/incident-funnel.js';
import { unique } from '../support/infra.js';
import { token } from '../support/people.js';

const TRIALS = 200;
const AT_ONCE = 10;

let engine: TestEngine;
let funnel: IncidentFunnel;
let incidents: IncidentService;
beforeAll(async () => {
  engine = await startTestEngine();
  funnel = await incidentFunnel(engine);
  ({ incidents } = funnel);
});
afterAll(async () => { await engine?.close(); await funnel?.close(); });

const vote = (person: string, decision: 'approve' | 'reject') => ({ person, channel: 'api', step: 'tell', decision });

async function report(id: string) {
  const res = await fetch(`${engine.url}/v1/incidents/${id}/report?format=json`, { headers: { authorization: `Bearer ${token('carol')}` } });
  expect(res.status).toBe(200);
  return res.json() as Promise<{ approvals: { outcome: string; votes: { person: string; decision: string }[] }[] }>;
}

/** One trial: alice approves, then bob's approve (completing the quorum of 2) and dave's reject go at once. */
async function trial() {
  const principal = `User:${unique('race')}`;
  const opened = await incidents.submit({ kind: 'test.approve-notice', severity: 'high', summary: 'race', source: 'integration-test', observedAt: new Date().toISOString(), subject: { principal } });
  if (!opened.matched) throw new Error(opened.reason);
  const { id } = opened;
  await eventually(async () => ((await incidents.view(id))?.steps[0]?.status === 'awaiting_approval' ? true : undefined), 30_000, 'the approval request');
  expect(await incidents.decide(id, vote('alice', 'approve'))).toEqual({ accepted: true });
  const [approve, reject] = await Promise.all([incidents.decide(id, vote('bob', 'approve')), incidents.decide(id, vote('dave', 'reject'))]);
  // Ended and archived; the losing vote may still be refused (and recorded) after the archive when it reached the
  // incident in a later workflow task than the winner.
  const ended = await eventually(async () => {
    const v = await incidents.view(id);
    return v && v.status !== 'open' && v.timeline.some((t) => t.type === 'archived') ? v : undefined;
  }, 30_000, 'the incident to end');
  return { id, approve: approve!, reject: reject!, ended };
}

describe('a veto racing the quorum', () => {
  it(`is never answered "accepted" and ignored: in ${TRIALS} trials the answers, the step, the incident and the report agree`, async () => {
    const outcomes = { approved: 0, rejected: 0, sameTask: 0 };
    for (let done = 0; done < TRIALS; done += AT_ONCE) {
      const results = await Promise.all(Array.from({ length: AT_ONCE }, () => trial()));
      for (const { id, approve, reject, ended } of results) {
        // Exactly one of the two decided the step.
        expect([approve.accepted, reject.accepted].filter(Boolean), id).toHaveLength(1);
        const [won, lost] = approve.accepted ? ['approved', reject] : ['rejected', approve];
        outcomes[won as 'approved' | 'rejected'] += 1;
        // The loser is told why, by the step while the incident runs, or that the incident has ended by the time it arrived.
        expect(lost.reason, id).toMatch(won === 'approved'
          ? /^(step "tell" (has just been approved by an earlier vote: this reject came after it|is not waiting for a decision \(it is (running|done)\))|the incident has ended)/
          : /^(step "tell" (has just been rejected by an earlier vote: this approve came after it|is not waiting for a decision \(it is rejected\))|the incident has ended)/);
        if (lost.reason!.includes('has just been')) outcomes.sameTask += 1;
        expect(ended.status, id).toBe(won === 'approved' ? 'closed' : 'aborted');
        expect(ended.steps[0]!.status, id).toBe(won === 'approved' ? 'done' : 'rejected');
        const votes = ended.steps[0]!.approvals!.votes.map((v) => `${v.person}:${v.decision}`);
        expect(votes, id).toEqual(won === 'approved' ? ['alice:approve', 'bob:approve'] : ['alice:approve', 'dave:reject']);
      }
      // The post-mortem, built from history, tells the same outcome (once per wave: each report reads a whole history).
      const sample = results[0]!;
      const [approval] = (await report(sample.id)).approvals;
      expect(approval!.outcome, sample.id).toBe(sample.approve.accepted ? 'approved' : 'rejected');
    }
    console.log(`decision race: ${JSON.stringify(outcomes)} over ${TRIALS} trials`);
    expect(outcomes.approved + outcomes.rejected).toBe(TRIALS);
    // The race itself happened: both votes reached the workflow before it acted on either.
    expect(outcomes.sameTask).toBeGreaterThan(0);
  }, 600_000);
});
