// The HTTP server: intake, incidents API and health, on fastify. Routes live one concern per file.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { PayloadCodec } from '@temporalio/common';
import type { Logger } from '../logger.js';
import type { Roster } from '../model/roster.js';
import type { IncidentService } from '../temporal/incidents.js';
import { intakeRoutes, type IntakeOptions } from '../intake/intake-routes.js';
import { incidentRoutes } from './incidents.js';
import { codecRoutes } from './codec.js';
import { temporalRefusal } from '../temporal/temporal-unavailable.js';
import { reportRoutes } from './report.js';
import { metricsRoutes } from './metrics.js';
import { slackRoutes } from './slack.js';
import { pagingRoutes, type PagingWebhooks } from './paging.js';
import { approvalRoutes } from './approvals.js';
import type { SlackSettings } from '../model/connections.js';
import type { IncidentReports } from '../temporal/incident-reports.js';
import type { EngineMetrics } from '../metrics/engine-metrics.js';
import type { PayloadProblem } from '../temporal/payload-health.js';
import { EDGE_DEFAULTS, type EdgeLimits } from '../model/edge-limits.js';
import { IntakeGate } from '../intake/intake-gate.js';
import { hostGuard } from './host-guard.js';
import { RefusalReports } from './refusal-reports.js';

export interface ServerDeps {
  incidents: IncidentService;
  intakeToken?: string;
  apiToken?: string;
  ready: () => boolean;
  /** Incidents this engine cannot read (a wrong or missing payload key): /healthz answers degraded with what to fix. */
  payloadProblem?: () => PayloadProblem | undefined;
  log: Logger;
  roster: Roster;
  /** The payload codec behind /v1/codec/* (the Temporal UI's codec endpoint); unset when KAFKA_IR_PAYLOAD_KEY is. */
  codec?: PayloadCodec;
  intake?: IntakeOptions;
  /** Post-mortems (GET /v1/incidents/:id/report) and Prometheus metrics (GET /metrics); each route is absent when unset. */
  reports?: IncidentReports;
  metrics?: EngineMetrics;
  /** Slack interactivity (POST /v1/slack/interactions) and email approval links (/v1/approvals/:token); absent when unset. */
  slack?: SlackSettings;
  linkSecret?: string;
  /** Page acknowledgements from PagerDuty and Opsgenie (POST /v1/paging/*); each route is absent when its secret is unset. */
  paging?: PagingWebhooks;
  /** Served host names, the codec's CORS origin, intake limits, refusal reporting (docs/operations.md "Limits"); unset: the defaults. */
  edge?: Partial<EdgeLimits>;
}

export function buildServer(deps: ServerDeps): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.log.child({ component: 'http' }) as FastifyBaseLogger, bodyLimit: 1024 * 1024,
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.setErrorHandler(async (err: Error & { statusCode?: number }, request, reply) => {
    if (err.statusCode === 413) return reply.code(413).send({ error: 'body larger than 1 MiB' });
    if (err.statusCode && err.statusCode < 500) return reply.code(err.statusCode).send({ error: err.message, issues: [] });
    const temporal = temporalRefusal(err);
    if (temporal) return reply.code(temporal.status).header('Retry-After', String(temporal.retryAfterS)).send({ error: temporal.error });
    request.log.error({ err }, 'request failed');
    return reply.code(500).send({ error: 'internal error' });
  });
  app.get('/healthz', async (_request, reply) => {
    if (!deps.ready()) return reply.code(503).send({ status: 'starting' });
    const problem = deps.payloadProblem?.();
    return problem ? reply.code(503).send({ status: 'degraded', ...problem }) : { status: 'ok' };
  });
  const edge = { ...EDGE_DEFAULTS, ...deps.edge };
  hostGuard(app, edge);
  const refusals = new RefusalReports(deps.incidents, edge.refusalIntervalMs, deps.log.child({ component: 'http' }));
  app.addHook('onClose', async () => refusals.close());
  metricsRoutes(app, deps); // first: its onSend hook counts what the intake routes refuse
  intakeRoutes(app, { ...deps, gate: new IntakeGate(edge) });
  incidentRoutes(app, deps);
  codecRoutes(app, { ...deps, codecCorsOrigin: edge.codecCorsOrigin });
  reportRoutes(app, deps);
  slackRoutes(app, { ...deps, refusals });
  approvalRoutes(app, { ...deps, refusals });
  pagingRoutes(app, deps);
  return app;
}
