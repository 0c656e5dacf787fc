// notifySlack: the incident's Slack thread and approval cards, through adapters/slack; a Slack failure becomes a Temporal one.
import { asyncLocalStorage } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Notice, NoticeRefs } from '../../src/model/notice.js';
import { SlackError } from '../../adapters/slack/slack-client.js';
import { slackNotifier, type PostAttempt, type SlackNotifierSettings } from '../../adapters/slack/slack-notifier.js';

export interface SlackNoticeRequest { notice: Notice; refs: NoticeRefs }

/** `slack` is unset when SLACK_BOT_TOKEN is. */
export interface SlackActivityDeps { slack?: SlackNotifierSettings; publicUrl: string }

/** The run id is part of the key: an incident continues as new, and activity ids restart with each run. */
function activityAttempt(): PostAttempt | undefined {
  const info = asyncLocalStorage.getStore()?.info;
  if (!info?.workflowExecution) return undefined;
  const { workflowId, runId } = info.workflowExecution;
  return { key: `${workflowId}/${runId}/${info.activityId}`, attempt: info.attempt, firstScheduledMs: info.scheduledTimestampMs };
}

/** `attemptOf` says which activity attempt is running (tests stand in for Temporal's context). */
export function slackActivities({ slack, publicUrl }: SlackActivityDeps, attemptOf: () => PostAttempt | undefined = activityAttempt) {
  const notifier = slack && slackNotifier(slack, publicUrl);
  return {
    /** Returns the refs with what this notice posted. */
    async notifySlack({ notice, refs }: SlackNoticeRequest): Promise<NoticeRefs> {
      if (!notifier) throw ApplicationFailure.nonRetryable('Slack is not configured on this worker: set SLACK_BOT_TOKEN and the other SLACK_* variables', 'SlackConfiguration');
      try {
        return await notifier.send(notice, refs, attemptOf());
      } catch (err) {
        if (!(err instanceof SlackError)) throw err;
        // A configuration problem is final; a 429 retries after Slack's Retry-After.
        throw ApplicationFailure.create({
          message: err.message, type: err.code, nonRetryable: !err.retryable,
          ...(err.retryAfterS === undefined ? {} : { nextRetryDelay: `${err.retryAfterS}s` }),
        });
      }
    },
  };
}
