// KAFKA_IR_PAYLOAD_KEY parsed into key objects: `<key id>:<base64 of 32 bytes>[,…]`, the first encrypts, all decrypt.
import { createSecretKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';

/** One key of KAFKA_IR_PAYLOAD_KEY; the material is a KeyObject, which never prints or serialises its bytes. */
export interface PayloadKey { id: string; key: KeyObject }

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Issues name entries by position, never by content. */
export const PayloadKeys = z.string().transform((value, ctx) => {
  const keys: PayloadKey[] = [];
  const bad = (n: number, message: string) => ctx.addIssue({ code: 'custom', message: `entry ${n} ${message}` });
  value.split(',').map((e) => e.trim()).forEach((entry, i) => {
    const colon = entry.indexOf(':');
    const id = entry.slice(0, Math.max(colon, 0));
    const material = entry.slice(colon + 1);
    if (colon < 0) bad(i + 1, 'is not <key id>:<base64 of 32 bytes>');
    else if (!KEY_ID.test(id)) bad(i + 1, "has a key id that is not 1-64 letters, digits, '.', '_' or '-'");
    else if (!BASE64.test(material) || Buffer.from(material, 'base64').length !== 32) bad(i + 1, 'has a key that is not base64 of exactly 32 bytes (make one with: openssl rand -base64 32)');
    else if (keys.some((k) => k.id === id)) bad(i + 1, 'repeats the key id of an earlier entry');
    else keys.push({ id, key: createSecretKey(Buffer.from(material, 'base64')) });
  });
  return keys;
});
