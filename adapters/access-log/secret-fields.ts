// Strips the secrets Kafka writes into request-log lines before a line is parsed: SCRAM salts and salted passwords, token HMACs.
import { createHash } from 'node:crypto';

/** AlterUserScramCredentials requests carry each user's salt and salted password; token requests and answers the HMAC. */
const SECRET = /"(salt|saltedPassword|hmac)":"([^"\\]*)"/g;
const MAY_HOLD_SECRET = /"(?:salt|saltedPassword|hmac)":"/;

/**
 * The JSON text with every secret field replaced before it becomes a value: salts and salted passwords by null, an
 * HMAC by the first 16 hex digits of its SHA-256 (enough to pair a token's renewal with its creation, useless to
 * sign in with). Lines without such fields come back as they are.
 */
export function withoutSecrets(json: string): string {
  if (!MAY_HOLD_SECRET.test(json)) return json;
  return json.replace(SECRET, (_, field: string, value: string) => {
    if (field !== 'hmac' || value === '') return `"${field}":null`;
    return `"hmac":"${createHash('sha256').update(value).digest('hex').slice(0, 16)}"`;
  });
}
