// Decisions on real Temporal and Kafka: policy refusals recorded in the timeline, quorum across groups, veto, timeouts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestEngine, type TestEngine } from '../support/engine.js';
import { unique } from '../support/infra.js';
import { admin, bindingsOf } from '../support/kafka.js';
import { token } from '../support/people.js';

let engine: TestEngine;
const kafka = admin();
beforeAll(async () => { engine = await startTestEngine(); });
afterAll(async () => { await engine?.close(); await kafka.close(); });

const alert = (kind: string, principal: string) => ({
  kind, severity: 'critical', summary: `${principal} exfiltrates`, source: 'integration-test', observedAt: new Date().toISOString(), subject: { principal },
});
const view = async (id: string) => (await engine.get(`/v1/incidents/${id}`)).body;
const decide = (id: string, who: 'alice' | 'bob' | 'carol' | 'dave', body: Record<string, unknown>) =>
  engine.post(`/v1/incidents/${id}/decisions`, body, token(who)).then((r) => r.body);

async function awaitingApproval(kind: string, requester?: 'dave') {
  const principal = `User:${unique('decide')}`;
  const res = await engine.post('/v1/alerts', alert(kind, principal), requester ? token(requester) : undefined);
  const id = res.body.incidents[0].id as string;
  await eventually(async () => ((await view(id)).steps[0].status === 'awaiting_approval' ? true : undefined), 15_000, 'the approval request');
  return { id, principal };
}

describe('approvals', () => {
  it('enforce the policy, record every refusal, and apply the DENY only at a quorum of two distinct people', async () => {
    const { id, principal } = await awaitingApproval('test.approve-deny', 'dave');
    const hash = (await view(id)).steps[0].plan.hash;
    expect((await view(id)).steps[0].approvals).toEqual({ quorum: 2, votes: [], waitingOn: ['alice', 'bob'] });

    expect(await decide(id, 'carol', { step: 'deny', decision: 'approve' })).toEqual({ accepted: false, reason: 'carol is not in kafka-oncall or secops, who decide step "deny"' });
    expect(await decide(id, 'dave', { step: 'deny', decision: 'approve' })).toEqual({ accepted: false, reason: 'dave raised this incident and cannot also approve it (four-eyes)' });
    expect(await decide(id, 'alice', { step: 'deny', decision: 'approve', planHash: 'f'.repeat(64) })).toMatchObject({ accepted: false, reason: expect.stringContaining('the plan changed since it was shown') });
    expect(await decide(id, 'alice', { step: 'deny', decision: 'approve', planHash: hash })).toEqual({ accepted: true });
    expect(await decide(id, 'alice', { step: 'deny', decision: 'approve' })).toEqual({ accepted: false, reason: 'alice has already voted on step "deny"' });
    // One vote is not a quorum: nothing is applied yet.
    expect((await view(id)).steps[0]).toMatchObject({ status: 'awaiting_approval', approvals: { waitingOn: ['bob'] } });
    expect(await bindingsOf(kafka, principal)).toEqual([]);

    expect(await decide(id, 'bob', { step: 'deny', decision: 'approve' })).toEqual({ accepted: true });
    const done = await eventually(async () => { const v = await view(id); return v.status === 'closed' ? v : undefined; }, 15_000, 'the incident to close');
    expect(done.steps[0].approvals.votes.map((v: { person: string; decision: string }) => `${v.person}:${v.decision}`)).toEqual(['alice:approve', 'bob:approve']);
    expect(done.timeline.filter((t: { type: string }) => t.type === 'decision.refused').map((t: { person: string }) => t.person)).toEqual(['carol', 'dave', 'alice', 'alice']);
    await eventually(async () => ((await bindingsOf(kafka, principal)).length === 4 ? true : undefined), 5_000, 'the DENY on the broker');

    expect(await decide(id, 'alice', { step: 'deny', decision: 'approve' })).toEqual({ accepted: false, reason: 'the incident has ended' });
  });

  it('lets any single reject veto the step, which then aborts the incident without touching Kafka', async () => {
    const { id, principal } = await awaitingApproval('test.approve-deny');
    expect(await decide(id, 'alice', { step: 'deny', decision: 'approve' })).toEqual({ accepted: true });
    expect(await decide(id, 'bob', { step: 'deny', decision: 'reject', reason: 'this is the batch job' })).toEqual({ accepted: true });
    const v = await eventually(async () => { const x = await view(id); return x.status === 'aborted' ? x : undefined; }, 10_000, 'the veto to abort');
    expect(v.steps[0].status).toBe('rejected');
    expect(v.timeline.find((t: { type: string; decision?: string }) => t.type === 'decision' && t.decision === 'reject')).toMatchObject({ person: 'bob', reason: 'this is the batch job' });
    expect(await bindingsOf(kafka, principal)).toEqual([]);
  });

  it('refuses decisions without a personal token', async () => {
    const { id } = await awaitingApproval('test.approve-deny');
    const r = await engine.post(`/v1/incidents/${id}/decisions`, { step: 'deny', decision: 'approve' });
    expect(r.status).toBe(403);
    expect((await view(id)).steps[0].status).toBe('awaiting_approval');
    expect((await decide(id, 'carol', { decision: 'abort', reason: 'cleanup' }))).toEqual({ accepted: true });
  });
});

describe('approval timeouts', () => {
  it('escalate first, then apply onTimeout: skip for one step, abort for the next', async () => {
    const principal = `User:${unique('timeout')}`;
    const res = await engine.post('/v1/alerts', alert('test.approval-timeout', principal));
    const id = res.body.incidents[0].id;
    const v = await eventually(async () => { const x = await view(id); return x.status === 'aborted' ? x : undefined; }, 20_000, 'both timeouts');
    const types = v.timeline.map((t: { type: string; step?: string; status?: string }) => [t.type, t.step, t.status].filter(Boolean).join(':'));
    expect(types).toEqual(expect.arrayContaining(['approval.escalated:snapshot', 'step.ended:snapshot:skipped', 'step.ended:deny:timed_out']));
    expect(types.indexOf('approval.escalated:snapshot')).toBeLessThan(types.indexOf('step.ended:snapshot:skipped'));
    expect(v.timeline.find((t: { type: string }) => t.type === 'approval.escalated')).toMatchObject({ to: ['incident-commanders'], people: ['carol'] });
    expect(v.steps.map((s: { status: string }) => s.status)).toEqual(['skipped', 'skipped']);
    expect(await bindingsOf(kafka, principal)).toEqual([]);
  });

  it('lets a safe step proceed on its own when nobody answers (onTimeout: proceed)', async () => {
    const principal = `User:${unique('proceed')}`;
    const res = await engine.post('/v1/alerts', alert('test.approval-proceed', principal));
    const v = await eventually(async () => { const x = await view(res.body.incidents[0].id); return x.status === 'closed' ? x : undefined; }, 15_000, 'the step to proceed');
    expect(v.steps[0]).toMatchObject({ id: 'snapshot', status: 'done', output: { bindings: [] }, approvals: { votes: [] } });
  });
});
