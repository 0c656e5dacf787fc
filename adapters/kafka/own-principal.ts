// The engine's own Kafka principal(s): its SASL user, or under mTLS the name the brokers' principal mapping gives its certificate.
import type { KafkaSettings } from '../../src/model/connections.js';
import { mapPrincipal } from '../../src/model/principal-mapping.js';
import { clientCertificate } from './tls-options.js';

/**
 * Under SASL (SASL_PLAINTEXT or SASL_SSL), `User:<username>`. Under mTLS, the certificate's subject as an RFC 2253
 * distinguished name (`CN=kafka-ir,OU=sec,O=example`), mapped by the brokers' ssl.principal.mapping.rules when the
 * settings give them. Without the rules the engine cannot know the mapping, so both the full name (DEFAULT) and the
 * common name (the usual rule) are protected.
 */
export function ownPrincipals(settings: KafkaSettings): string[] {
  if (settings.sasl) return [`User:${settings.sasl.username}`];
  const cert = clientCertificate(settings.ssl);
  if (!cert || typeof settings.ssl !== 'object') return [];
  // Node lists the subject's attributes one per line (values already escaped), most significant first; RFC 2253 reverses that order.
  const parts = cert.subject.split('\n').filter(Boolean);
  const dn = [...parts].reverse().join(',');
  if (settings.ssl.principalMappingRules) {
    const mapped = mapPrincipal(dn, settings.ssl.principalMappingRules);
    return mapped === undefined ? [] : [`User:${mapped}`];
  }
  const cn = parts.find((p) => p.startsWith('CN='))?.slice(3);
  return [...new Set([`User:${dn}`, ...(cn ? [`User:${cn}`] : [])])];
}
