// Crash-proof incidents: SIGKILL the engine at five points of running incidents and restart the Temporal server;
// every incident finishes, and every Kafka effect is there exactly once (checked on the broker).
import { afterAll, describe, expect, it } from 'vitest';
import { stopTemporal, ensureTemporal } from '../../scripts/infra/temporal/temporal-server.js';
import { ensureTemporalBinary } from '../../scripts/infra/temporal/temporal-binary.js';
import { eventually } from '../support/engine.js';
import { startEngineProcess, type EngineProcess } from '../support/engine-process.js';
import { unique } from '../support/infra.js';
import { admin, bindingsOf } from '../support/kafka.js';
import { token } from '../support/people.js';

const kafka = admin();
const taskQueue = unique('crash-test');
let engine: EngineProcess | undefined;
afterAll(async () => { await engine?.kill(); await kafka.close(); });

async function call(method: string, path: string, body?: unknown, who?: 'alice' | 'bob' | 'carol'): Promise<any> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (who) headers.authorization = `Bearer ${token(who)}`;
  const res = await fetch(`${engine!.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return res.json();
}
const restart = async () => { await engine?.kill(); engine = await startEngineProcess({ TEMPORAL_TASK_QUEUE: taskQueue }); };
const view = (id: string) => call('GET', `/v1/incidents/${id}`);
const until = (id: string, what: string, ok: (v: any) => boolean, ms = 30_000) =>
  eventually(async () => { const v = await view(id); return ok(v) ? v : undefined; }, ms, what);
const open = async (kind: string, principal: string) =>
  (await call('POST', '/v1/alerts', { kind, severity: 'high', summary: 'crash test', source: 'test', observedAt: new Date().toISOString(), subject: { principal } })).incidents[0].id as string;
const denies = async (principal: string) => (await bindingsOf(kafka, principal)).filter((b) => b.permission === 'deny');

describe('an engine killed at five points', () => {
  it('finishes every incident with each Kafka effect exactly once', async () => {
    await restart();
    const a = `User:${unique('crash-a')}`;
    const b = `User:${unique('crash-b')}`;
    const c = `User:${unique('crash-c')}`;
    const idA = await open('test.approve-deny', a);
    await until(idA, 'A to wait for approval', (v) => v.steps[0].status === 'awaiting_approval');
    const idB = await open('test.deny-and-hold', b);
    const idC = await open('test.approval-timeout', c);
    // Kill 1: A waits for a decision, B is planning or applying its DENY, C waits on its approval timers.
    await restart();
    await until(idB, 'B to apply its DENY', (v) => v.steps[0].status === 'done', 90_000);
    await until(idC, 'C to time out', (v) => v.status === 'aborted', 20_000);

    expect(await call('POST', `/v1/incidents/${idA}/decisions`, { step: 'deny', decision: 'approve' }, 'alice')).toEqual({ accepted: true });
    expect(await call('POST', `/v1/incidents/${idA}/decisions`, { step: 'deny', decision: 'approve' }, 'bob')).toEqual({ accepted: true });
    // Kill 2: A applies its DENY right after the quorum.
    await restart();
    const doneA = await until(idA, 'A to close', (v) => v.status === 'closed', 90_000);

    expect(await call('POST', `/v1/incidents/${idB}/decisions`, { decision: 'abort', reason: 'crash test', rollback: true }, 'carol')).toEqual({ accepted: true });
    // Kill 3: B rolls its DENY back.
    await restart();
    const doneB = await until(idB, 'B to roll back', (v) => v.timeline.some((t: { type: string }) => t.type === 'rollback.done'), 90_000);
    const doneC = await view(idC);

    await eventually(async () => ((await denies(a)).length === 4 ? true : undefined), 10_000, 'A denied on the broker');
    await eventually(async () => ((await bindingsOf(kafka, b)).length === 0 ? true : undefined), 10_000, 'B restored on the broker');
    expect(await bindingsOf(kafka, c)).toEqual([]);
    expect(doneA.steps[0].approvals.votes.map((v: { person: string }) => v.person)).toEqual(['alice', 'bob']);
    expect(doneB.steps[0].status).toBe('undone');
    expect(doneC.timeline.filter((t: { type: string }) => t.type === 'approval.escalated')).toHaveLength(1);
    expect(doneC.steps.map((s: { status: string }) => s.status)).toEqual(['skipped', 'skipped']);
    for (const v of [doneA, doneB, doneC]) expect(v.timeline.filter((t: { type: string }) => t.type === 'alert')).toHaveLength(1);
  }, 240_000); // five engine restarts, each waiting for the worker to come back
});

describe('a Temporal dev server restarted mid-incident', () => {
  it('resumes the incident from its persisted history', async () => {
    engine ??= await startEngineProcess({ TEMPORAL_TASK_QUEUE: taskQueue });
    const p = `User:${unique('temporal-restart')}`;
    const id = await open('test.deny-and-hold', p);
    await until(id, 'the DENY', (v) => v.steps[0].status === 'done');
    await stopTemporal();
    await ensureTemporal(ensureTemporalBinary());
    // The worker reconnects by itself; the incident is still open and accepts the lessons record.
    await eventually(async () => ((await call('POST', `/v1/incidents/${id}/notes`, { text: 'after restart', lessons: true }, 'carol'))?.accepted ? true : undefined), 60_000, 'the note after the restart');
    const closed = await until(id, 'close', (v) => v.status === 'closed');
    expect(closed.steps[0].status).toBe('done');
    expect(await denies(p)).toHaveLength(4);
  });
});
