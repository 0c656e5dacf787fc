// notifySlack: posts the incident's first message, its thread replies and approval cards, and updates the cards.
import type { WebClient } from '@slack/web-api';
import { ApplicationFailure } from '@temporalio/common';
import type { SlackSettings } from '../../src/config.js';
import type { Notice, NoticeRefs, SlackRef } from '../../src/model/notice.js';
import { slackClient, slackFailure } from '../../src/notify/slack-client.js';
import { approvalCard, openedMessage, threadMessage } from './slack-blocks.js';

export interface SlackNoticeRequest { notice: Notice; refs: NoticeRefs }

export function slackNotifier(settings: SlackSettings | undefined, publicUrl: string) {
  const client: WebClient | undefined = settings && slackClient(settings);

  async function call<T>(method: string, run: (c: WebClient) => Promise<T>): Promise<T> {
    try {
      return await run(client!);
    } catch (err) {
      throw slackFailure(err, method);
    }
  }
  const post = async (message: { text: string; blocks: unknown[] }, threadTs?: string): Promise<SlackRef> => {
    const result = await call('chat.postMessage', (c) => c.chat.postMessage({
      channel: settings!.channel, text: message.text, blocks: message.blocks as never, unfurl_links: false, ...(threadTs ? { thread_ts: threadTs } : {}),
    }));
    return { channel: result.channel ?? settings!.channel, ts: result.ts! };
  };

  return {
    /** Returns the refs with what this notice posted; an update of a card that was never posted is a no-op. */
    async notifySlack({ notice, refs }: SlackNoticeRequest): Promise<NoticeRefs> {
      if (!client || !settings) throw ApplicationFailure.nonRetryable('Slack is not configured on this worker: set SLACK_BOT_TOKEN and the other SLACK_* variables', 'SlackConfiguration');
      const url = `${publicUrl}/v1/incidents/${notice.incident.id}`;
      switch (notice.kind) {
        case 'opened':
          return refs.thread ? refs : { ...refs, thread: await post(openedMessage(notice.incident, url)) };
        case 'approval':
        case 'decision': {
          const card = approvalCard(notice.incident, notice.approval, url);
          const existing = refs.cards[notice.approval.step];
          if (existing) {
            await call('chat.update', (c) => c.chat.update({ channel: existing.channel, ts: existing.ts, text: card.text, blocks: card.blocks }));
            return refs;
          }
          if (notice.kind === 'decision') return refs;
          return { ...refs, cards: { ...refs.cards, [notice.approval.step]: await post(card) } };
        }
        default: {
          const message = threadMessage(notice, `${url}/report?format=html`);
          if (refs.thread) {
            await post(message, refs.thread.ts);
            return refs;
          }
          return { ...refs, thread: await post(message) };
        }
      }
    },
  };
}
