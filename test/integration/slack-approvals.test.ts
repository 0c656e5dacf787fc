// A whole incident run from Slack alone, on real Temporal and Kafka, with the Slack Web API stand-in: the card, two
// approvers' clicks, the DENY on the broker, the card showing both; the reject modal; every forged or wrong click refused.
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIncidentId } from '../../src/model/incident.js';
import { eventually, startTestEngine, type TestEngine } from '../support/engine.js';
import { infra, unique } from '../support/infra.js';
import { admin, bindingsOf } from '../support/kafka.js';
import { token } from '../support/people.js';
import { startSlackStandIn, type SlackMessage, type SlackStandIn } from '../support/slack-stand-in.js';
import { SLACK, click, deliver, slackEnv, submitReason } from '../support/slack-clicks.js';

const ALICE = 'U0ALICE01';
const BOB = 'U0BOB0001';
const CAROL = 'U0CAROL01';

let slack: SlackStandIn;
let engine: TestEngine;
const kafka = admin();
beforeAll(async () => {
  slack = await startSlackStandIn();
  slack.setUsergroup('S0SECOPS1', [BOB]); // the roster's secops follows this Slack user group
  // Refusals reach the timeline aggregated per interval (src/server/refusal-reports.ts): a short one shows each here.
  engine = await startTestEngine({ ...slackEnv(slack), KAFKA_IR_REFUSAL_INTERVAL: '0.05' });
});
afterAll(async () => { await engine?.close(); await slack?.close(); await kafka.close(); });

const alert = (kind: string, principal: string) => ({
  kind, severity: 'critical', summary: `${principal} reads purchasing`, source: 'siem', observedAt: new Date().toISOString(), subject: { principal },
});

/** Opens an incident and returns it with its approval card as first posted. */
async function incidentWithCard(kind: string, requester?: 'alice') {
  const principal = `User:${unique('slack')}`;
  const id = (await engine.post('/v1/alerts', alert(kind, principal), requester ? token(requester) : undefined)).body.incidents[0].id as string;
  // A copy: the stand-in updates its messages in place, and a click comes from the card as the person saw it.
  const card = structuredClone(await slack.waitFor((m) => m.text?.includes(`of incident ${id}`) === true && !m.thread_ts, 20_000));
  return { id, principal, card };
}
const cardText = (card: SlackMessage) => JSON.stringify(card.blocks);
const timeline = async (id: string) => (await engine.view(id)).timeline as { type: string; reason?: string; person?: string; channel?: string }[];
const refusals = async (id: string) => (await timeline(id)).filter((t) => t.type === 'decision.refused');

describe('Slack', () => {
  it('runs an incident from Slack alone: message, card, two approvers click, DENY on the broker, card shows both', async () => {
    const { id, principal, card } = await incidentWithCard('test.approve-deny');
    const opened = slack.messages.find((m) => m.text?.startsWith(`Incident ${id} opened`));
    expect(opened?.channel).toBe(SLACK.channel);
    expect(JSON.stringify(opened?.blocks)).toContain(principal);
    // The card shows the plan (the four DENY bindings), why, undo, who decides, quorum and deadline, with both buttons.
    const text = cardText(card);
    for (const shown of [`add DENY ${principal} all on topic *`, 'Why:', `${principal} reads purchasing`, 'Reversible', 'kafka-oncall or secops', 'quorum 2', 'Deadline', '"action_id":"approve"', '"action_id":"reject"']) {
      expect(text).toContain(shown);
    }

    expect((await deliver(engine.url, click(card, 'approve', ALICE))).status).toBe(200);
    const afterAlice = await slack.waitFor((m) => m.ts === card.ts && cardText(m).includes('<@U0ALICE01> (alice) approved via slack'), 10_000);
    expect(cardText(afterAlice)).toContain('1/2 so far');
    expect(await bindingsOf(kafka, principal)).toEqual([]);

    expect((await deliver(engine.url, click(card, 'approve', BOB))).status).toBe(200);
    await eventually(async () => ((await bindingsOf(kafka, principal)).length === 4 ? true : undefined), 20_000, 'the DENY on the broker');
    const final = await slack.waitFor((m) => m.ts === card.ts && cardText(m).includes('Approved'), 10_000);
    expect(cardText(final)).toMatch(/<@U0ALICE01> \(alice\) approved via slack.*<@U0BOB0001> \(bob\) approved via slack/);
    expect(cardText(final)).not.toContain('"action_id":"approve"');
    const v = await engine.view(id);
    expect(v.steps[0].approvals.votes.map((x: { person: string; channel: string }) => `${x.person}/${x.channel}`)).toEqual(['alice/slack', 'bob/slack']);

    // The thread tells the rest: phase, the step's result, and the summary at close with the report link.
    await eventually(async () => {
      const replies = slack.thread(SLACK.channel, opened!.ts).map((m) => m.text ?? '');
      return replies.some((t) => t === `Incident ${id} closed`) ? replies : undefined;
    }, 20_000, 'the closing summary in the thread');
    const thread = slack.thread(SLACK.channel, opened!.ts);
    expect(thread.map((m) => m.text)).toEqual(expect.arrayContaining(['Phase: containment', 'Step deny done']));
    expect(JSON.stringify(thread.at(-1)!.blocks)).toContain(`/v1/incidents/${id}/report?format=html`);
  });

  it('asks a rejecting approver for the reason in a modal, and the reject vetoes the step', async () => {
    const { id, principal, card } = await incidentWithCard('test.approve-deny');
    const trigger = click(card, 'reject', BOB);
    expect((await deliver(engine.url, trigger)).status).toBe(200);
    const view = await eventually(async () => slack.views.at(-1)?.trigger_id === JSON.parse(decodeURIComponent(trigger.body.slice(8))).trigger_id ? slack.views.at(-1) : undefined, 5_000, 'the reason modal');
    expect(view.view).toMatchObject({ type: 'modal', callback_id: 'kafka-ir.reject' });
    expect((await deliver(engine.url, submitReason(view.view, BOB, 'this is the nightly batch job'))).status).toBe(200);

    const v = await eventually(async () => { const x = await engine.view(id); return x.status === 'aborted' ? x : undefined; }, 15_000, 'the veto');
    expect(v.steps[0]).toMatchObject({ status: 'rejected', approvals: { votes: [{ person: 'bob', channel: 'slack', decision: 'reject' }] } });
    const final = await slack.waitFor((m) => m.ts === card.ts && cardText(m).includes('Rejected'), 10_000);
    expect(cardText(final)).toContain('this is the nightly batch job');
    expect(await bindingsOf(kafka, principal)).toEqual([]);
  });

  it('refuses forged, stale, future, replayed, foreign and unknown clicks, records each, and changes nothing', async () => {
    const { id, principal, card } = await incidentWithCard('test.approve-deny', 'alice');
    const now = Math.floor(Date.now() / 1000);
    const replayed = click(card, 'approve', BOB, { at: now - 1 });
    const cases: [string, ReturnType<typeof click>, number, string][] = [
      ['forged signature', click(card, 'approve', BOB, { secret: 'not-the-signing-secret-000000' }), 401, 'signature does not match'],
      ['stale timestamp', click(card, 'approve', BOB, { at: now - 6 * 60 }), 401, 'old (more than 5 minutes)'],
      ['future timestamp', click(card, 'approve', BOB, { at: now + 6 * 60 }), 401, 'in the future (more than 5 minutes)'],
      ['wrong team', click(card, 'approve', BOB, { team: 'T0OTHER01' }), 403, 'not this deployment'],
      ['wrong app', click(card, 'approve', BOB, { app: 'A0OTHER01' }), 403, 'not this deployment'],
      ['unknown Slack user', click(card, 'approve', 'U0STRANGER'), 200, 'Slack user U0STRANGER is not in the roster'],
      ['requester approving', click(card, 'approve', ALICE), 200, 'alice raised this incident and cannot also approve it (four-eyes)'],
      ['not an approver', click(card, 'approve', CAROL), 200, 'carol is not in kafka-oncall or secops'],
    ];
    for (const [what, post, status, reason] of cases) {
      expect((await deliver(engine.url, post)).status, what).toBe(status);
      await eventually(async () => ((await refusals(id)).some((r) => r.reason?.includes(reason)) ? true : undefined), 10_000, `${what} in the timeline`);
    }
    // A vote, then the very same signed request again: refused as a replay; a second vote by a new click: refused too.
    expect((await deliver(engine.url, replayed)).status).toBe(200);
    await eventually(async () => ((await engine.view(id)).steps[0].approvals.votes.length === 1 ? true : undefined), 10_000, "bob's vote");
    expect((await deliver(engine.url, replayed)).status).toBe(401);
    expect((await deliver(engine.url, click(card, 'approve', BOB))).status).toBe(200);
    await eventually(async () => ((await refusals(id)).some((r) => r.reason?.includes('replayed')) ? true : undefined), 10_000, 'the replay in the timeline');
    await eventually(async () => ((await refusals(id)).some((r) => r.reason === 'bob has already voted on step "deny"') ? true : undefined), 10_000, 'the second vote in the timeline');

    const v = await engine.view(id);
    expect(v.steps[0]).toMatchObject({ status: 'awaiting_approval', approvals: { votes: [{ person: 'bob', channel: 'slack' }], waitingOn: ['dave'] } });
    expect(await bindingsOf(kafka, principal)).toEqual([]);
    // The card says why the last clicks were refused.
    const shown = await slack.waitFor((m) => m.ts === card.ts && cardText(m).includes('has already voted'), 10_000);
    expect(cardText(shown)).toContain('Refused');
  });

  it('refuses a click on a step that is no longer waiting', async () => {
    const { id, principal, card } = await incidentWithCard('test.approve-then-hold');
    expect((await deliver(engine.url, click(card, 'approve', ALICE))).status).toBe(200);
    await eventually(async () => ((await bindingsOf(kafka, principal)).length === 4 ? true : undefined), 20_000, 'the DENY on the broker');
    await eventually(async () => ((await engine.view(id)).phase === 'lessons' ? true : undefined), 10_000, 'the lessons phase');
    // The runbook's own slack.notify step speaks in the incident's thread; its email.notify is off here (no SMTP).
    const opened = slack.messages.find((m) => m.text?.startsWith(`Incident ${id} opened`))!;
    await slack.waitFor((m) => m.thread_ts === opened.ts && m.text === `Denied ${principal} on every broker.`, 10_000);
    expect((await engine.stepOf(id, 'tell-soc')).output).toEqual({ queued: false, note: 'email is not configured: nothing was sent' });
    const views = slack.views.length;
    expect((await deliver(engine.url, click(card, 'reject', ALICE))).status).toBe(200); // opens the modal only
    const modal = await eventually(async () => slack.views[views], 5_000, 'the reason modal');
    expect((await deliver(engine.url, submitReason(modal.view, ALICE, 'changed my mind'))).status).toBe(200);
    await eventually(async () => ((await refusals(id)).some((r) => r.reason === 'step "deny" is not waiting for a decision (it is done)') ? true : undefined), 10_000, 'the refusal');
    expect((await engine.view(id)).steps[0].status).toBe('done');
    // The card still says approved, and now also why the late click was refused.
    await slack.waitFor((m) => m.ts === card.ts && cardText(m).includes('✅ Approved') && cardText(m).includes('is not waiting for a decision (it is done)'), 10_000);
    await engine.post(`/v1/incidents/${id}/notes`, { text: 'closing the test incident', lessons: true });
    await slack.waitFor((m) => m.text === `Incident ${id} closed`, 15_000);
  });

  it('keeps the incident going when Slack refuses: a bad channel is recorded with a hint, a 429 waits Retry-After', async () => {
    slack.failNext('chat.postMessage', { error: 'channel_not_found' });
    const before = slack.messages.length;
    const principal = `User:${unique('slack')}`;
    const id = (await engine.post('/v1/alerts', alert('test.deny-and-hold', principal))).body.incidents[0].id as string;
    const failed = await eventually(async () => (await timeline(id)).find((t) => t.type === 'notify.failed'), 20_000, 'the failure in the timeline');
    expect(failed).toMatchObject({ channel: 'slack', kind: 'opened', error: expect.stringContaining('SLACK_CHANNEL names no channel') });
    await eventually(async () => ((await bindingsOf(kafka, principal)).length === 4 ? true : undefined), 20_000, 'the DENY despite Slack');
    // Without the opening message, the next notice starts the thread and the rest follow in it.
    const [first, ...rest] = slack.messages.slice(before);
    expect(first).toMatchObject({ text: 'Phase: detection', thread_ts: undefined });
    expect(rest.filter((m) => m.text === 'Phase: containment').map((m) => m.thread_ts)).toEqual([first!.ts]);

    await slack.waitFor((m) => m.text === 'Phase: lessons' && m.thread_ts === first!.ts, 10_000);
    slack.rateLimitNext('chat.postMessage', 2);
    const started = Date.now();
    const other = `User:${unique('slack')}`;
    const next = (await engine.post('/v1/alerts', alert('test.deny-and-hold', other))).body.incidents[0].id as string;
    await slack.waitFor((m) => m.text?.startsWith(`Incident ${next} opened`) === true, 20_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
    expect((await timeline(next)).some((t) => t.type === 'notify.failed')).toBe(false);
    for (const i of [id, next]) await engine.post(`/v1/incidents/${i}/notes`, { text: 'done', lessons: true });
  });

  it('posts the opening message once when Slack\'s answer to it was lost: the retry finds it and the thread follows it', async () => {
    const principal = `User:${unique('slack')}`;
    slack.dropAnswerNext('chat.postMessage', (args) => JSON.stringify(args.blocks ?? '').includes(principal) && !args.thread_ts);
    const before = slack.calls.length;
    const id = (await engine.post('/v1/alerts', alert('test.deny-and-hold', principal))).body.incidents[0].id as string;
    const root = await slack.waitFor((m) => m.text?.startsWith(`Incident ${id} opened`) === true, 20_000);
    await slack.waitFor((m) => m.text === 'Phase: lessons' && m.thread_ts === root.ts, 20_000);
    // Posted once (its answer lost), found by the retry's one look at the channel, and the thread hangs off it.
    const calls = slack.calls.slice(before).filter((c) => c.method === 'conversations.history' || String(c.args.text).startsWith(`Incident ${id} opened`));
    expect(calls.map((c) => c.method)).toEqual(['chat.postMessage', 'conversations.history']);
    expect(slack.messages.filter((m) => m.text?.startsWith(`Incident ${id} opened`))).toEqual([root]);
    expect(slack.thread(SLACK.channel, root.ts).map((m) => m.text)).toEqual(expect.arrayContaining(['Phase: containment', 'Phase: lessons']));
    expect((await timeline(id)).some((t) => t.type === 'notify.failed')).toBe(false);
    await engine.post(`/v1/incidents/${id}/notes`, { text: 'done', lessons: true });
  });

  it('takes a group from its Slack user group when the incident opens: someone not in it now cannot approve', async () => {
    slack.setUsergroup('S0SECOPS1', ['U0SOMEONE1']); // bob is off the SecOps rota today
    // A fresh engine: membership is cached for a minute per engine.
    const fresh = await startTestEngine(slackEnv(slack));
    try {
      const principal = `User:${unique('slack')}`;
      const id = (await fresh.post('/v1/alerts', alert('test.approve-deny', principal))).body.incidents[0].id as string;
      const card = structuredClone(await slack.waitFor((m) => m.text?.includes(`of incident ${id}`) === true && !m.thread_ts, 20_000));
      expect((await fresh.view(id)).steps[0].approvals.waitingOn).toEqual(['alice', 'dave']);
      expect((await deliver(fresh.url, click(card, 'approve', BOB))).status).toBe(200);
      await eventually(async () => ((await fresh.view(id)).timeline.some((t: { type: string; reason?: string }) =>
        t.type === 'decision.refused' && t.reason === 'bob is not in kafka-oncall or secops, who decide step "deny"') ? true : undefined), 10_000, 'the refusal');
      expect(await bindingsOf(kafka, principal)).toEqual([]);
    } finally {
      await fresh.close();
    }
  });

  it('keeps the card and the thread across continue-as-new', async () => {
    slack.setUsergroup('S0SECOPS1', [BOB]);
    // A short history limit: the incident continues as new while it waits, carrying where its card and thread are.
    const short = await startTestEngine({ ...slackEnv(slack), KAFKA_IR_CONTINUE_AS_NEW_AFTER: '60' });
    const connection = await Connection.connect({ address: infra().TEMPORAL_ADDRESS });
    try {
      const principal = `User:${unique('slack')}`;
      const id = (await short.post('/v1/alerts', alert('test.approve-deny', principal))).body.incidents[0].id as string;
      const card = structuredClone(await slack.waitFor((m) => m.text?.includes(`of incident ${id}`) === true && !m.thread_ts, 20_000));
      const opened = slack.messages.find((m) => m.text?.startsWith(`Incident ${id} opened`))!;
      const { workflowId } = parseIncidentId(id)!;
      const runs = async () => {
        let n = 0;
        for await (const e of new Client({ connection }).workflow.list({ query: `WorkflowId = '${workflowId}'` })) n += e.runId ? 1 : 0;
        return n;
      };
      for (let i = 0; i < 8 && (await runs()) < 2; i++) await short.post(`/v1/incidents/${id}/notes`, { text: `note ${i}` });
      await eventually(async () => ((await runs()) >= 2 ? true : undefined), 20_000, 'a continue-as-new while waiting');

      expect((await deliver(short.url, click(card, 'approve', ALICE))).status).toBe(200);
      await slack.waitFor((m) => m.ts === card.ts && cardText(m).includes('<@U0ALICE01> (alice) approved via slack'), 15_000);
      expect((await deliver(short.url, click(card, 'approve', BOB))).status).toBe(200);
      await eventually(async () => ((await bindingsOf(kafka, principal)).length === 4 ? true : undefined), 20_000, 'the DENY on the broker');
      await slack.waitFor((m) => m.ts === card.ts && cardText(m).includes('✅ Approved'), 15_000);
      await slack.waitFor((m) => m.thread_ts === opened.ts && m.text === `Incident ${id} closed`, 20_000);
      expect(slack.messages.filter((m) => m.text?.includes(`of incident ${id}`) && !m.thread_ts)).toHaveLength(1); // one card, updated
    } finally {
      await short.close();
      await connection.close();
    }
  });
});
