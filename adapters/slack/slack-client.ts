// The Slack Web API client as kafka-ir uses it: no hidden retries or sleeps (Temporal retries), errors a person can act on.
import { WebAPIPlatformError, WebAPIRateLimitedError, WebClient } from '@slack/web-api';

/** The client's type, for the edges that hold one (the Slack interactions route): only adapters/slack imports @slack/*. */
export type { WebClient };

export function slackClient(settings: { token: string; apiUrl?: string }): WebClient {
  return new WebClient(settings.token, {
    ...(settings.apiUrl ? { slackApiUrl: settings.apiUrl.endsWith('/') ? settings.apiUrl : `${settings.apiUrl}/` } : {}),
    // A rate-limited call fails at once with Retry-After, so the activity's retry waits instead of a sleeping worker slot.
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
  });
}

/** A failed Slack call said as what to do; `retryable` and `retryAfterS` tell whether and when a retry can help. */
export class SlackError extends Error {
  override name = 'SlackError';
  constructor(
    message: string,
    readonly code: 'SlackRateLimited' | 'SlackConfiguration' | 'SlackError' | 'SlackUnreachable',
    readonly retryable: boolean,
    readonly retryAfterS?: number,
  ) {
    super(message);
  }
}

/** Slack errors that no retry fixes, with what to do about each. */
const CONFIGURATION: Record<string, string> = {
  channel_not_found: 'SLACK_CHANNEL names no channel the app can see: use the channel id (C…) and check the app is installed in that workspace',
  not_in_channel: 'the app is not a member of SLACK_CHANNEL: invite it (/invite @kafka-ir) or grant chat:write.public',
  invalid_auth: 'SLACK_BOT_TOKEN is not valid: copy the Bot User OAuth Token (xoxb-…) from the app\'s OAuth & Permissions page',
  not_authed: 'no token reached Slack: set SLACK_BOT_TOKEN',
  token_revoked: 'SLACK_BOT_TOKEN was revoked: reinstall the app and update the token',
  account_inactive: 'the app\'s bot user is deactivated: reinstall the app',
  missing_scope: 'the app lacks a scope: add chat:write (and usergroups:read for user groups), then reinstall',
  is_archived: 'SLACK_CHANNEL is archived: unarchive it or choose another channel',
};

/** Configuration problems are final, a 429 retries after Slack's Retry-After, anything else may pass on a retry. */
export function slackError(err: unknown, method: string): SlackError {
  if (err instanceof WebAPIRateLimitedError) {
    return new SlackError(`Slack rate-limited ${method}; retrying after ${err.retryAfter} s`, 'SlackRateLimited', true, Math.max(1, err.retryAfter));
  }
  if (err instanceof WebAPIPlatformError) {
    const hint = CONFIGURATION[err.data.error];
    const message = `Slack ${method} failed: ${err.data.error}${hint ? ` (${hint})` : ''}`;
    return hint ? new SlackError(message, 'SlackConfiguration', false) : new SlackError(message, 'SlackError', true);
  }
  return new SlackError(`Slack ${method} failed: ${err instanceof Error ? err.message : String(err)}`, 'SlackUnreachable', true);
}
