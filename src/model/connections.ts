// How kafka-ir reaches the systems it talks to (Kafka, Splunk HEC, Slack, SMTP): built from the environment by the config.
import { z } from 'zod';

export const SaslMechanism = z.enum(['scram-sha-512', 'scram-sha-256', 'plain']);
export type SaslMechanism = z.infer<typeof SaslMechanism>;

/**
 * TLS towards one Kafka cluster: file paths, read when a Kafka client or connection is made (renewed files count from the next one).
 * A client certificate (cert + key, or a PKCS12 keystore) makes it mTLS; under SASL_SSL it is optional.
 */
export const KafkaTls = z.strictObject({
  /** PEM CA bundle the brokers' certificates must chain to; unset: the system's CAs. */
  ca: z.string().min(1).optional(),
  /** PEM client certificate (chain) and its PEM private key. */
  cert: z.string().min(1).optional(),
  key: z.string().min(1).optional(),
  /** Passphrase of an encrypted `key`. */
  keyPassword: z.string().min(1).optional(),
  /** PKCS12 (.p12/.pfx) holding the client key and certificate (and CAs), instead of cert + key. */
  keystore: z.string().min(1).optional(),
  keystorePassword: z.string().min(1).optional(),
  /** false: skip the check that the broker's certificate names the host dialled (Kafka's ssl.endpoint.identification.algorithm=""); unset: checked. */
  verifyHostname: z.boolean().optional(),
  /** The brokers' ssl.principal.mapping.rules, so the engine knows the principal its certificate becomes. Unset: DEFAULT. */
  principalMappingRules: z.string().min(1).optional(),
  /** Where these settings were read (`clusters.prod.tls`): errors then name `<settingsPath>.<field>`; unset: the KAFKA_SSL_* variables. */
  settingsPath: z.string().min(1).optional(),
});
export type KafkaTls = z.infer<typeof KafkaTls>;

/** The environment variable behind each TLS setting (the engine's single-cluster form). */
export const KAFKA_TLS_ENV = {
  ca: 'KAFKA_SSL_CA', cert: 'KAFKA_SSL_CERT', key: 'KAFKA_SSL_KEY', keyPassword: 'KAFKA_SSL_KEY_PASSWORD',
  keystore: 'KAFKA_SSL_KEYSTORE', keystorePassword: 'KAFKA_SSL_KEYSTORE_PASSWORD', verifyHostname: 'KAFKA_SSL_VERIFY_HOSTNAME',
  principalMappingRules: 'KAFKA_SSL_PRINCIPAL_MAPPING_RULES',
} as const satisfies Record<Exclude<keyof KafkaTls, 'settingsPath'>, string>;
export type KafkaTlsField = keyof typeof KAFKA_TLS_ENV;

/** The name a person sets to change `field`: its environment variable, or its path in the settings file. */
export function tlsSettingName(tls: Pick<KafkaTls, 'settingsPath'> | boolean, field: KafkaTlsField): string {
  return typeof tls === 'object' && tls.settingsPath ? `${tls.settingsPath}.${field}` : KAFKA_TLS_ENV[field];
}

export const KafkaSettings = z.object({
  brokers: z.array(z.string().min(1)).min(1),
  sasl: z.object({ mechanism: SaslMechanism, username: z.string().min(1), password: z.string().min(1) }).optional(),
  /** false: plain TCP; true: TLS with the system's CAs and hostname checks; an object: TLS with these settings. */
  ssl: z.union([z.boolean(), KafkaTls]),
});
export type KafkaSettings = z.infer<typeof KafkaSettings>;

/** Where siem.export sends evidence; absent when SPLUNK_HEC_URL is unset. */
export const HecSettings = z.object({
  url: z.string().min(1), token: z.string().min(1), index: z.string().min(1).optional(), sourcetype: z.string().min(1).optional(),
});
export type HecSettings = z.infer<typeof HecSettings>;

/** Slack, when SLACK_BOT_TOKEN is set (then all of its variables are). */
export const SlackSettings = z.object({
  token: z.string().min(1), channel: z.string().min(1),
  teamId: z.string().min(1), appId: z.string().min(1), apiUrl: z.string().min(1).optional(),
  /** How card clicks arrive: signed HTTP posts, or Socket Mode over a WebSocket the engine opens with the app-level token. */
  interactions: z.discriminatedUnion('mode', [
    z.object({ mode: z.literal('http'), signingSecret: z.string().min(1) }),
    z.object({ mode: z.literal('socket'), appToken: z.string().min(1) }),
  ]),
});
export type SlackSettings = z.infer<typeof SlackSettings>;

/** Email, when SMTP_URL is set. */
export const EmailSettings = z.object({ smtpUrl: z.string().min(1), from: z.string().min(1), to: z.array(z.string().min(1)) });
export type EmailSettings = z.infer<typeof EmailSettings>;

/** TLS towards Temporal: PEM file paths (read when connecting) and the name the server's certificate must carry. */
export const TemporalTls = z.object({
  ca: z.string().min(1).optional(), cert: z.string().min(1).optional(), key: z.string().min(1).optional(), serverName: z.string().min(1).optional(),
});
export type TemporalTls = z.infer<typeof TemporalTls>;

/** How the engine reaches Temporal; `address` unset: the embedded dev server on loopback. */
export const TemporalConnectionSettings = z.object({
  address: z.string().min(1).optional(),
  /** false: plain TCP; true: TLS with the system's CAs; an object: TLS with these files, a client certificate making it mTLS. */
  tls: z.union([z.boolean(), TemporalTls]),
  /** A Temporal Cloud style API key, sent as a bearer token, only over TLS. */
  apiKey: z.string().min(1).optional(),
  /** Plain TCP to an address beyond loopback, accepted only when an operator says the network is private. */
  allowPlaintext: z.boolean(),
});
export type TemporalConnectionSettings = z.infer<typeof TemporalConnectionSettings>;
