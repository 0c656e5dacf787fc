// Clicks on kafka-ir's approval cards as Slack sends them: Slack's documented payloads, signed with the signing secret.
import { slackFixture, type SlackMessage } from './slack-stand-in.js';
import { interactionBody, signSlackRequest } from './slack-signing.js';

export const SLACK = { secret: 'test-signing-secret-0123456789abcdef', team: 'T9TK3CUKW', app: 'AABA1ABCD', channel: 'C0INCIDENT' };

/** The engine's environment for Slack against a stand-in. */
export const slackEnv = (standIn: { url: string; token: string }) => ({
  SLACK_BOT_TOKEN: standIn.token, SLACK_SIGNING_SECRET: SLACK.secret, SLACK_CHANNEL: SLACK.channel,
  SLACK_TEAM_ID: SLACK.team, SLACK_APP_ID: SLACK.app, SLACK_API_URL: standIn.url,
});

/** The value of a card's button (incident, step, plan hash). */
export function buttonOf(card: SlackMessage, action: 'approve' | 'reject'): { value: string; block_id: string } {
  for (const block of (card.blocks ?? []) as { type: string; block_id: string; elements?: { action_id: string; value: string }[] }[]) {
    const button = block.type === 'actions' ? block.elements?.find((e) => e.action_id === action) : undefined;
    if (button) return { value: button.value, block_id: block.block_id };
  }
  throw new Error(`the card has no ${action} button`);
}

export interface SignedPost { body: string; headers: Record<string, string> }

/** A block_actions payload for a click on `card` by Slack user `user`, signed at `at` (seconds). */
export function click(card: SlackMessage, action: 'approve' | 'reject', user: string, opts: { at?: number; team?: string; app?: string; secret?: string } = {}): SignedPost {
  return sign(clickPayload(card, action, user, opts), opts);
}

/** The block_actions payload itself, as Slack also sends it over Socket Mode (in an `interactive` envelope). */
export function clickPayload(card: SlackMessage, action: 'approve' | 'reject', user: string, opts: { team?: string; app?: string } = {}): Record<string, any> {
  const payload = slackFixture('interaction.block_actions');
  const { value, block_id } = buttonOf(card, action);
  payload.team.id = opts.team ?? SLACK.team;
  payload.user = { ...payload.user, id: user, team_id: payload.team.id };
  payload.api_app_id = opts.app ?? SLACK.app;
  payload.container = { ...payload.container, message_ts: card.ts, channel_id: card.channel };
  payload.channel = { ...payload.channel, id: card.channel };
  payload.message = { ...payload.message, ts: card.ts };
  payload.actions = [{ ...payload.actions[0], action_id: action, block_id, value }];
  return payload;
}

/** The reject modal submitted with a reason; `view` is the modal kafka-ir opened. */
export function submitReason(view: Record<string, any>, user: string, reason: string): SignedPost {
  return sign(reasonPayload(view, user, reason), {});
}

/** The view_submission payload itself (Socket Mode sends it in an `interactive` envelope that accepts a response). */
export function reasonPayload(view: Record<string, any>, user: string, reason: string): Record<string, any> {
  const payload = slackFixture('interaction.view_submission');
  payload.team.id = SLACK.team;
  payload.user = { ...payload.user, id: user };
  payload.api_app_id = SLACK.app;
  payload.view = {
    ...payload.view, callback_id: view.callback_id, private_metadata: view.private_metadata,
    state: { values: { reason: { reason: { type: 'plain_text_input', value: reason } } } },
  };
  return payload;
}

function sign(payload: object, opts: { at?: number; secret?: string }): SignedPost {
  const body = interactionBody(payload);
  return { body, headers: { ...signSlackRequest(opts.secret ?? SLACK.secret, body, opts.at ?? Math.floor(Date.now() / 1000)) } };
}

export async function deliver(engineUrl: string, post: SignedPost): Promise<{ status: number; body: string }> {
  const res = await fetch(`${engineUrl}/v1/slack/interactions`, { method: 'POST', headers: post.headers, body: post.body });
  return { status: res.status, body: await res.text() };
}
