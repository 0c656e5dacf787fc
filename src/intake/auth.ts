// Who is calling: the shared service token, a person's own token (matched by its SHA-256 in the roster), or nobody.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Roster } from '../model/roster.js';

export type Caller = { kind: 'service' } | { kind: 'person'; person: string };

const sha256 = (s: string) => createHash('sha256').update(s).digest();

export function tokenMatches(given: string | undefined, expected: string): boolean {
  return given !== undefined && timingSafeEqual(sha256(given), sha256(expected));
}

export function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
}

/** The roster person whose token this is; every stored hash is compared, in constant time each. */
export function personOf(roster: Roster, token: string | undefined): string | undefined {
  if (!token) return undefined;
  const digest = sha256(token);
  let found: string | undefined;
  for (const [handle, person] of Object.entries(roster.people)) {
    if (person.tokenSha256 && timingSafeEqual(digest, Buffer.from(person.tokenSha256, 'hex'))) found = handle;
  }
  return found;
}

/**
 * Identifies the caller: a personal token names a person; the service token (or, when none is configured,
 * no token at all on loopback) is the service. Anything else is nobody.
 */
export function identify(request: FastifyRequest, serviceToken: string | undefined, roster: Roster): Caller | undefined {
  const token = bearer(request);
  const person = personOf(roster, token);
  if (person) return { kind: 'person', person };
  if (serviceToken === undefined ? token === undefined : tokenMatches(token, serviceToken)) return { kind: 'service' };
  return undefined;
}

declare module 'fastify' {
  interface FastifyRequest { caller?: Caller }
}

/** A preHandler that answers 401 unless the caller is identified, and records who it is. */
export function requireCaller(serviceToken: string | undefined, roster: Roster) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const caller = identify(request, serviceToken, roster);
    if (!caller) return reply.code(401).send({ error: 'unauthorized' });
    request.caller = caller;
  };
}
