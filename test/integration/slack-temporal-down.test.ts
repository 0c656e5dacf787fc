// A Slack vote that cannot be recorded because Temporal is unreachable is told to the clicker, not answered 200 and lost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from '../support/engine.js';
import { infra, unique } from '../support/infra.js';
import { startSlackStandIn, type SlackStandIn } from '../support/slack-stand-in.js';
import { click, deliver, slackEnv, submitReason } from '../support/slack-clicks.js';
import { tcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

const ALICE = 'U0ALICE01';
let slack: SlackStandIn;
let proxy: TcpProxy;
let engine: TestEngine;
beforeAll(async () => {
  slack = await startSlackStandIn();
  proxy = await tcpProxy(infra().TEMPORAL_ADDRESS);
  engine = await startTestEngine({ ...slackEnv(slack), TEMPORAL_ADDRESS: proxy.address });
});
afterAll(async () => {
  await proxy?.restore().catch(() => undefined);
  await engine?.close();
  await proxy?.close();
  await slack?.close();
});

describe('a Slack click while Temporal is down', () => {
  it('answers the clicker with an ephemeral message saying the vote was not recorded, for a button and for the reject modal', async () => {
    const principal = `User:${unique('down')}`;
    const started = await engine.post('/v1/alerts', { kind: 'test.approve-deny', severity: 'critical', summary: 'down', source: 'siem', observedAt: new Date().toISOString(), subject: { principal } });
    const id: string = started.body.incidents[0].id;
    const card = structuredClone(await slack.waitFor((m) => m.text?.includes(`of incident ${id}`) === true && !m.thread_ts, 20_000));
    // The reject modal opens while Temporal is up (opening it needs only Slack).
    expect((await deliver(engine.url, click(card, 'reject', ALICE))).status).toBe(200);
    const modal = await (async () => { for (let i = 0; i < 50 && slack.views.length === 0; i++) await new Promise((r) => setTimeout(r, 100)); return slack.views.at(-1)!; })();

    await proxy.cut();
    expect((await deliver(engine.url, click(card, 'approve', ALICE))).status).toBe(200);
    const told = await waitFor(() => slack.ephemerals.find((e) => e.user === ALICE), 90_000);
    expect(told.text).toContain(`Your approval of step \`deny\` on incident ${id} was NOT recorded: the incident engine cannot reach Temporal right now`);

    const submitted = await deliver(engine.url, submitReason(modal.view, ALICE, 'not this one'));
    expect(submitted.status).toBe(200);
    // Within Slack's 3 s the modal shows the error, or, when Temporal takes longer to fail, the clicker is told after.
    const modalError = submitted.body ? (JSON.parse(submitted.body) as { errors?: { reason?: string } }).errors?.reason : undefined;
    const rejection = modalError ?? (await waitFor(() => slack.ephemerals.find((e) => e.user === ALICE && e.text?.includes('rejection')), 90_000)).text;
    expect(rejection).toContain('rejection of step `deny`');
    expect(rejection).toContain('was NOT recorded');
    await proxy.restore();
  }, 240_000);
});

async function waitFor<T>(find: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}
