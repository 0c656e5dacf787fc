// Opsgenie Alert API (docs.opsgenie.com, "Alert API"): create with an alias, then acknowledge and close by that alias.
import type { PageRequest } from '../../src/model/paging.js';
import { postJson, refusal } from './pager-error.js';

export const OPSGENIE_API_URL = 'https://api.opsgenie.com';

/** The request a page makes: path and body. Requests are processed asynchronously; a valid one is answered 202. */
export function opsgenieRequest(page: PageRequest, priority: string, incidentUrl: string): { path: string; body: Record<string, unknown> } {
  if (page.action === 'trigger') {
    return {
      path: '/v2/alerts',
      body: {
        // The documented limit of `message` is 130 characters.
        message: page.summary.slice(0, 130), alias: page.key, description: `${page.summary}\n${incidentUrl}`,
        tags: ['kafka-ir', page.group], details: { incident: page.incidentId, step: page.step, group: page.group },
        entity: page.incidentId, source: 'kafka-ir', priority,
      },
    };
  }
  const verb = page.action === 'acknowledge' ? 'acknowledge' : 'close';
  const note = page.action === 'acknowledge' ? 'a vote was cast in kafka-ir' : 'the step was decided or the incident ended';
  return { path: `/v2/alerts/${encodeURIComponent(page.key)}/${verb}?identifierType=alias`, body: { user: 'kafka-ir', source: 'kafka-ir', note } };
}

/** 202 `{result: "Request will be processed", took, requestId}`; 4xx `{message, took, requestId}`; 429 and 5xx are retried. */
export async function sendOpsgenie(baseUrl: string, page: PageRequest, apiKey: string, priority: string, incidentUrl: string): Promise<void> {
  const { path, body } = opsgenieRequest(page, priority, incidentUrl);
  const { status, json, retryAfter } = await postJson(`${baseUrl.replace(/\/$/, '')}${path}`, body, { authorization: `GenieKey ${apiKey}` }, 'Opsgenie');
  if (status === 202) return;
  const answer = json as { message?: string; errors?: Record<string, string> } | undefined;
  throw refusal('Opsgenie', status, [answer?.message, ...Object.values(answer?.errors ?? {})].filter(Boolean).join('; ') || 'no detail', retryAfter);
}
