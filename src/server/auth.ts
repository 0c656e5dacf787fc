// Bearer-token checks in constant time; a route with no token configured is open (loopback only, enforced at start-up).
import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

const digest = (s: string) => createHash('sha256').update(s).digest();

export function tokenMatches(given: string | undefined, expected: string): boolean {
  return given !== undefined && timingSafeEqual(digest(given), digest(expected));
}

export function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
}

/** A preHandler that answers 401 unless the request carries the token (when one is configured). */
export function requireToken(token: string | undefined) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (token !== undefined && !tokenMatches(bearer(request), token)) {
      await reply.code(401).send({ error: 'unauthorized' });
    }
  };
}
