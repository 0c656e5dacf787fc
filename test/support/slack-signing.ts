// Signs requests the way Slack signs what it posts to an app ("Verifying requests from Slack"); test-only, no I/O.
import { createHmac } from 'node:crypto';

export interface SlackRequestHeaders {
  'x-slack-signature': string;
  'x-slack-request-timestamp': string;
  'content-type': 'application/x-www-form-urlencoded';
}

/** `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<raw body>`, keyed with the app's signing secret. */
export function signSlackRequest(signingSecret: string, rawBody: string, timestampSeconds: number): SlackRequestHeaders {
  const signature = createHmac('sha256', signingSecret).update(`v0:${timestampSeconds}:${rawBody}`).digest('hex');
  return {
    'x-slack-signature': `v0=${signature}`,
    'x-slack-request-timestamp': String(timestampSeconds),
    'content-type': 'application/x-www-form-urlencoded',
  };
}

/** Interactivity requests carry the payload as JSON in one form field named `payload`. */
export function interactionBody(payload: object): string {
  return `payload=${encodeURIComponent(JSON.stringify(payload))}`;
}
