// GET /metrics (Prometheus text, unauthenticated like /healthz: counts and times, no incident content) and the intake's rejected items.
import type { FastifyInstance } from 'fastify';
import type { EngineMetrics } from '../metrics/engine-metrics.js';

/** Items refused before they reach the incident service: invalid alerts in an intake answer or a 400 body. */
function rejectedIn(status: number, body: unknown, payload: string): number {
  if (status === 202 || status === 503) {
    try { return (JSON.parse(payload) as { rejected?: unknown[] }).rejected?.length ?? 0; } catch { return 0; }
  }
  return status === 400 ? (Array.isArray(body) ? body.length : 1) : 0;
}

export function metricsRoutes(app: FastifyInstance, deps: { metrics?: EngineMetrics }): void {
  const { metrics } = deps;
  if (!metrics) return;
  app.get('/metrics', async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.method === 'POST' && request.url.startsWith('/v1/alerts') && typeof payload === 'string') {
      metrics.intake('rejected', '', rejectedIn(reply.statusCode, request.body, payload));
    }
    return payload;
  });
}
