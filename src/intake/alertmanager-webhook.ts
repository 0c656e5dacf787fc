// POST /v1/alerts/alertmanager: Alertmanager webhook v4 notifications, each alert of the group mapped to a generic alert (docs/design.md §6).
import { z } from 'zod';
import { mapFields, type ResolvedMapping } from './alert-mapping.js';
import { requireCaller } from './auth.js';
import type { IntakeSource } from './intake-source.js';
import { issuesOf } from './issues.js';
import { submitAndAnswer, type Candidate } from './submit.js';

const Webhook = z.looseObject({
  version: z.literal('4'),
  alerts: z.array(z.unknown()),
});

const WebhookAlert = z.looseObject({
  // A firing alert's endsAt is 0001-01-01T00:00:00Z (docs/design.md §6): status, not endsAt, says whether it is over.
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
function alertmanagerKey(fingerprint: string, startsAt: string, status: 'firing' | 'resolved'): string {
  return `am:${fingerprint}:${startsAt}${status === 'resolved' ? ':resolved' : ''}`;
}

function candidateOf(raw: unknown, mapping: ResolvedMapping): Candidate {
  const am = WebhookAlert.safeParse(raw);
  if (!am.success) return { issues: issuesOf(am.error) };
  const { status, labels, annotations, startsAt, fingerprint } = am.data;
  const candidate = mapFields(labels, mapping, { source: 'alertmanager', observedAt: startsAt, summaryFields: annotations });
  const resolved = status === 'resolved';
  // The timeline records kind, summary and source of each alert: the summary is where "resolved" shows.
  if (resolved && typeof candidate.summary === 'string') candidate.summary = `resolved: ${candidate.summary}`;
  return {
    alert: { ...candidate, labels: { ...labels, status }, fingerprint },
    alertKey: alertmanagerKey(fingerprint, startsAt, status),
    attachOnly: resolved,
  };
}

export const alertmanagerWebhook: IntakeSource = {
  register(app, intake) {
    app.post('/v1/alerts/alertmanager', { preHandler: requireCaller(intake.intakeToken, intake.roster) }, async (request, reply) => {
      const webhook = Webhook.safeParse(request.body);
      if (!webhook.success) {
        return reply.code(400).send({ error: 'not an Alertmanager webhook (version 4)', issues: issuesOf(webhook.error) });
      }
      return submitAndAnswer(reply, intake, { candidates: webhook.data.alerts.map((raw) => candidateOf(raw, intake.fieldMapping)) });
    });
  },
};
