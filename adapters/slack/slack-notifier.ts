// Posts an incident's notices to Slack: its first message, the thread replies and the approval cards it updates as votes come.
import type { WebClient } from '@slack/web-api';
import type { Notice, NoticeRefs, SlackRef } from '../../src/model/notice.js';
import { approvalCard, openedMessage, threadMessage } from './slack-blocks.js';
import { slackClient, slackError } from './slack-client.js';

export interface SlackNotifierSettings { token: string; channel: string; apiUrl?: string }

/** The activity attempt that posts: `key` is the same across its retries and differs for every other activity. */
export interface PostAttempt { key: string; attempt: number; firstScheduledMs: number }

/** Message metadata's event_type on every top-level post (https://docs.slack.dev/messaging/message-metadata). */
const NOTICE_EVENT = 'kafka_ir_notice';
/** Slack stamps a message with its own clock, the activity's first scheduling is Temporal's: look back a little earlier. */
const CLOCK_MARGIN_MS = 60_000;
const slackTs = (ms: number) => (ms / 1000).toFixed(6);

export function slackNotifier(settings: SlackNotifierSettings, publicUrl: string) {
  const client: WebClient = slackClient(settings);
  const { channel } = settings;

  async function call<T>(method: string, run: (c: WebClient) => Promise<T>): Promise<T> {
    try {
      return await run(client);
    } catch (err) {
      throw slackError(err, method);
    }
  }
  /**
   * The top-level message an earlier attempt posted, when Slack processed it but the answer was lost. Without
   * channels:history (groups:history in a private channel) the lookup fails: posting again beats posting nothing.
   */
  const postedBefore = async ({ key, firstScheduledMs }: PostAttempt, to: string): Promise<SlackRef | undefined> => {
    try {
      const history = await client.conversations.history({
        channel: to, oldest: slackTs(firstScheduledMs - CLOCK_MARGIN_MS), include_all_metadata: true, limit: 200,
      });
      const found = history.messages?.find((m) => m.metadata?.event_type === NOTICE_EVENT && (m.metadata.event_payload as { key?: unknown } | undefined)?.key === key);
      return found?.ts ? { channel: to, ts: found.ts } : undefined;
    } catch {
      return undefined;
    }
  };
  /** A thread reply is posted as is; a top-level post (thread root, approval card) is found instead on a retry that follows a lost answer. */
  const post = async (message: { text: string; blocks: unknown[] }, sender: PostAttempt | undefined, threadTs?: string, to = channel): Promise<SlackRef> => {
    const attempt = threadTs ? undefined : sender;
    if (attempt && attempt.attempt > 1) {
      const earlier = await postedBefore(attempt, to);
      if (earlier) return earlier;
    }
    const result = await call('chat.postMessage', (c) => c.chat.postMessage({
      channel: to, text: message.text, blocks: message.blocks as never, unfurl_links: false,
      ...(threadTs ? { thread_ts: threadTs } : {}),
      ...(attempt ? { metadata: { event_type: NOTICE_EVENT, event_payload: { key: attempt.key } } } : {}),
    }));
    return { channel: result.channel ?? to, ts: result.ts! };
  };

  return {
    /**
     * Returns the refs with what this notice posted; an update of a card that was never posted is a no-op. `attempt`
     * marks top-level posts so that a retry finds them.
     */
    async send(notice: Notice, refs: NoticeRefs, attempt?: PostAttempt): Promise<NoticeRefs> {
      const url = `${publicUrl}/v1/incidents/${notice.incident.id}`;
      switch (notice.kind) {
        case 'opened':
          return refs.thread ? refs : { ...refs, thread: await post(openedMessage(notice.incident, url), attempt) };
        case 'approval':
        case 'decision': {
          const card = approvalCard(notice.incident, notice.approval, url);
          // A failed step's question is a card of its own, beside the step's approval card.
          const key = notice.approval.ask ? `${notice.approval.step}:failure` : notice.approval.step;
          const existing = refs.cards[key];
          if (existing) {
            await call('chat.update', (c) => c.chat.update({ channel: existing.channel, ts: existing.ts, text: card.text, blocks: card.blocks }));
            return refs;
          }
          if (notice.kind === 'decision') return refs;
          return { ...refs, cards: { ...refs.cards, [key]: await post(card, attempt) } };
        }
        default: {
          const message = threadMessage(notice, `${url}/report?format=html`);
          // A communication plan's message goes to its audience's channel, on its own, found again on a retry.
          if (notice.kind === 'message' && notice.slackChannel) {
            await post(message, attempt, undefined, notice.slackChannel);
            return refs;
          }
          if (refs.thread) {
            await post(message, attempt, refs.thread.ts);
            return refs;
          }
          return { ...refs, thread: await post(message, attempt) };
        }
      }
    },
  };
}
