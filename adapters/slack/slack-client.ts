// The Slack Web API client as kafka-ir uses it: no hidden retries or sleeps (Temporal retries), errors a person can act on.
import { ApplicationFailure } from '@temporalio/common';
import { WebAPIPlatformError, WebAPIRateLimitedError, WebClient } from '@slack/web-api';
import type { SlackSettings } from '../../src/model/connections.js';

export function slackClient(settings: Pick<SlackSettings, 'token' | 'apiUrl'>): WebClient {
  return new WebClient(settings.token, {
    ...(settings.apiUrl ? { slackApiUrl: settings.apiUrl.endsWith('/') ? settings.apiUrl : `${settings.apiUrl}/` } : {}),
    // A rate-limited call fails at once with Retry-After, so the activity's retry waits instead of a sleeping worker slot.
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
  });
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

/** Maps a Slack failure to a Temporal one: configuration problems are final, a 429 retries after Slack's Retry-After. */
export function slackFailure(err: unknown, method: string): Error {
  if (err instanceof WebAPIRateLimitedError) {
    return ApplicationFailure.create({
      message: `Slack rate-limited ${method}; retrying after ${err.retryAfter} s`, type: 'SlackRateLimited', nextRetryDelay: `${Math.max(1, err.retryAfter)}s`,
    });
  }
  if (err instanceof WebAPIPlatformError) {
    const hint = CONFIGURATION[err.data.error];
    const message = `Slack ${method} failed: ${err.data.error}${hint ? ` (${hint})` : ''}`;
    return hint ? ApplicationFailure.nonRetryable(message, 'SlackConfiguration') : ApplicationFailure.retryable(message, 'SlackError');
  }
  return ApplicationFailure.retryable(`Slack ${method} failed: ${err instanceof Error ? err.message : String(err)}`, 'SlackUnreachable');
}
