// POST /v1/paging/pagerduty and /v1/paging/opsgenie: a page acknowledged at the vendor, recorded in its incident's timeline.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../logger.js';
import { parsePageKey } from '../model/paging.js';
import type { PageAcknowledgement } from '../model/incident-requests.js';
import type { IncidentService } from '../temporal/incidents.js';

export interface PagingWebhooks {
  /** The signing secret of the PagerDuty v3 webhook subscription (X-PagerDuty-Signature). */
  pagerDutySecret?: string;
  /** Opsgenie documents no signature: its webhook integration sends this token as a custom header (Authorization: Bearer …). */
  opsgenieToken?: string;
}

export interface PagingDeps { paging?: PagingWebhooks; incidents: IncidentService; log: Logger }

const sameText = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** PagerDuty's v1 signatures: HMAC-SHA256 of the raw body, hex, `v1=`-prefixed, several comma-separated while a secret rotates. */
export function pagerDutySigned(raw: string, header: string | undefined, secret: string): boolean {
  const expected = `v1=${createHmac('sha256', secret).update(raw).digest('hex')}`;
  return (header ?? '').split(',').map((s) => s.trim()).some((s) => sameText(s, expected));
}

interface PagerDutyEvent { event?: { event_type?: string; occurred_at?: string; agent?: { summary?: string } | null; data?: { incident_key?: string } } }
interface OpsgenieEvent { action?: string; alert?: { alias?: string; username?: string; updatedAt?: number } }

export function pagingRoutes(app: FastifyInstance, deps: PagingDeps): void {
  const { paging } = deps;
  if (!paging?.pagerDutySecret && !paging?.opsgenieToken) return;
  const log = deps.log.child({ component: 'paging' });

  /** Acknowledgements of pages kafka-ir did not send, or of incidents that ended, are answered 202 and dropped: the vendor must not retry them. */
  const record = async (key: string | undefined, ack: Omit<PageAcknowledgement, 'step'>) => {
    const page = key ? parsePageKey(key) : undefined;
    if (!page) return { recorded: false, reason: 'not a page of kafka-ir' };
    const result = await deps.incidents.acknowledgePage(page.incidentId, { ...ack, step: page.step });
    if (!result?.accepted) log.info({ incidentId: page.incidentId, step: page.step, reason: result?.reason ?? 'no such incident' }, 'page acknowledgement not recorded');
    return { recorded: result?.accepted ?? false, ...(result?.reason ? { reason: result.reason } : {}) };
  };

  app.register(async (scope) => {
    // The signature is over the exact bytes: keep the body as received.
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));

    if (paging.pagerDutySecret) {
      const secret = paging.pagerDutySecret;
      scope.post('/v1/paging/pagerduty', async (request, reply) => {
        const raw = String(request.body ?? '');
        if (!pagerDutySigned(raw, request.headers['x-pagerduty-signature'] as string | undefined, secret)) {
          log.warn('PagerDuty webhook refused: the signature does not match (check PAGERDUTY_WEBHOOK_SECRET)');
          return reply.code(401).send({ error: 'unauthorized' });
        }
        const body = parse<PagerDutyEvent>(raw);
        const e = body?.event;
        if (e?.event_type !== 'incident.acknowledged') return reply.code(202).send({ recorded: false, reason: `${e?.event_type ?? 'no event'} is not an acknowledgement` });
        return reply.code(202).send(await record(e.data?.incident_key, { via: 'pagerduty', by: e.agent?.summary ?? 'someone in PagerDuty', ...(e.occurred_at ? { at: e.occurred_at } : {}) }));
      });
    }
    if (paging.opsgenieToken) {
      const token = paging.opsgenieToken;
      scope.post('/v1/paging/opsgenie', async (request, reply) => {
        if (!sameText(String(request.headers.authorization ?? ''), `Bearer ${token}`)) return reply.code(401).send({ error: 'unauthorized' });
        const body = parse<OpsgenieEvent>(String(request.body ?? ''));
        if (body?.action !== 'Acknowledge') return reply.code(202).send({ recorded: false, reason: `${body?.action ?? 'no action'} is not an acknowledgement` });
        return reply.code(202).send(await record(body.alert?.alias, { via: 'opsgenie', by: body.alert?.username ?? 'someone in Opsgenie' }));
      });
    }
  });
}

function parse<T>(raw: string): T | undefined {
  try {
    return JSON.parse(raw) as T;
  } catch {
    return undefined;
  }
}
