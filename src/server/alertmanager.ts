// POST /v1/alerts/alertmanager: Alertmanager webhook v4 notifications, each alert of the group mapped to a generic alert (DESIGN §6).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { Alert } from '../model/alert.js';
import { mapFields, resolveMapping } from '../intake/alert-mapping.js';
import { issuesOf } from '../intake/issues.js';
import { submitAndAnswer, type IntakeDeps, type Submission } from './alerts.js';
import { requireCaller } from '../intake/auth.js';

const Webhook = z.looseObject({
  version: z.literal('4'),
  alerts: z.array(z.unknown()),
});

const WebhookAlert = z.looseObject({
  // A firing alert's endsAt is 0001-01-01T00:00:00Z (FACTS): status, not endsAt, says whether it is over.
  status: z.enum(['firing', 'resolved']),
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()).default({}),
  startsAt: z.iso.datetime({ offset: true }),
  fingerprint: z.string().min(1),
});

/**
 * The key is fingerprint + startsAt (the same alert firing again later is a new occurrence); a resolved notification
 * has its own key so it is recorded on the incident once, next to the firing one.
 */
export function alertmanagerKey(fingerprint: string, startsAt: string, status: 'firing' | 'resolved'): string {
  return `am:${fingerprint}:${startsAt}${status === 'resolved' ? ':resolved' : ''}`;
}

export function toSubmission(raw: unknown, mapping: ReturnType<typeof resolveMapping>): Submission {
  const am = WebhookAlert.safeParse(raw);
  if (!am.success) return { issues: issuesOf(am.error) };
  const { status, labels, annotations, startsAt, fingerprint } = am.data;
  const candidate = mapFields(labels, mapping, { source: 'alertmanager', observedAt: startsAt, summaryFields: annotations });
  const resolved = status === 'resolved';
  // The timeline records kind, summary and source of each alert: the summary is where "resolved" shows.
  if (resolved && typeof candidate.summary === 'string') candidate.summary = `resolved: ${candidate.summary}`;
  const alert = Alert.safeParse({ ...candidate, labels: { ...labels, status }, fingerprint });
  if (!alert.success) return { issues: issuesOf(alert.error) };
  return { alert: alert.data, alertKey: alertmanagerKey(fingerprint, startsAt, status), attachOnly: resolved };
}

export function alertmanagerRoutes(app: FastifyInstance, deps: IntakeDeps): void {
  const mapping = resolveMapping(deps.intake?.alertmanager);
  app.post('/v1/alerts/alertmanager', { preHandler: requireCaller(deps.intakeToken, deps.roster) }, async (request, reply) => {
    const webhook = Webhook.safeParse(request.body);
    if (!webhook.success) {
      return reply.code(400).send({ error: 'not an Alertmanager webhook (version 4)', issues: issuesOf(webhook.error) });
    }
    return submitAndAnswer(reply, deps, webhook.data.alerts.map((raw) => toSubmission(raw, mapping)));
  });
}
