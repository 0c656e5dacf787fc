// PagerDuty Events API v2 (docs: developer.pagerduty.com, "Send an Alert Event"): trigger, acknowledge and resolve by dedup_key.
import type { PageRequest } from '../../src/model/paging.js';
import { postJson, refusal } from './pager-error.js';

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

/** The Common Event Format's severities, from the incident's. */
const SEVERITY: Record<string, 'info' | 'warning' | 'error' | 'critical'> = { low: 'info', medium: 'warning', high: 'error', critical: 'critical' };

export function pagerDutyEvent(page: PageRequest, routingKey: string, incidentUrl: string): Record<string, unknown> {
  const event: Record<string, unknown> = { routing_key: routingKey, event_action: page.action, dedup_key: page.key };
  if (page.action !== 'trigger') return event;
  return {
    ...event,
    payload: {
      summary: page.summary, source: 'kafka-ir', severity: SEVERITY[page.severity] ?? 'critical', component: page.step, group: page.group,
      class: 'approval', custom_details: { incident: page.incidentId, step: page.step, group: page.group },
    },
    links: [{ href: incidentUrl, text: `kafka-ir incident ${page.incidentId}` }],
    client: 'kafka-ir', client_url: incidentUrl,
  };
}

/** 202 `{status: "success", message: "Event processed", dedup_key}`; 400 `{status, message, errors}`; 429 and 5xx are retried. */
export async function sendPagerDuty(url: string, page: PageRequest, routingKey: string, incidentUrl: string): Promise<void> {
  const { status, json, retryAfter } = await postJson(url, pagerDutyEvent(page, routingKey, incidentUrl), {}, 'PagerDuty');
  if (status === 202) return;
  const body = json as { message?: string; errors?: string[] } | undefined;
  throw refusal('PagerDuty', status, [body?.message, ...(body?.errors ?? [])].filter(Boolean).join('; ') || 'no detail', retryAfter);
}
