// POST /v1/alerts: validates generic alerts and opens or attaches incidents (DESIGN §6); registers the other intake routes too.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { issuesOf } from '../intake/issues.js';
import { Alert } from '../model/alert.js';
import type { IncidentService } from '../temporal/incidents.js';
import { requireCaller } from '../intake/auth.js';
import type { Roster } from '../model/roster.js';
import { temporalUnavailable } from '../temporal/temporal-unavailable.js';
import type { AlertMapping } from '../model/settings.js';
import { alertmanagerRoutes } from './alertmanager.js';
import { splunkRoutes } from './splunk.js';

export interface IntakeAnswer {
  incidents: { id: string; runbook: string; status: string }[];
  rejected: { index: number; issues: { path: string; message: string }[] }[];
  unmatched: { index: number; reason: string }[];
}

/** One item of an intake request, after the source's own mapping and validation. */
export type Submission =
  | { alert: Alert; alertKey?: string; attachOnly?: boolean }
  | { issues: { path: string; message: string }[] };

/** What the non-generic intake routes need beyond the incident service. */
export interface IntakeOptions {
  alertmanager?: AlertMapping;
}

export interface IntakeDeps {
  incidents: IncidentService;
  intakeToken?: string;
  roster: Roster;
  intake?: IntakeOptions;
}

/**
 * Submits every valid item in order and answers 202 with what happened to each; when Temporal is unreachable it
 * answers 503 with Retry-After (Alertmanager retries only on 5xx) and what was done before.
 */
export async function submitAndAnswer(
  reply: FastifyReply, deps: IntakeDeps, submissions: readonly Submission[], options: { dryRun?: boolean; requestedBy?: string } = {},
) {
  const answer: IntakeAnswer = { incidents: [], rejected: [], unmatched: [] };
  try {
    for (const [index, item] of submissions.entries()) {
      if ('issues' in item) { answer.rejected.push({ index, issues: item.issues }); continue; }
      const outcome = await deps.incidents.submit(item.alert, { alertKey: item.alertKey, attachOnly: item.attachOnly, ...options });
      if (outcome.matched) answer.incidents.push({ id: outcome.id, runbook: outcome.runbook, status: outcome.status });
      else answer.unmatched.push({ index, reason: outcome.reason });
    }
  } catch (err) {
    if (temporalUnavailable(err)) {
      return reply.code(503).header('Retry-After', '5').send({ error: 'Temporal is unreachable; retry later', ...answer });
    }
    throw err;
  }
  return reply.code(202).send(answer);
}

export function alertRoutes(app: FastifyInstance, deps: IntakeDeps): void {
  app.post('/v1/alerts', { preHandler: requireCaller(deps.intakeToken, deps.roster) }, async (request, reply) => {
    const dryRun = (request.query as { dryRun?: string }).dryRun === 'true';
    const body = request.body;
    const batch = Array.isArray(body);
    const items: unknown[] = batch ? body : [body];
    const parsed = items.map((item) => Alert.safeParse(item));
    if (!batch && !parsed[0]!.success) {
      return reply.code(400).send({ error: 'invalid alert', issues: issuesOf(parsed[0]!.error!) });
    }
    if (batch && (items.length === 0 || parsed.every((p) => !p.success))) {
      return reply.code(400).send({
        error: 'no valid alert in the batch',
        issues: parsed.flatMap((p, index) => (p.success ? [] : issuesOf(p.error).map((i) => ({ ...i, path: `${index}.${i.path}` })))),
      });
    }
    const requestedBy = request.caller?.kind === 'person' ? request.caller.person : undefined;
    return submitAndAnswer(reply, deps, parsed.map((p) => (p.success ? { alert: p.data } : { issues: issuesOf(p.error) })), { dryRun, requestedBy });
  });
  alertmanagerRoutes(app, deps);
  splunkRoutes(app, deps);
}
