// Notices a runbook sends itself (docs/design.md §5 slack.notify, email.notify): text into the incident's Slack thread, or an
// email. They go through the incident's notice queue, in order with its other notices; a channel that fails is recorded
// as notify.failed, never fatal.
import { z } from 'zod';
import { action } from './define.js';

const Queued = z.strictObject({
  /** False when the channel is not configured on the engine that opened the incident. */
  queued: z.boolean(),
  note: z.string().optional(),
});

export const notifyActions = {
  'slack.notify': action({
    kind: 'read',
    summary: 'Posts text into the incident\'s Slack thread (SLACK_CHANNEL); skipped, and said so, when Slack is not configured.',
    input: z.strictObject({ text: z.string().min(1).max(3000) }),
    output: Queued,
  }),
  'email.notify': action({
    kind: 'read',
    summary: 'Emails text to the given addresses (default EMAIL_TO) with the incident\'s facts; skipped, and said so, when SMTP is not configured.',
    input: z.strictObject({
      subject: z.string().min(1).max(200),
      text: z.string().min(1),
      to: z.array(z.email()).min(1).optional(),
    }),
    output: Queued,
  }),
};
export type NotifyAction = keyof typeof notifyActions;
