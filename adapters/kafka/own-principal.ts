// The engine's own Kafka principal(s): its SASL user, or under mTLS the names Kafka's principal builder gives its certificate.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { KafkaSettings } from '../../src/model/connections.js';

/**
 * Under SASL, `User:<username>`. Under mTLS, Kafka's default builder names the certificate's subject as an RFC 2253
 * distinguished name (`User:CN=kafka-ir,OU=sec,O=example`); sites with ssl.principal.mapping.rules usually map it
 * to the common name, so `User:<CN>` is protected too. Unreadable certificate: none (the connection itself fails).
 */
export function ownPrincipals(settings: KafkaSettings): string[] {
  if (settings.sasl) return [`User:${settings.sasl.username}`];
  if (typeof settings.ssl !== 'object' || !settings.ssl.cert) return [];
  let subject: string;
  try {
    subject = new X509Certificate(readFileSync(settings.ssl.cert)).subject;
  } catch {
    return [];
  }
  // Node lists the subject's attributes one per line (values already escaped), most significant first; RFC 2253 reverses that order.
  const parts = subject.split('\n').filter(Boolean);
  const dn = [...parts].reverse().join(',');
  const cn = parts.find((p) => p.startsWith('CN='))?.slice(3);
  return [...new Set([`User:${dn}`, ...(cn ? [`User:${cn}`] : [])])];
}
