// The incidents API: views, lists and notes, behind the API token (DESIGN §6).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { IncidentService } from '../temporal/incidents.js';
import { issuesOf } from './alerts.js';
import { requireToken } from './auth.js';

const NoteBody = z.object({ text: z.string().trim().min(1), lessons: z.boolean().optional() });
const ListQuery = z.object({ status: z.enum(['open', 'closed']).optional() });

export function incidentRoutes(app: FastifyInstance, deps: { incidents: IncidentService; apiToken?: string }): void {
  const auth = { preHandler: requireToken(deps.apiToken) };
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
      person: 'api', channel: 'api', text: body.data.text, lessons: body.data.lessons ?? false,
    });
    return result ?? reply.code(404).send(notFound(request.params.id));
  });
}
