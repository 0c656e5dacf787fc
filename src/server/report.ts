// GET /v1/incidents/:id/report?format=md|html|json: the post-mortem, behind the API token or a personal token (docs/design.md §6).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Roster } from '../model/roster.js';
import { REPORT_FORMATS, renderReport } from '../report/render-report.js';
import type { IncidentReports } from '../temporal/incident-reports.js';
import { issuesOf } from '../intake/issues.js';
import { requireCaller } from '../intake/auth.js';

const ReportQuery = z.object({ format: z.enum(REPORT_FORMATS).default('json') });

export function reportRoutes(app: FastifyInstance, deps: { reports?: IncidentReports; apiToken?: string; roster: Roster }): void {
  const { reports } = deps;
  if (!reports) return;
  app.get<{ Params: { id: string } }>('/v1/incidents/:id/report', { preHandler: requireCaller(deps.apiToken, deps.roster) }, async (request, reply) => {
    const query = ReportQuery.safeParse(request.query);
    if (!query.success) return reply.code(400).send({ error: 'invalid query', issues: issuesOf(query.error) });
    const report = await reports.report(request.params.id);
    if (!report) return reply.code(404).send({ error: `no incident ${request.params.id}` });
    const { contentType, body } = renderReport(report, query.data.format);
    return reply.type(contentType).send(body);
  });
}
