// How kafka-ir reaches the systems it talks to (Kafka, Splunk HEC, Slack, SMTP): built from the environment by the config.
import { z } from 'zod';

export const SaslMechanism = z.enum(['scram-sha-512', 'scram-sha-256', 'plain']);
export type SaslMechanism = z.infer<typeof SaslMechanism>;

export const KafkaSettings = z.object({
  brokers: z.array(z.string().min(1)).min(1),
  sasl: z.object({ mechanism: SaslMechanism, username: z.string().min(1), password: z.string().min(1) }).optional(),
  /** true: TLS with the system's CAs; an object: PEM file paths, read when a connection opens. */
  ssl: z.union([z.boolean(), z.object({ ca: z.string().optional(), cert: z.string().optional(), key: z.string().optional() })]),
});
export type KafkaSettings = z.infer<typeof KafkaSettings>;

/** Where siem.export sends evidence; absent when SPLUNK_HEC_URL is unset. */
export const HecSettings = z.object({
  url: z.string().min(1), token: z.string().min(1), index: z.string().min(1).optional(), sourcetype: z.string().min(1).optional(),
});
export type HecSettings = z.infer<typeof HecSettings>;

/** Slack, when SLACK_BOT_TOKEN is set (then all of its variables are). */
export const SlackSettings = z.object({
  token: z.string().min(1), signingSecret: z.string().min(1), channel: z.string().min(1),
  teamId: z.string().min(1), appId: z.string().min(1), apiUrl: z.string().min(1).optional(),
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
