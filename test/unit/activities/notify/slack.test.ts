// notifySlack through the real WebClient against the Slack stand-in: a top-level post retried after Slack's answer was
// lost is found by its message metadata instead of posted twice; thread replies are posted again without a lookup.
import { randomBytes } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackActivities, type SlackNoticeRequest } from '../../../../activities/notify/slack.js';
import type { PostAttempt } from '../../../../adapters/slack/slack-notifier.js';
import type { ApprovalNotice, Notice, NoticeIncident } from '../../../../src/model/notice.js';
import { startSlackStandIn, type SlackStandIn } from '../../../support/slack-stand-in.js';

let slack: SlackStandIn;
beforeAll(async () => { slack = await startSlackStandIn(); });
afterAll(() => slack.close());

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** One activity as Temporal would run it: the key of its run and id, and when its first attempt was scheduled. */
const activity = (activityId: string) => ({ key: `ir-data-exfiltration-${hex(4)}/${hex(8)}/${activityId}`, firstScheduledMs: Date.now() });

/** A notifier posting to a channel of its own; `run(n, …)` is attempt n of an activity. */
function channelNotifier() {
  const channel = `C${hex(5).toUpperCase()}`;
  let current: PostAttempt | undefined;
  const { notifySlack } = slackActivities(
    { slack: { token: slack.token, channel, apiUrl: slack.url }, publicUrl: 'https://ir.example.test' }, () => current,
  );
  return {
    channel,
    run: (attempt: number, a: ReturnType<typeof activity>, req: SlackNoticeRequest) => {
      current = { ...a, attempt };
      return notifySlack(req);
    },
  };
}

const topLevel = (channel: string) => slack.messages.filter((m) => m.channel === channel && !m.thread_ts);
const lookups = (channel: string) => slack.calls.filter((c) => c.method === 'conversations.history' && c.args.channel === channel);
const metadataOf = (key: string) => ({ event_type: 'kafka_ir_notice', event_payload: { key } });
/** What the activity attempt failed with. */
const failure = async (p: Promise<unknown>): Promise<unknown> => p.then(() => { throw new Error('expected the attempt to fail'); }, (err: unknown) => err);

function incident(): NoticeIncident {
  return {
    id: `ir-data-exfiltration-${hex(8)}-${hex(4)}`,
    runbook: { id: 'data-exfiltration', version: 3 }, subject: 'User:eve', severity: 'high', status: 'open', phase: 'containment',
    alert: { kind: 'data-exfiltration', summary: 'eve reads orders at 1.2 GB per 10 minutes', source: 'siem' }, dryRun: false,
  };
}

function approval(step: string): ApprovalNotice {
  return {
    step, action: 'kafka.acl.deny', phase: 'containment',
    plan: {
      summary: 'deny User:eve everything on topic orders', hash: 'c'.repeat(64), notes: [],
      changes: [{ op: 'acl.create', binding: { resourceType: 'topic', resourceName: 'orders', patternType: 'literal', principal: 'User:eve', host: '*', operation: 'all', permission: 'deny' } }],
    },
    why: ['Alert: eve reads orders at 1.2 GB per 10 minutes'], undo: 'Reversible: the inverse (1 change(s)) is recorded before applying.',
    from: ['kafka-oncall'], quorum: 1, deadline: '2031-05-01T10:00:00.000Z', votes: [],
    deciders: [{ handle: 'alice', slack: 'U0ALICE01' }], waitingOn: [{ handle: 'alice', slack: 'U0ALICE01' }], state: 'waiting', refusals: [],
  };
}

describe('notifySlack retried after a lost answer', () => {
  it('finds the incident\'s first message instead of posting it again', async () => {
    const { channel, run } = channelNotifier();
    const opened: Notice = { kind: 'opened', incident: incident() };
    const a = activity('3');

    slack.dropAnswerNext('chat.postMessage');
    const lost = await failure(run(1, a, { notice: opened, refs: { cards: {} } }));
    expect(lost).toBeInstanceOf(ApplicationFailure);
    expect(lost).toMatchObject({ type: 'SlackUnreachable', nonRetryable: false });

    const refs = await run(2, a, { notice: opened, refs: { cards: {} } });
    const posted = topLevel(channel);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({ text: `Incident ${opened.incident.id} opened (high): ${opened.incident.alert.summary}`, metadata: metadataOf(a.key) });
    expect(refs).toEqual({ cards: {}, thread: { channel, ts: posted[0]!.ts } });
  });

  it('finds its own approval card, not a newer post of another activity', async () => {
    const { channel, run } = channelNotifier();
    const i = incident();
    const deny = activity('7');
    const card: Notice = { kind: 'approval', incident: i, approval: approval('deny') };

    slack.dropAnswerNext('chat.postMessage');
    await failure(run(1, deny, { notice: card, refs: { cards: {} } }));
    // Before the retry, another incident opens in the same channel.
    const other = activity('3');
    await run(1, other, { notice: { kind: 'opened', incident: incident() }, refs: { cards: {} } });
    const refs = await run(2, deny, { notice: card, refs: { cards: {} } });

    const posted = topLevel(channel);
    expect(posted.map((m) => m.metadata)).toEqual([metadataOf(deny.key), metadataOf(other.key)]);
    expect(posted[0]!.text).toBe(`⏳ Waiting for approval: step deny of incident ${i.id}`);
    expect(refs).toEqual({ cards: { deny: { channel, ts: posted[0]!.ts } } });
  });

  it('posts again, without failing, when the lookup is refused for a missing scope', async () => {
    const { channel, run } = channelNotifier();
    const opened: Notice = { kind: 'opened', incident: incident() };
    const a = activity('3');

    slack.dropAnswerNext('chat.postMessage');
    await failure(run(1, a, { notice: opened, refs: { cards: {} } }));
    slack.failNext('conversations.history', { error: 'missing_scope' });
    const refs = await run(2, a, { notice: opened, refs: { cards: {} } });

    const posted = topLevel(channel);
    expect(posted.map((m) => m.metadata)).toEqual([metadataOf(a.key), metadataOf(a.key)]);
    expect(refs.thread).toEqual({ channel, ts: posted[1]!.ts });
    expect(lookups(channel)).toHaveLength(1);
  });

  it('does not look on a first attempt: it posts with the metadata a retry would look for', async () => {
    const { channel, run } = channelNotifier();
    const i = incident();
    const opened = activity('3');
    const card = activity('5');
    const refs = await run(1, opened, { notice: { kind: 'opened', incident: i }, refs: { cards: {} } });
    await run(1, card, { notice: { kind: 'approval', incident: i, approval: approval('deny') }, refs });

    expect(topLevel(channel).map((m) => m.metadata)).toEqual([metadataOf(opened.key), metadataOf(card.key)]);
    expect(lookups(channel)).toEqual([]);
  });

  it('posts a retried thread reply again, without a lookup', async () => {
    const { channel, run } = channelNotifier();
    const i = incident();
    const refs = await run(1, activity('3'), { notice: { kind: 'opened', incident: i }, refs: { cards: {} } });
    const phase = activity('9');

    slack.dropAnswerNext('chat.postMessage');
    await failure(run(1, phase, { notice: { kind: 'phase', incident: i, phase: 'containment' }, refs }));
    await expect(run(2, phase, { notice: { kind: 'phase', incident: i, phase: 'containment' }, refs })).resolves.toEqual(refs);

    const replies = slack.thread(channel, refs.thread!.ts);
    expect(replies.map((m) => [m.text, m.metadata])).toEqual([['Phase: containment', undefined], ['Phase: containment', undefined]]);
    expect(lookups(channel)).toEqual([]);
  });
});
