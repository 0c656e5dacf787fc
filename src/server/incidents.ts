// The incidents API: views, lists and notes, behind the API token (docs/design.md §6).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { IncidentService } from '../temporal/incidents.js';
import { issuesOf } from '../intake/issues.js';
import { requireCaller, type Caller } from '../intake/auth.js';
import type { Roster } from '../model/roster.js';
import { Principal } from '../model/alert.js';

const NoteBody = z.object({ text: z.string().trim().min(1), lessons: z.boolean().optional() });
/**
 * With a `step`: a vote (approve, reject) or the answer to a failed step's question (retry, skip, abort). Without one:
 * an incident commander's abort or force-advance.
 */
const Decision = z.union([
  z.object({
    decision: z.enum(['approve', 'reject', 'retry', 'skip', 'abort']), step: z.string().min(1), reason: z.string().optional(), planHash: z.string().optional(),
  }),
  z.object({ decision: z.literal('abort'), reason: z.string().trim().min(1, 'say why'), rollback: z.boolean().default(false) }),
  z.object({ decision: z.literal('force-advance'), reason: z.string().trim().min(1, 'say why') }),
]);

/** A drill's subject: whatever the runbook keys on; the rest are made up (src/model/drill-alert.ts). */
const DrillBody = z.strictObject({
  runbook: z.string().min(1),
  principal: Principal.optional(),
  clientId: z.string().min(1).optional(),
  host: z.string().min(1).optional(),
  brokerId: z.number().int().nonnegative().optional(),
});

const who = (caller: Caller | undefined) => (caller?.kind === 'person' ? caller.person : 'api');
const ListQuery = z.object({ status: z.enum(['open', 'closed']).optional() });

export function incidentRoutes(app: FastifyInstance, deps: { incidents: IncidentService; apiToken?: string; roster: Roster }): void {
  const auth = { preHandler: requireCaller(deps.apiToken, deps.roster) };
  const notFound = (id: string) => ({ error: `no incident ${id}` });

  app.get('/v1/incidents', auth, async (request, reply) => {
    const query = ListQuery.safeParse(request.query);
    if (!query.success) return reply.code(400).send({ error: 'invalid query', issues: issuesOf(query.error) });
    return { incidents: await deps.incidents.list(query.data.status) };
  });

  app.get<{ Params: { id: string } }>('/v1/incidents/:id', auth, async (request, reply) => {
    const view = await deps.incidents.view(request.params.id);
    return view ?? reply.code(404).send(notFound(request.params.id));
  });

  app.post<{ Params: { id: string } }>('/v1/incidents/:id/notes', auth, async (request, reply) => {
    const body = NoteBody.safeParse(request.body);
    if (!body.success) return reply.code(400).send({ error: 'invalid note', issues: issuesOf(body.error) });
    const result = await deps.incidents.note(request.params.id, {
      person: who(request.caller), channel: 'api', text: body.data.text, lessons: body.data.lessons ?? false,
    });
    return result ?? reply.code(404).send(notFound(request.params.id));
  });

  app.post('/v1/drills', auth, async (request, reply) => {
    const body = DrillBody.safeParse(request.body);
    if (!body.success) return reply.code(400).send({ error: 'invalid drill', issues: issuesOf(body.error) });
    const { runbook, ...subject } = body.data;
    const requestedBy = request.caller?.kind === 'person' ? request.caller.person : undefined;
    const outcome = await deps.incidents.drill(runbook, subject, requestedBy);
    if (!outcome.matched) return reply.code(outcome.reason.startsWith('no runbook') ? 404 : 400).send({ error: outcome.reason });
    return reply.code(202).send({ id: outcome.id, runbook: outcome.runbook, status: outcome.status, drill: true });
  });

  app.post<{ Params: { id: string } }>('/v1/incidents/:id/decisions', auth, async (request, reply) => {
    const body = Decision.safeParse(request.body);
    if (!body.success) return reply.code(400).send({ error: 'invalid decision', issues: issuesOf(body.error) });
    if (request.caller?.kind !== 'person') {
      return reply.code(403).send({ error: 'a decision needs your personal token (KAFKA_IR_TOKEN), so it can be attributed to you' });
    }
    const person = request.caller.person;
    const d = body.data;
    const result =
      'step' in d ? await deps.incidents.decide(request.params.id, { person, channel: 'api', step: d.step, decision: d.decision, reason: d.reason, planHash: d.planHash })
      : d.decision === 'abort' ? await deps.incidents.abort(request.params.id, { person, channel: 'api', reason: d.reason, rollback: d.rollback })
      : await deps.incidents.forceAdvance(request.params.id, { person, channel: 'api', reason: d.reason });
    return result ?? reply.code(404).send(notFound(request.params.id));
  });
}
