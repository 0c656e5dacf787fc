// Fuzz of the HTTP surface: ≥ 10,000 seeded invalid, unauthenticated or forged requests (intake, decisions, Slack,
// links, the rest) against the real engine on the dev Temporal, then more with Temporal cut off: no crash, no 5xx but
// 503 when Temporal is down, no workflow started, no incident changed; refusals reach incidents aggregated.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { eventually, startTestEngine, type TestEngine } from '../support/engine.js';
import { fuzzer, type FuzzRequest } from '../support/http-fuzz.js';
import { infra, unique } from '../support/infra.js';
import { token } from '../support/people.js';
import { startSlackStandIn, type SlackStandIn } from '../support/slack-stand-in.js';
import { SLACK, slackEnv } from '../support/slack-clicks.js';
import { tcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261207);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 10_000);
const DOWN_REQUESTS = Math.ceil(REQUESTS / 10);
const INTERVAL_S = 5;
const intakeToken = `fuzz-intake-${randomBytes(8).toString('hex')}`;
const apiToken = `fuzz-api-${randomBytes(8).toString('hex')}`;
const taskQueue = unique('kafka-ir-fuzz');

let slack: SlackStandIn;
let proxy: TcpProxy;
let engine: TestEngine;
let raw: Client;
beforeAll(async () => {
  slack = await startSlackStandIn();
  proxy = await tcpProxy(infra().TEMPORAL_ADDRESS);
  engine = await startTestEngine({
    ...slackEnv(slack), TEMPORAL_ADDRESS: proxy.address, TEMPORAL_TASK_QUEUE: taskQueue, KAFKA_IR_INTAKE_TOKEN: intakeToken, KAFKA_IR_API_TOKEN: apiToken,
    KAFKA_IR_LINK_SECRET: randomBytes(32).toString('base64'), KAFKA_IR_REFUSAL_INTERVAL: String(INTERVAL_S),
  });
  raw = new Client({ connection: await Connection.connect({ address: infra().TEMPORAL_ADDRESS }) });
});
afterAll(async () => {
  await proxy?.restore().catch(() => undefined);
  for await (const e of raw.workflow.list({ query: `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'` })) {
    await raw.workflow.getHandle(e.workflowId).terminate('fuzz test clean-up').catch(() => undefined);
  }
  await engine?.close();
  await proxy?.close();
  await slack?.close();
  await raw?.connection.close();
});

const api = async (method: string, path: string, body?: unknown, auth = apiToken) => {
  const res = await fetch(`${engine.url}${path}`, { method, headers: { authorization: `Bearer ${auth}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  return { status: res.status, body: await res.json() as any };
};
const workflowCount = async () => (await raw.workflow.count(`TaskQueue = '${taskQueue}'`)).count;
/** What a person would see change on an incident: its status, steps, votes, alerts, notes; refusals are counted apart. */
const stateOf = (view: any) => JSON.stringify({ status: view.status, phase: view.phase, steps: view.steps, alerts: view.alerts,
  timeline: view.timeline.filter((t: { type: string }) => t.type !== 'decision.refused') });

interface Tally { tried: number; byStatus: Map<number, number>; crashes: string[]; byFamily: Map<string, number> }

async function fire(requests: FuzzRequest[], concurrency = 8): Promise<Tally> {
  const tally: Tally = { tried: 0, byStatus: new Map(), crashes: [], byFamily: new Map() };
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < requests.length) {
      const r = requests[next++]!;
      tally.tried++;
      tally.byFamily.set(r.family, (tally.byFamily.get(r.family) ?? 0) + 1);
      try {
        const res = await fetch(`${engine.url}${r.path}`, { method: r.method, headers: r.headers, body: r.body, signal: AbortSignal.timeout(60_000) });
        await res.arrayBuffer();
        tally.byStatus.set(res.status, (tally.byStatus.get(res.status) ?? 0) + 1);
        if (res.status >= 500) tally.crashes.push(`${res.status} ${r.method} ${r.path.slice(0, 80)}`);
      } catch (err) {
        tally.crashes.push(`no answer: ${r.method} ${r.path.slice(0, 80)}: ${String(err)}`);
      }
    }
  }));
  return tally;
}

describe('the HTTP surface under fuzz', () => {
  it(`answers ${REQUESTS} generated requests (seed ${SEED}) without a crash or a 5xx, starting nothing and changing no incident`, async () => {
    // Two real incidents for the forged requests to name: one waiting for approval (Slack card), one open for lessons.
    const waiting = (await api('POST', '/v1/alerts', { kind: 'test.approve-deny', severity: 'high', summary: 'fuzz target', source: 'fuzz', observedAt: new Date().toISOString(), subject: { principal: `User:${unique('fuzz-a')}` } }, intakeToken)).body.incidents[0].id as string;
    const held = (await api('POST', '/v1/alerts', { kind: 'test.hold', severity: 'high', summary: 'fuzz target', source: 'fuzz', observedAt: new Date().toISOString(), subject: { principal: `User:${unique('fuzz-b')}` } }, intakeToken)).body.incidents[0].id as string;
    await eventually(async () => ((await api('GET', `/v1/incidents/${waiting}`)).body.steps?.[0]?.status === 'awaiting_approval' ? true : undefined), 60_000, 'the approval to be awaited');
    const before = { workflows: await workflowCount(), waiting: stateOf((await api('GET', `/v1/incidents/${waiting}`)).body), held: stateOf((await api('GET', `/v1/incidents/${held}`)).body) };
    const refusalsBefore = async (id: string) => (await api('GET', `/v1/incidents/${id}`)).body.timeline.filter((t: { type: string }) => t.type === 'decision.refused').length;
    const refusedAtStart = { waiting: await refusalsBefore(waiting), held: await refusalsBefore(held) };

    const gen = fuzzer(SEED, {
      incidents: [{ id: waiting, step: 'deny' }, { id: held, step: 'lessons' }], intakeToken, apiToken, personToken: token('bob'),
      slack: { secret: SLACK.secret, team: SLACK.team, app: SLACK.app, approver: 'U0BOB0001' },
    });
    const started = Date.now();
    const up = await fire(Array.from({ length: REQUESTS }, gen.next));
    const seconds = (Date.now() - started) / 1000;

    expect(up.crashes).toEqual([]);
    expect(up.tried).toBe(REQUESTS);
    expect((await fetch(`${engine.url}/healthz`)).status).toBe(200);
    expect(await workflowCount()).toBe(before.workflows);
    // The refusal reports: at most one per incident per interval, however many forged requests named it.
    await new Promise((r) => setTimeout(r, INTERVAL_S * 1000 + 500));
    const after = { waiting: (await api('GET', `/v1/incidents/${waiting}`)).body, held: (await api('GET', `/v1/incidents/${held}`)).body };
    expect(stateOf(after.waiting)).toBe(before.waiting);
    expect(stateOf(after.held)).toBe(before.held);
    const reports = { waiting: (await refusalsBefore(waiting)) - refusedAtStart.waiting, held: (await refusalsBefore(held)) - refusedAtStart.held };
    const maxReports = Math.ceil(seconds / INTERVAL_S) + 2;
    expect(reports.waiting).toBeGreaterThan(0);
    expect(reports.waiting).toBeLessThanOrEqual(maxReports);
    expect(reports.held).toBeLessThanOrEqual(maxReports);

    // Temporal cut off: what needs it answers 503 with Retry-After; nothing else changes.
    await proxy.cut();
    // With reads that need Temporal among them (an incident, the list), which must answer 503, not fail.
    const reads: FuzzRequest[] = Array.from({ length: 16 }, (_, i) => ({
      family: 'other', method: 'GET', path: i % 2 ? `/v1/incidents/${held}` : '/v1/incidents?status=open', headers: { authorization: `Bearer ${apiToken}` },
    }));
    const down = await fire([...reads, ...Array.from({ length: DOWN_REQUESTS }, gen.next)]);
    await proxy.restore();
    expect(down.crashes.filter((c) => !c.startsWith('503 '))).toEqual([]);
    expect(down.byStatus.get(503)).toBeGreaterThanOrEqual(8);

    const refused = [...up.byStatus].filter(([s]) => s >= 400).reduce((n, [, c]) => n + c, 0);
    console.log(`fuzz seed ${SEED}: ${up.tried} requests in ${seconds.toFixed(0)} s (${[...up.byFamily].map(([f, n]) => `${f} ${n}`).join(', ')}); `
      + `refused ${refused} (${[...up.byStatus].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(', ')}); workflows started 0; incidents changed 0; `
      + `refusal reports ${reports.waiting + reports.held}; Temporal down: ${down.tried} requests, ${[...down.byStatus].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(', ')}`);
    await eventually(async () => ((await fetch(`${engine.url}/healthz`)).status === 200 ? true : undefined), 60_000, 'the engine to be healthy again');
  }, 600_000);
});
