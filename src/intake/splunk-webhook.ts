// POST /v1/alerts/splunk/:token: Splunk's webhook alert action (which cannot send headers), authenticated by the path token.
import { z } from 'zod';
import { mapFields, type ResolvedMapping } from './alert-mapping.js';
import { tokenMatches } from './auth.js';
import type { IntakeSource } from './intake-source.js';
import { issuesOf } from './issues.js';
import { submitAndAnswer, type Candidate } from './submit.js';

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

function candidateOf(payload: SplunkWebhook, mapping: ResolvedMapping): Candidate {
  const candidate = mapFields(payload.result, mapping, {
    source: 'splunk', observedAt: observedAt(payload.result._time), kindFallback: payload.search_name, summaryFallback: payload.search_name,
  });
  return { alert: { ...candidate, labels: labelsOf(payload) }, alertKey: `splunk:${payload.sid}` };
}

export const splunkWebhook: IntakeSource = {
  register(app, intake) {
    app.post<{ Params: { token: string } }>('/v1/alerts/splunk/:token', async (request, reply) => {
      // The token is the only credential Splunk can send: with none configured, the route does not exist.
      if (!intake.intakeToken) return reply.code(404).send({ error: 'Splunk intake is off: set KAFKA_IR_INTAKE_TOKEN to enable it' });
      if (!tokenMatches(request.params.token, intake.intakeToken)) return reply.code(401).send({ error: 'unauthorized' });
      const payload = SplunkWebhook.safeParse(request.body);
      if (!payload.success) return reply.code(400).send({ error: 'not a Splunk webhook alert action payload', issues: issuesOf(payload.error) });
      return submitAndAnswer(reply, intake, {
        candidates: [candidateOf(payload.data, intake.fieldMapping)],
        refuseIfNoneValid: { error: 'the Splunk result does not map to an alert' },
      });
    });
  },
};
