// The notify activities, one per notice channel (src/model/notice.ts describes each): what the incident tells people.
import { emailActivities, type EmailActivityDeps } from './email.js';
import { pagerActivities, type PagerActivityDeps } from './pager.js';
import { slackActivities, type SlackActivityDeps } from './slack.js';

export type NotifyDeps = SlackActivityDeps & EmailActivityDeps & PagerActivityDeps;

export function notifyActivities(deps: NotifyDeps) {
  return { ...slackActivities(deps), ...emailActivities(deps), ...pagerActivities(deps) };
}
