// The codec endpoint for the Temporal Web UI and CLI (`--codec-endpoint`): payloads in, payloads out, behind the API token.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import type { Roster } from '../model/roster.js';
import { KafkaIrError } from '../model/errors.js';
import { issuesOf } from '../intake/issues.js';
import { bearer, requireCaller } from '../intake/auth.js';

const Base64 = z.base64();
// Temporal's codec server protocol: JSON payloads with base64 metadata values and data.
const JsonPayload = z.object({ metadata: z.record(z.string(), Base64).nullish(), data: Base64.nullish() });
const Body = z.object({ payloads: z.array(JsonPayload) });
type JsonPayload = z.infer<typeof JsonPayload>;

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

// The Temporal UI calls from its own origin: only that origin (KAFKA_IR_CODEC_CORS_ORIGIN) is answered cross-origin,
// and only a caller presenting a token, even on loopback with no API token configured, gets payloads.
const corsFor = (origin: string) => ({
  'access-control-allow-origin': origin,
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-allow-headers': 'authorization, content-type, x-namespace',
  'access-control-max-age': '600',
  vary: 'origin',
});

export function codecRoutes(app: FastifyInstance, deps: { codec?: PayloadCodec; apiToken?: string; roster: Roster; codecCorsOrigin?: string }): void {
  const auth = requireCaller(deps.apiToken, deps.roster);
  const allowed = (request: FastifyRequest) => deps.codecCorsOrigin !== undefined && request.headers.origin === deps.codecCorsOrigin;
  const withCors = async (request: FastifyRequest, reply: FastifyReply) => {
    if (allowed(request)) reply.headers(corsFor(deps.codecCorsOrigin!));
    if (!bearer(request)) return reply.code(401).send({ error: 'the codec endpoint needs a token: KAFKA_IR_API_TOKEN, or a personal token' });
    return auth(request, reply);
  };

  app.options('/v1/codec/:direction', async (request, reply) =>
    (allowed(request) ? reply.headers(corsFor(deps.codecCorsOrigin!)).code(204).send() : reply.code(403).send({ error: 'origin not allowed (KAFKA_IR_CODEC_CORS_ORIGIN)' })));

  for (const direction of ['encode', 'decode'] as const) {
    app.post(`/v1/codec/${direction}`, { preHandler: withCors }, async (request, reply) => {
      if (!deps.codec) return reply.code(501).send({ error: 'payload encryption is off: this engine has no KAFKA_IR_PAYLOAD_KEY' });
      const body = Body.safeParse(request.body);
      if (!body.success) return reply.code(400).send({ error: 'invalid payloads', issues: issuesOf(body.error) });
      try {
        const payloads = await deps.codec[direction](body.data.payloads.map(fromJson));
        return { payloads: payloads.map(toJson) };
      } catch (err) {
        // Unknown key id or failed authentication: the message names the key id, never key material.
        if (err instanceof KafkaIrError) return reply.code(400).send({ error: err.message, issues: [] });
        throw err;
      }
    });
  }
}
