// No unauthenticated writes, bounded intake: forged links are reported to their incident in one aggregated update per
// interval, a flood leaves room for real notes and alerts, intake refuses oversize batches, bursts and incidents over
// a runbook's cap with 413/429 + Retry-After, and Temporal's "too many updates in flight" is a 429, not a 500.
import { createSecretKey, randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { signLink } from '../../adapters/email/approval-link.js';
import { EngineSeal } from '../../adapters/engine-seal.js';
import { createLogger } from '../../src/logger.js';
import { parseIncidentId } from '../../src/model/incident.js';
import { loadRunbookSet } from '../../src/runbooks/load.js';
import { buildServer } from '../../src/server/app.js';
import { createIncidentService } from '../../src/temporal/incidents.js';
import { clientInterceptors } from '../../src/temporal/connection-options.js';
import { eventually, startTestEngine, type TestEngine } from '../support/engine.js';
import { infra, unique } from '../support/infra.js';

const engines: TestEngine[] = [];
let raw: Client | undefined;
const client = async () => (raw ??= new Client({ connection: await Connection.connect({ address: infra().TEMPORAL_ADDRESS }) }));
afterAll(async () => {
  for (const e of engines) await e.close().catch(() => undefined);
  await raw?.connection.close();
});
const start = async (env: Record<string, string>) => { const e = await startTestEngine(env); engines.push(e); return e; };

const alert = (kind: string, principal: string, extra: Record<string, unknown> = {}) => ({
  kind, severity: 'high', summary: `about ${principal}`, source: 'integration-test', observedAt: new Date().toISOString(), subject: { principal }, ...extra,
});
const historyLength = async (id: string) => (await (await client()).workflow.getHandle(parseIncidentId(id)!.workflowId).fetchHistory()).events!.length;
const workflowsOn = async (taskQueue: string) => {
  let n = 0;
  for await (const _ of (await client()).workflow.list({ query: `TaskQueue = '${taskQueue}'` })) n++;
  return n;
};

/** Runs `tasks` with at most `concurrency` at a time. */
async function pool<T>(tasks: (() => Promise<T>)[], concurrency: number): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => { while (next < tasks.length) { const i = next++; results[i] = await tasks[i]!(); } }));
  return results;
}

describe('forged email links', () => {
  it('120 of them at concurrency 6 add one aggregated report to the incident, and a real note and alert still go through', async () => {
    const engine = await start({ KAFKA_IR_LINK_SECRET: randomBytes(32).toString('base64'), KAFKA_IR_REFUSAL_INTERVAL: '60' });
    const principal = `User:${unique('forged')}`;
    const id: string = (await engine.post('/v1/alerts', alert('test.hold', principal))).body.incidents[0].id;
    // The 202 comes once the alert is logged: the incident starts, and settles, after it. Counted from there.
    let last = -1;
    const before = await eventually(async () => {
      const now = await historyLength(id).catch(() => 0);
      const settled = now > 0 && now === last;
      last = now;
      if (!settled) await new Promise((resolve) => setTimeout(resolve, 500));
      return settled ? now : undefined;
    }, 30_000, `${id} to settle`);
    const forged = signLink('an attacker does not have the link secret, 32+', {
      incident: id, step: 'lessons', planHash: '', person: 'ana', expires: new Date(Date.now() + 3_600_000).toISOString(), nonce: 'n',
    });
    const tasks = Array.from({ length: 120 }, () => async () => (await fetch(`${engine.url}/v1/approvals/${forged}`)).status);
    const flood = pool(tasks, 6);
    const note = await engine.post(`/v1/incidents/${id}/notes`, { text: 'a real note during the flood' });
    const attached = await engine.post('/v1/alerts', alert('test.hold', principal, { fingerprint: 'during-the-flood' }));
    expect(new Set(await flood)).toEqual(new Set([400]));
    expect(note).toMatchObject({ status: 200, body: { accepted: true } });
    expect(attached).toMatchObject({ status: 202, body: { incidents: [{ id, status: 'attached' }] } });

    const view = await engine.view(id);
    const refusals = view.timeline.filter((t: { type: string }) => t.type === 'decision.refused');
    expect(refusals).toHaveLength(1); // the first refusal, at once; the other 119 wait for the interval, counted
    expect(refusals[0].reason).toContain('email approval link');
    // One refusal report, the note and the alert: a few updates, not 120 (which made 600 events).
    expect(await historyLength(id) - before).toBeLessThan(30);
  });
});

describe('intake limits', () => {
  const taskQueue = unique('kafka-ir-limits');
  let engine: TestEngine;

  it('refuses a request carrying more alerts than allowed with 413, and starts nothing', async () => {
    engine = await start({ TEMPORAL_TASK_QUEUE: taskQueue, KAFKA_IR_MAX_ALERTS_PER_REQUEST: '5', KAFKA_IR_INTAKE_RATE: '0.2', KAFKA_IR_INTAKE_BURST: '5', KAFKA_IR_MAX_OPEN_INCIDENTS: '2' });
    const batch = Array.from({ length: 6 }, (_, i) => alert('test.hold', `User:${unique(`batch${i}`)}`));
    const res = await engine.post('/v1/alerts', batch);
    expect(res.status).toBe(413);
    expect(res.body.error).toContain('at most 5 per request (KAFKA_IR_MAX_ALERTS_PER_REQUEST)');
    expect(await workflowsOn(taskQueue)).toBe(0);
  });

  it('defers an alert that would open a third incident of a runbook capped at 2 (429), while one about an open incident attaches', async () => {
    const [a, b, c] = ['a', 'b', 'c'].map((s) => `User:${unique(`cap-${s}`)}`) as [string, string, string];
    expect((await engine.post('/v1/alerts', alert('test.hold', a))).body.incidents[0].status).toBe('started');
    expect((await engine.post('/v1/alerts', alert('test.hold', b))).body.incidents[0].status).toBe('started');
    const over = await fetch(`${engine.url}/v1/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alert('test.hold', c)) });
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await over.json()) as { incidents: unknown[]; deferred: { index: number; reason: string }[] };
    expect(body.incidents).toEqual([]);
    expect(body.deferred).toEqual([{ index: 0, reason: expect.stringContaining('runbook hold has 2 open incidents, its cap (KAFKA_IR_MAX_OPEN_INCIDENTS)') }]);
    const again = await engine.post('/v1/alerts', alert('test.hold', a, { fingerprint: 'again' }));
    expect(again).toMatchObject({ status: 202, body: { incidents: [{ status: 'attached' }] } });
    expect(await workflowsOn(taskQueue)).toBe(2);
  });

  it('answers a burst beyond the intake rate with 429 and Retry-After, before anything reaches Temporal', async () => {
    // 4 of the 5 tokens are spent above (a, b, c, a again) and they come back at 0.2 per second.
    const batch = Array.from({ length: 3 }, (_, i) => alert('test.hold', `User:${unique(`burst${i}`)}`));
    const res = await fetch(`${engine.url}/v1/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(batch) });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await res.json()) as { error: string }).error).toContain('KAFKA_IR_INTAKE_RATE');
    expect(await workflowsOn(taskQueue)).toBe(2);
  });

  it('answers 429 with Retry-After, not 500, when the incident has too many updates in flight', async () => {
    // The incident of `a` without a worker: updates wait, and past Temporal's ten in flight the next are refused.
    const [open] = (await engine.get('/v1/incidents?status=open')).body.incidents as { id: string }[];
    await engine.close();
    const { runbooks, roster } = loadRunbookSet(['test/fixtures/runbooks']);
    // A client connected as the engine's is (its retries of "busy" are short).
    const busyClient = new Client({ connection: await Connection.connect({ address: infra().TEMPORAL_ADDRESS, interceptors: clientInterceptors() }) });
    // Sealed with a key of its own: no worker will check it, and the incident is terminated below.
    const seal = new EngineSeal([createSecretKey(randomBytes(32))]);
    const service = createIncidentService(busyClient, taskQueue, () => ({ runbooks: runbooks.map((r) => r.runbook), roster }), { seal });
    const server = buildServer({ incidents: service, ready: () => true, log: createLogger({ level: 'silent' }), roster });
    const url = await server.listen({ host: '127.0.0.1', port: 0 });
    const abort = new AbortController();
    const answers = Array.from({ length: 16 }, (_, i) => fetch(`${url}/v1/incidents/${open!.id}/notes`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: `note ${i}` }), signal: abort.signal,
    }).then((r) => ({ status: r.status, retryAfter: r.headers.get('retry-after') }), () => ({ status: 0, retryAfter: null })));
    // The ones past the ten in flight are retried for a few seconds, then answered 429; the ten wait for a worker.
    const first = await Promise.race(answers);
    await new Promise((r) => setTimeout(r, 3_000)); // others answered meanwhile must not be 5xx either
    abort.abort();
    const all = await Promise.all(answers);
    expect(first).toEqual({ status: 429, retryAfter: '2' });
    expect(all.filter((a) => a.status >= 500)).toEqual([]);
    await server.close();
    await busyClient.connection.close();
    for await (const e of (await client()).workflow.list({ query: `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'` })) {
      await (await client()).workflow.getHandle(e.workflowId).terminate('test clean-up: no worker serves this task queue');
    }
  }, 180_000);
});
