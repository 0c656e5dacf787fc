// POST /v1/alerts: validates generic alerts and opens or attaches incidents (DESIGN §6).
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { Alert } from '../model/alert.js';
import type { IncidentService } from '../temporal/incidents.js';
import { requireCaller } from './auth.js';
import type { Roster } from '../model/roster.js';
import { temporalUnavailable } from './temporal-errors.js';

export const issuesOf = (error: z.ZodError) =>
  error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));

export interface IntakeAnswer {
  incidents: { id: string; runbook: string; status: string }[];
  rejected: { index: number; issues: { path: string; message: string }[] }[];
  unmatched: { index: number; reason: string }[];
}

export function alertRoutes(app: FastifyInstance, deps: { incidents: IncidentService; intakeToken?: string; roster: Roster }): void {
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
    const answer: IntakeAnswer = { incidents: [], rejected: [], unmatched: [] };
    try {
      for (const [index, p] of parsed.entries()) {
        if (!p.success) { answer.rejected.push({ index, issues: issuesOf(p.error) }); continue; }
        const requestedBy = request.caller?.kind === 'person' ? request.caller.person : undefined;
        const outcome = await deps.incidents.submit(p.data, { dryRun, requestedBy });
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
  });
}
