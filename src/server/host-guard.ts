// Browser-safe defaults: only the configured host names are served (DNS rebinding), and a browser page from another origin is refused.
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** A Host or Origin's host name, lower case, without port or IPv6 brackets; undefined when unparseable. */
function hostnameOf(value: string, isOrigin: boolean): string | undefined {
  try {
    return new URL(isOrigin ? value : `http://${value}`).hostname.replace(/^\[|\]$/g, '').toLowerCase() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * A page on another site can reach a loopback engine through DNS rebinding (its own name, resolved to 127.0.0.1) or
 * by posting cross-origin: the Host must be one this engine serves (421 otherwise), and an Origin, when a browser
 * sends one, too (403), except the Temporal UI's on the codec endpoint. /healthz is exempt: load balancers probe by
 * address, and it holds nothing.
 */
export function hostGuard(app: FastifyInstance, opts: { allowedHosts: readonly string[]; codecCorsOrigin?: string }): void {
  const any = opts.allowedHosts.includes('*');
  const served = (host: string | undefined) => any || (host !== undefined && opts.allowedHosts.includes(host));
  app.addHook('onRequest', async (request: FastifyRequest, reply) => {
    if (request.url === '/healthz') return;
    const host = request.headers.host;
    if (!served(host === undefined ? undefined : hostnameOf(host, false))) {
      return reply.code(421).send({ error: `this engine does not serve the host name ${JSON.stringify(host ?? '')}: add it to KAFKA_IR_ALLOWED_HOSTS if it is yours` });
    }
    const origin = request.headers.origin;
    if (origin === undefined || served(hostnameOf(origin, true))) return;
    if (opts.codecCorsOrigin === origin && request.url.startsWith('/v1/codec/')) return;
    return reply.code(403).send({ error: `cross-origin request from ${JSON.stringify(origin)} refused (KAFKA_IR_ALLOWED_HOSTS, KAFKA_IR_CODEC_CORS_ORIGIN)` });
  });
}
