// Signed, expiring, one-time email approval links (docs/design.md §4): `<base64url(JSON claims)>.<base64url(HMAC-SHA256)>`. Pure but for node:crypto.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** Who may decide what with a link; `nonce` makes it one-time (the workflow refuses a nonce already used). */
export const LinkClaims = z.strictObject({
  incident: z.string().min(1),
  step: z.string().min(1),
  /** The plan the email showed; empty when the step has no plan. */
  planHash: z.string(),
  /** The roster handle the link was sent to: the decision is theirs. */
  person: z.string().min(1),
  expires: z.iso.datetime({ offset: true }),
  nonce: z.string().min(1),
});
export type LinkClaims = z.infer<typeof LinkClaims>;

export type LinkVerdict =
  | { ok: true; claims: LinkClaims }
  | {
    ok: false;
    reason: 'malformed' | 'tampered' | 'expired';
    /** What the person who opened the link should read and do. */
    message: string;
    /** Unverified unless the reason is `expired`: only for recording the refusal on the right incident. */
    claims?: Partial<LinkClaims>;
  };

const PART = /^[A-Za-z0-9_-]+$/;
const SIGNATURE_BYTES = 32;

const hmac = (secret: string, data: string) => createHmac('sha256', secret).update(data).digest();

export function signLink(secret: string, claims: LinkClaims): string {
  // Fixed key order, so the same claims always make the same link.
  const { incident, step, planHash, person, expires, nonce } = claims;
  const body = Buffer.from(JSON.stringify({ incident, step, planHash, person, expires, nonce })).toString('base64url');
  return `${body}.${hmac(secret, body).toString('base64url')}`;
}

/**
 * The nonce of a person's link for one plan of one step. Derived, not random, so a retried activity sends the same
 * link; the "\n" keeps this HMAC's inputs apart from signed link bodies, which are base64url.
 */
export function linkNonce(secret: string, incident: string, step: string, planHash: string, person: string): string {
  return hmac(secret, ['kafka-ir link nonce', incident, step, planHash, person].join('\n')).subarray(0, 16).toString('base64url');
}

export function verifyLink(secret: string, token: string, now: Date = new Date()): LinkVerdict {
  const parts = token.split('.');
  const [body, signature] = parts;
  if (parts.length !== 2 || !body || !signature || !PART.test(body) || !PART.test(signature)) {
    return { ok: false, reason: 'malformed', message: MALFORMED, claims: untrusted(body) };
  }
  const given = Buffer.from(signature, 'base64url');
  // The length of a signature is no secret; its bytes are compared in constant time before the body is trusted.
  if (given.length !== SIGNATURE_BYTES || !timingSafeEqual(given, hmac(secret, body))) {
    return { ok: false, reason: 'tampered', message: TAMPERED, claims: untrusted(body) };
  }
  const parsed = LinkClaims.safeParse(parseJson(body));
  if (!parsed.success) return { ok: false, reason: 'malformed', message: MALFORMED, claims: untrusted(body) };
  const claims = parsed.data;
  if (Date.parse(claims.expires) <= now.getTime()) {
    return {
      ok: false, reason: 'expired', claims,
      message: `This approval link expired at ${claims.expires}, so nothing was decided. If step "${claims.step}" still waits for a decision, `
        + `use the link of a newer email or decide with the CLI: kafka-ir approve ${claims.incident} --step ${claims.step}`,
    };
  }
  return { ok: true, claims };
}

const CLI = 'decide with the CLI (kafka-ir approve <incident> --step <step>, with your personal token in KAFKA_IR_TOKEN)';
const MALFORMED = 'This approval link is incomplete or damaged (email programs sometimes cut or wrap long links), so nothing was decided. '
  + `Copy the whole link from the email into your browser, or ${CLI}.`;
const TAMPERED = 'This approval link does not carry a valid signature: it was changed, or signed with a key this engine no longer uses. '
  + `Nothing was decided. Use the link of the newest email about this step, or ${CLI}.`;

function parseJson(body: string): unknown {
  try {
    return JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The string claims a link body names, whatever its signature: enough to file a refusal, never to act on. */
function untrusted(body: string | undefined): Partial<LinkClaims> | undefined {
  const value = body && PART.test(body) ? parseJson(body) : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  const picked = Object.fromEntries(Object.keys(LinkClaims.shape)
    .map((k) => [k, (value as Record<string, unknown>)[k]] as const)
    .filter(([, v]) => typeof v === 'string' && v.length > 0 && v.length <= 200));
  return Object.keys(picked).length ? picked : undefined;
}
