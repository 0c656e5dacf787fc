// The notify activities (DESIGN §5 slack.notify, email.notify): what the incident tells people, per channel.
import { asyncLocalStorage } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { EmailSettings, SlackSettings } from '../../src/model/connections.js';
import type { Notice } from '../../src/model/notice.js';
import { EmailError, createMailer } from './email.js';
import { slackNotifier, type PostAttempt } from './slack.js';

export interface NotifyDeps { slack?: SlackSettings; email?: EmailSettings; publicUrl: string; linkSecret?: string }

/** The run id is part of the key: an incident continues as new, and activity ids restart with each run. */
function postAttempt(): PostAttempt | undefined {
  const info = asyncLocalStorage.getStore()?.info;
  if (!info?.workflowExecution) return undefined;
  const { workflowId, runId } = info.workflowExecution;
  return { key: `${workflowId}/${runId}/${info.activityId}`, attempt: info.attempt, firstScheduledMs: info.scheduledTimestampMs };
}

export function notifyActivities(deps: NotifyDeps) {
  const mailer = deps.email && createMailer({ ...deps.email, publicUrl: deps.publicUrl, linkSecret: deps.linkSecret });
  return {
    ...slackNotifier(deps.slack, deps.publicUrl, postAttempt),
    async notifyEmail({ notice }: { notice: Notice }): Promise<{ sent: number }> {
      if (!mailer) throw ApplicationFailure.nonRetryable('email is not configured on this worker: set SMTP_URL and EMAIL_FROM', 'EmailConfiguration');
      try {
        return await mailer.send(notice);
      } catch (err) {
        // A refused login, TLS failure or refused recipient is configuration: retrying sends nothing more.
        if (err instanceof EmailError && !err.retryable) throw ApplicationFailure.nonRetryable(err.message, 'EmailRejected');
        throw err;
      }
    },
  };
}
