// The Slack stand-in driven by the real @slack/web-api WebClient, and the request signer pinned to Slack's worked example.
import { ErrorCode, WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interactionBody, signSlackRequest } from '../../support/slack-signing.js';
import { slackFixture, startSlackStandIn, type SlackStandIn } from '../../support/slack-stand-in.js';

let slack: SlackStandIn;
let web: WebClient;
const client = (token?: string) =>
  new WebClient(token, { slackApiUrl: slack.url, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
/** What the WebClient promise rejected with. */
const rejection = async (p: Promise<unknown>): Promise<any> => p.then(() => { throw new Error('expected the call to fail'); }, (err: unknown) => err);

beforeAll(async () => {
  slack = await startSlackStandIn();
  web = client(slack.token);
});
afterAll(() => slack.close());

const blocks = [{ type: 'section', block_id: 'summary', text: { type: 'mrkdwn', text: '*Principal denied*' } }];

describe('Slack stand-in through WebClient', () => {
  it('posts a message with blocks, then chat.update shows the new text and keeps the blocks', async () => {
    const posted = await web.chat.postMessage({ channel: 'C-post-update', text: 'containing User:mallory', blocks });
    expect(posted).toMatchObject({ ok: true, channel: 'C-post-update', message: { text: 'containing User:mallory', blocks, type: 'message', ts: posted.ts } });
    expect(posted.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(slack.calls.find((c) => c.method === 'chat.postMessage' && c.args.channel === 'C-post-update')?.args.blocks).toEqual(blocks);

    const updated = await web.chat.update({ channel: 'C-post-update', ts: posted.ts!, text: 'contained User:mallory' });
    expect(updated).toMatchObject({ ok: true, channel: 'C-post-update', ts: posted.ts, text: 'contained User:mallory' });
    const message = slack.messages.find((m) => m.ts === posted.ts);
    expect(message).toMatchObject({ text: 'contained User:mallory', blocks });
    expect(slack.updates.filter((u) => u.ts === posted.ts).map((u) => u.text)).toEqual(['contained User:mallory']);
  });

  it('gives each message its own increasing ts, and a reply shows in its thread', async () => {
    const parent = await web.chat.postMessage({ channel: 'C-thread', text: 'incident opened' });
    const reply = await web.chat.postMessage({ channel: 'C-thread', text: 'quota applied', thread_ts: parent.ts! });
    expect(reply.ts! > parent.ts!).toBe(true);
    expect(slack.thread('C-thread', parent.ts!).map((m) => m.text)).toEqual(['quota applied']);
    expect(slack.thread('C-other', parent.ts!)).toEqual([]);
  });

  it('answers chat.update of an unknown ts with message_not_found', async () => {
    const err = await rejection(web.chat.update({ channel: 'C-thread', ts: '1111111111.000001', text: 'x' }));
    expect(err).toMatchObject({ code: ErrorCode.PlatformError, data: { ok: false, error: 'message_not_found' } });
  });

  it('failNext answers the next call only with the documented error body', async () => {
    slack.failNext('chat.postMessage', { error: 'channel_not_found' });
    const err = await rejection(web.chat.postMessage({ channel: 'C-fail', text: 'lost' }));
    expect(err).toMatchObject({ code: ErrorCode.PlatformError, data: { ok: false, error: 'channel_not_found' } });
    expect(slack.messages.some((m) => m.channel === 'C-fail')).toBe(false);
    await expect(web.chat.postMessage({ channel: 'C-fail', text: 'delivered' })).resolves.toMatchObject({ ok: true });
  });

  it('rateLimitNext answers 429 with Retry-After, which WebClient turns into a rate-limited error', async () => {
    slack.rateLimitNext('chat.postMessage', 7);
    const err = await rejection(web.chat.postMessage({ channel: 'C-limited', text: 'too fast' }));
    expect(err).toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 7 });
    expect(err.code).toBe('slack_webapi_rate_limited_error');
    expect(slack.messages.some((m) => m.channel === 'C-limited')).toBe(false);
  });

  it('dropAnswerNext performs the call but loses its answer: WebClient sees a network error, the message is there', async () => {
    slack.dropAnswerNext('chat.postMessage');
    const err = await rejection(web.chat.postMessage({ channel: 'C-lost', text: 'posted, answer lost' }));
    expect(err).toMatchObject({ code: ErrorCode.RequestError });
    expect(slack.messages.filter((m) => m.channel === 'C-lost').map((m) => m.text)).toEqual(['posted, answer lost']);
    await expect(web.chat.postMessage({ channel: 'C-lost', text: 'answered' })).resolves.toMatchObject({ ok: true });
  });

  it('conversations.history lists the top-level messages after oldest, newest first, with metadata only when asked', async () => {
    const metadata = { event_type: 'kafka_ir_notice', event_payload: { key: 'wf/run/1' } };
    const first = await web.chat.postMessage({ channel: 'C-history', text: 'first', metadata });
    const second = await web.chat.postMessage({ channel: 'C-history', text: 'second' });
    await web.chat.postMessage({ channel: 'C-history', text: 'a reply', thread_ts: first.ts! });
    await web.chat.postMessage({ channel: 'C-elsewhere', text: 'other channel' });
    const third = await web.chat.postMessage({ channel: 'C-history', text: 'third' });
    expect(slack.messages.find((m) => m.ts === first.ts)?.metadata).toEqual(metadata);

    const all = await web.conversations.history({ channel: 'C-history', oldest: '0', include_all_metadata: true });
    expect(all).toMatchObject({ ok: true, has_more: false, pin_count: 0 });
    expect(all.messages?.map((m) => [m.text, m.ts])).toEqual([['third', third.ts], ['second', second.ts], ['first', first.ts]]);
    expect(all.messages?.[2]).toMatchObject({ type: 'message', metadata });
    expect(all.messages?.[1]?.metadata).toBeUndefined();

    const plain = await web.conversations.history({ channel: 'C-history', oldest: '0' });
    expect(plain.messages?.some((m) => m.metadata)).toBe(false);
    // "If a message has the same timestamp as oldest or latest it will not be included in the list", unless inclusive.
    const after = await web.conversations.history({ channel: 'C-history', oldest: second.ts! });
    expect(after.messages?.map((m) => m.text)).toEqual(['third']);
    const from = await web.conversations.history({ channel: 'C-history', oldest: second.ts!, inclusive: true });
    expect(from.messages?.map((m) => m.text)).toEqual(['third', 'second']);
    const newest = await web.conversations.history({ channel: 'C-history', oldest: '0', limit: 2 });
    expect(newest).toMatchObject({ has_more: true });
    expect(newest.messages?.map((m) => m.text)).toEqual(['third', 'second']);
  });

  it('failNext answers conversations.history with missing_scope', async () => {
    slack.failNext('conversations.history', { error: 'missing_scope' });
    await expect(web.conversations.history({ channel: 'C-history' })).rejects.toMatchObject({ data: { ok: false, error: 'missing_scope' } });
  });

  it('refuses a wrong token with invalid_auth and a missing one with not_authed', async () => {
    await expect(client('xoxb-wrong').chat.postMessage({ channel: 'C-auth', text: 'x' })).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
    await expect(client().chat.postMessage({ channel: 'C-auth', text: 'x' })).rejects.toMatchObject({ data: { error: 'not_authed' } });
  });

  it('usergroups.users.list returns the users set for the group, and no_such_subteam for an unknown one', async () => {
    slack.setUsergroup('S-oncall', ['U111', 'U222']);
    await expect(web.usergroups.users.list({ usergroup: 'S-oncall' })).resolves.toMatchObject({ ok: true, users: ['U111', 'U222'] });
    await expect(web.usergroups.users.list({ usergroup: 'S-none' })).rejects.toMatchObject({ data: { error: 'no_such_subteam' } });
  });

  it('views.open returns the opened view and records the trigger', async () => {
    const view = { type: 'modal' as const, callback_id: 'approve-containment', private_metadata: 'inc-1', title: { type: 'plain_text' as const, text: 'Approve' }, blocks: [] };
    const opened = await web.views.open({ trigger_id: '123.456.abc', view });
    expect(opened.view).toMatchObject({ type: 'modal', callback_id: 'approve-containment', private_metadata: 'inc-1', state: { values: {} } });
    expect(opened.view?.id).toBe(opened.view?.root_view_id);
    expect(slack.views.at(-1)).toMatchObject({ trigger_id: '123.456.abc', view: { callback_id: 'approve-containment' } });
  });

  it('waitFor resolves with a message posted later, and names what it saw when it times out', async () => {
    const seen = slack.waitFor((m) => m.channel === 'C-wait' && /approved/.test(m.text ?? ''), 2_000);
    await web.chat.postMessage({ channel: 'C-wait', text: 'waiting for approval' });
    await web.chat.postMessage({ channel: 'C-wait', text: 'approved by U111' });
    await expect(seen).resolves.toMatchObject({ channel: 'C-wait', text: 'approved by U111' });
    await expect(slack.waitFor((m) => m.channel === 'C-never', 50)).rejects.toThrow(/no Slack message matched within 50 ms/);
  });

  it('accepts a JSON body too', async () => {
    const res = await fetch(`${slack.url}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${slack.token}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ channel: 'C-json', text: 'as json', blocks }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, channel: 'C-json', message: { text: 'as json', blocks } });
  });
});

describe('signSlackRequest', () => {
  it('reproduces the worked example in Slack\'s "Verifying requests from Slack"', () => {
    const body = 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar'
      + '&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text='
      + '&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN'
      + '&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(signSlackRequest('8f742231b10e8888abcd99yyyzzz85a5', body, 1531420618)).toEqual({
      'x-slack-signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
      'x-slack-request-timestamp': '1531420618',
      'content-type': 'application/x-www-form-urlencoded',
    });
  });

  it('interactionBody is a form with the payload as JSON in the `payload` field', () => {
    for (const name of ['interaction.block_actions', 'interaction.view_submission']) {
      const payload = slackFixture(name);
      const form = new URLSearchParams(interactionBody(payload));
      expect([...form.keys()]).toEqual(['payload']);
      expect(JSON.parse(form.get('payload')!)).toEqual(payload);
    }
  });
});
