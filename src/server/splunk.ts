// POST /v1/alerts/splunk/:token: Splunk's webhook alert action (which cannot send headers), authenticated by the path token.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { Alert } from '../model/alert.js';
import { mapFields, resolveMapping } from '../intake/alert-mapping.js';
import { issuesOf } from '../intake/issues.js';
import { submitAndAnswer, type IntakeDeps } from './alerts.js';
import { tokenMatches } from '../intake/auth.js';

const SplunkWebhook = z.looseObject({
  result: z.record(z.string(), z.unknown()),
  sid: z.string().min(1),
  search_name: z.string().min(1),
  owner: z.string().optional(),
  app: z.string().optional(),
  results_link: z.string().optional(),
});
type SplunkWebhook = z.infer<typeof SplunkWebhook>;

/** Splunk's _time is epoch seconds (as text) or a timestamp; an alert without one is observed now. */
function observedAt(time: unknown): string {
  const text = Array.isArray(time) ? time[0] : time;
  if (typeof text === 'string' && /^\d+(\.\d+)?$/.test(text)) return new Date(Number(text) * 1000).toISOString();
  if (typeof text === 'string' && !Number.isNaN(Date.parse(text))) return new Date(text).toISOString();
  return new Date().toISOString();
}

/** Plain result fields (Splunk's internal "_" fields left out) and where the alert came from, as labels. */
function labelsOf(payload: SplunkWebhook): Record<string, string> {
  const fields = Object.entries(payload.result).filter(([k, v]) => !k.startsWith('_') && typeof v === 'string') as [string, string][];
  return { ...Object.fromEntries(fields), splunk_sid: payload.sid, splunk_search: payload.search_name };
}

export function splunkAlert(payload: SplunkWebhook, mapping: ReturnType<typeof resolveMapping>) {
  const candidate = mapFields(payload.result, mapping, {
    source: 'splunk', observedAt: observedAt(payload.result._time), kindFallback: payload.search_name, summaryFallback: payload.search_name,
  });
  return Alert.safeParse({ ...candidate, labels: labelsOf(payload) });
}

export function splunkRoutes(app: FastifyInstance, deps: IntakeDeps): void {
  const mapping = resolveMapping(deps.intake?.alertmanager);
  app.post<{ Params: { token: string } }>('/v1/alerts/splunk/:token', async (request, reply) => {
    // The token is the only credential Splunk can send: with none configured, the route does not exist.
    if (!deps.intakeToken) return reply.code(404).send({ error: 'Splunk intake is off: set KAFKA_IR_INTAKE_TOKEN to enable it' });
    if (!tokenMatches(request.params.token, deps.intakeToken)) return reply.code(401).send({ error: 'unauthorized' });
    const payload = SplunkWebhook.safeParse(request.body);
    if (!payload.success) return reply.code(400).send({ error: 'not a Splunk webhook alert action payload', issues: issuesOf(payload.error) });
    const alert = splunkAlert(payload.data, mapping);
    if (!alert.success) return reply.code(400).send({ error: 'the Splunk result does not map to an alert', issues: issuesOf(alert.error) });
    return submitAndAnswer(reply, deps, [{ alert: alert.data, alertKey: `splunk:${payload.data.sid}` }]);
  });
}
