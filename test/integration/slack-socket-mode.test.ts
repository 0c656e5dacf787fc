// Slack over Socket Mode, on real Temporal and Kafka: the engine opens the connection with the app-level token (no
// public URL, no signing secret), the card's clicks arrive as `interactive` envelopes and are acknowledged, the same
// decision path applies (roster, workspace, approvers), and a refresh in the middle loses no click.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestEngine, type TestEngine } from '../support/engine.js';
import { unique } from '../support/infra.js';
import { admin, bindingsOf } from '../support/kafka.js';
import { startSlackStandIn, type SlackMessage, type SlackStandIn } from '../support/slack-stand-in.js';
import { startSlackSocketStandIn, type SlackSocketStandIn } from '../support/slack-socket-stand-in.js';
import { clickPayload, reasonPayload, slackEnv } from '../support/slack-clicks.js';

const ALICE = 'U0ALICE01';
const BOB = 'U0BOB0001';

let web: SlackStandIn;
let socket: SlackSocketStandIn;
let engine: TestEngine;
const kafka = admin();
beforeAll(async () => {
  web = await startSlackStandIn();
  web.setUsergroup('S0SECOPS1', [BOB]);
  socket = await startSlackSocketStandIn(web);
  const { SLACK_SIGNING_SECRET: _none, ...env } = slackEnv(web);
  engine = await startTestEngine({ ...env, SLACK_INTERACTIONS: 'socket', SLACK_APP_TOKEN: socket.appToken, KAFKA_IR_REFUSAL_INTERVAL: '0.05' });
  await socket.connected();
});
afterAll(async () => { await engine?.close(); await socket?.close(); await web?.close(); await kafka.close(); });

async function incidentWithCard() {
  const principal = `User:${unique('socket')}`;
  const alert = { kind: 'test.approve-deny', severity: 'critical', summary: `${principal} reads purchasing`, source: 'siem', observedAt: new Date().toISOString(), subject: { principal } };
  const id = (await engine.post('/v1/alerts', alert)).body.incidents[0].id as string;
  const card = structuredClone(await web.waitFor((m) => m.text?.includes(`of incident ${id}`) === true && !m.thread_ts, 20_000));
  return { id, principal, card };
}
const cardText = (card: SlackMessage) => JSON.stringify(card.blocks);

describe('Slack Socket Mode', () => {
  it('approves over the socket: card, two clicks acknowledged, a refresh between them, DENY on the broker', async () => {
    // The engine asked for the URL with the app-level token, and serves no HTTP interactions endpoint.
    expect(web.calls.filter((c) => c.method === 'apps.connections.open')).toHaveLength(1);
    expect((await fetch(`${engine.url}/v1/slack/interactions`, { method: 'POST', body: 'payload=%7B%7D', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(404);

    const { id, principal, card } = await incidentWithCard();
    const first = clickPayload(card, 'approve', ALICE);
    const ack = await socket.interactive(first);
    expect(ack.envelope_id).toBe(socket.sent.at(-1)!.envelope_id);
    expect(ack.payload ?? {}).toEqual({}); // a click's envelope accepts no response payload
    await web.waitFor((m) => m.ts === card.ts && cardText(m).includes('<@U0ALICE01> (alice) approved via slack'), 10_000);
    expect(await bindingsOf(kafka, principal)).toEqual([]);

    // Slack recycles the connection: `disconnect` (refresh_requested), and Bob's click goes out right behind it on
    // the old connection; acknowledged there or sent again on the new one, it is counted once.
    const refreshed = socket.refresh();
    const second = socket.interactive(clickPayload(card, 'approve', BOB));
    await refreshed;
    await second;
    expect(socket.connections).toBe(2);
    expect(web.calls.filter((c) => c.method === 'apps.connections.open')).toHaveLength(2);

    await eventually(async () => ((await bindingsOf(kafka, principal)).length === 4 ? true : undefined), 20_000, 'the DENY on the broker');
    const final = await web.waitFor((m) => m.ts === card.ts && cardText(m).includes('Approved'), 10_000);
    expect(cardText(final)).toMatch(/<@U0ALICE01> \(alice\) approved via slack.*<@U0BOB0001> \(bob\) approved via slack/);
    const v = await engine.view(id);
    expect(v.steps[0].approvals.votes.map((x: { person: string; channel: string }) => `${x.person}/${x.channel}`)).toEqual(['alice/slack', 'bob/slack']);
  });

  it('refuses a stranger and another workspace, then takes a rejection with its reason from the modal', async () => {
    const { id, principal, card } = await incidentWithCard();
    await socket.interactive(clickPayload(card, 'approve', 'U0STRANGER'));
    await socket.interactive(clickPayload(card, 'approve', BOB, { team: 'T0OTHER01' }));
    const refused = async () => ((await engine.view(id)).timeline as { type: string; reason?: string }[]).filter((t) => t.type === 'decision.refused').map((t) => t.reason ?? '');
    await eventually(async () => {
      const reasons = await refused();
      return reasons.some((r) => r.includes('Slack user U0STRANGER is not in the roster')) && reasons.some((r) => r.includes('not this deployment')) ? true : undefined;
    }, 10_000, 'both refusals in the timeline');

    const views = web.views.length;
    await socket.interactive(clickPayload(card, 'reject', BOB));
    const modal = await eventually(async () => web.views[views], 5_000, 'the reason modal');
    expect(modal.view).toMatchObject({ type: 'modal', callback_id: 'kafka-ir.reject' });
    // A modal's envelope accepts a response payload; a recorded rejection answers none, so the modal closes.
    const submitted = await socket.interactive(reasonPayload(modal.view, BOB, 'the nightly batch job'), { acceptsResponsePayload: true });
    expect(submitted.payload ?? {}).toEqual({});
    const v = await eventually(async () => { const x = await engine.view(id); return x.status === 'aborted' ? x : undefined; }, 15_000, 'the veto');
    expect(v.steps[0]).toMatchObject({ status: 'rejected', approvals: { votes: [{ person: 'bob', channel: 'slack', decision: 'reject' }] } });
    expect(cardText(await web.waitFor((m) => m.ts === card.ts && cardText(m).includes('Rejected'), 10_000))).toContain('the nightly batch job');
    expect(await bindingsOf(kafka, principal)).toEqual([]);
  });
});
