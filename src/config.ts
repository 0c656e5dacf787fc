// The engine's configuration: read once from the process environment, validated, one clear message per bad variable (never its value).
import { createSecretKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { parse as parseYaml } from 'yaml';
import {
  SaslMechanism, type EmailSettings, type HecSettings, type KafkaSettings, type KafkaTls, type SlackSettings, type TemporalConnectionSettings, type TemporalTls,
} from './model/connections.js';
import { EDGE_DEFAULTS, type EdgeLimits } from './model/edge-limits.js';
import { KafkaIrError } from './model/errors.js';
import { clusterConfig, Settings, type ClusterConfig } from './model/settings.js';
import { DEFAULT_CLUSTER } from './model/clusters.js';
import { parseMappingRules } from './model/principal-mapping.js';
import { PayloadKeys } from './payload-keys.js';

const HostPort = z.string().regex(/^[^\s:,]+:\d{1,5}$/, 'expected host:port');
const Bool = z.enum(['true', 'false']).transform((v) => v === 'true');
/** A PEM file path, checked at start-up so a typo is named before any connection is tried. */
const PemFile = z.string().min(1).refine((path) => existsSync(path), 'names no file (expected the path of a PEM file)');
/** A PKCS12 store's path, checked like PemFile (contents are checked when the Kafka client is made, adapters/kafka/tls-options.ts). */
const KeystoreFile = z.string().min(1).refine((path) => existsSync(path), 'names no file (expected the path of a PKCS12 store, .p12 or .pfx)');
/** The brokers' ssl.principal.mapping.rules, copied as they are: malformed ones are named now, not at the first incident. */
const MappingRules = z.string().min(1).superRefine((rules, ctx) => {
  try {
    parseMappingRules(rules);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `${(err as Error).message}; copy the brokers' ssl.principal.mapping.rules exactly` });
  }
});
const Port = z.coerce.number().int().min(0).max(65535); // 0: any free port

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** KAFKA_IR_DECISION_KEY: base64 keys of at least 32 bytes, comma-separated; the first seals, all are accepted. Issues name entries by position. */
const DecisionKeys = z.string().transform((value, ctx) => value.split(',').map((e) => e.trim()).flatMap((entry, i) => {
  if (BASE64.test(entry) && Buffer.from(entry, 'base64').length >= 32) return [createSecretKey(Buffer.from(entry, 'base64'))];
  ctx.addIssue({ code: 'custom', message: `entry ${i + 1} is not base64 of at least 32 bytes (make one with: openssl rand -base64 32)` });
  return [];
}));

const EngineEnv = z.object({
  KAFKA_IR_HOST: z.string().min(1).default('127.0.0.1'),
  KAFKA_IR_PORT: Port.default(8080),
  KAFKA_IR_PUBLIC_URL: z.url().optional(),
  KAFKA_IR_API_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  KAFKA_IR_TOKEN: z.string().min(1).optional(),
});

const ServerEnv = EngineEnv.extend({
  /** The cluster named "default"; optional when the settings file lists `clusters:`. */
  KAFKA_BROKERS: z
    .string()
    .transform((v) => v.split(',').map((b) => b.trim()).filter(Boolean))
    .pipe(z.array(HostPort).min(1, 'names no broker'))
    .optional(),
  KAFKA_SASL_MECHANISM: SaslMechanism.optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  /** TLS towards Kafka (SASL_SSL, or SSL with a client certificate): any KAFKA_SSL_* file or setting below turns it on. */
  KAFKA_SSL: Bool.default(false),
  KAFKA_SSL_CA: PemFile.optional(),
  KAFKA_SSL_CERT: PemFile.optional(),
  KAFKA_SSL_KEY: PemFile.optional(),
  KAFKA_SSL_KEY_PASSWORD: z.string().min(1).optional(),
  KAFKA_SSL_KEYSTORE: KeystoreFile.optional(),
  KAFKA_SSL_KEYSTORE_PASSWORD: z.string().min(1).optional(),
  KAFKA_SSL_VERIFY_HOSTNAME: Bool.optional(),
  KAFKA_SSL_PRINCIPAL_MAPPING_RULES: MappingRules.optional(),
  TEMPORAL_ADDRESS: HostPort.optional(),
  /** TLS towards Temporal: on with the system's CAs, or with a CA file; a client certificate and key make it mTLS. */
  TEMPORAL_TLS: Bool.optional(),
  TEMPORAL_TLS_CA: PemFile.optional(),
  TEMPORAL_TLS_CERT: PemFile.optional(),
  TEMPORAL_TLS_KEY: PemFile.optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  /** A Temporal Cloud style API key (implies TLS). */
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  /** Plain TCP to a Temporal beyond loopback, for a private network only (the docker-compose network). */
  TEMPORAL_ALLOW_PLAINTEXT: Bool.default(false),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('kafka-ir'),
  KAFKA_IR_RUNBOOKS: z.string().min(1).default('./runbooks').transform((v) => v.split(':').filter(Boolean)),
  KAFKA_IR_EVIDENCE_DIR: z.string().min(1).optional(),
  /** Where the engine keeps its intake log (under intake/<namespace>/<task queue>); default ~/.local/share/kafka-ir. */
  KAFKA_IR_DATA_DIR: z.string().min(1).optional(),
  /** Alerts answered 202 and not yet delivered to their incidents, at most; past it the intake answers 429. */
  KAFKA_IR_INTAKE_MAX_PENDING: z.coerce.number().int().min(1).default(100_000),
  KAFKA_IR_INTAKE_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  KAFKA_IR_CONFIG: z.string().min(1).optional(),
  KAFKA_IR_PAYLOAD_KEY: PayloadKeys.optional(),
  /** Seals what the engine sends incidents (starts, decisions, notes); unset: derived from KAFKA_IR_PAYLOAD_KEY, else a key file. */
  KAFKA_IR_DECISION_KEY: DecisionKeys.optional(),
  /** History events after which an incident continues as new (Temporal's own suggestion also counts). */
  KAFKA_IR_CONTINUE_AS_NEW_AFTER: z.coerce.number().int().min(50).default(10_000),
  /** Incident workflows a worker keeps in memory (≈ 150 KiB of workflow-thread heap each while waiting); others replay from history when they wake. */
  KAFKA_IR_CACHED_INCIDENTS: z.coerce.number().int().min(2, 'must be at least 2 (Temporal needs two)').default(100),
  /** Splunk HTTP Event Collector for siem.export: the base URL (https://splunk:8088) or the full /services/collector/event URL. */
  SPLUNK_HEC_URL: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL such as https://splunk.example:8088' }).optional(),
  SPLUNK_HEC_TOKEN: z.string().min(1).optional(),
  SPLUNK_HEC_INDEX: z.string().min(1).optional(),
  SPLUNK_HEC_SOURCETYPE: z.string().min(1).optional(),
  /** Slack: a bot token (xoxb-…) and the app's signing secret; the channel incidents are posted to. */
  SLACK_BOT_TOKEN: z.string().regex(/^xox[a-z]-/, 'expected a bot token starting with xoxb- (Slack app: OAuth & Permissions)').optional(),
  SLACK_SIGNING_SECRET: z.string().min(16, 'must be the signing secret from the Slack app\'s Basic Information page').optional(),
  SLACK_CHANNEL: z.string().min(1).optional(),
  SLACK_TEAM_ID: z.string().regex(/^T[A-Z0-9]+$/, 'a Slack workspace id looks like T0123ABCD').optional(),
  SLACK_APP_ID: z.string().regex(/^A[A-Z0-9]+$/, 'a Slack app id looks like A0123ABCD').optional(),
  SLACK_API_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Paging: where the Events API and the Alert API are (stand-ins, Opsgenie's EU instance), and what authenticates their webhooks. */
  PAGERDUTY_EVENTS_URL: z.url({ protocol: /^https?$/ }).optional(),
  OPSGENIE_API_URL: z.url({ protocol: /^https?$/, error: 'expected https://api.opsgenie.com or https://api.eu.opsgenie.com' }).optional(),
  PAGERDUTY_WEBHOOK_SECRET: z.string().min(16, 'must be the signing secret of the PagerDuty webhook subscription').optional(),
  OPSGENIE_WEBHOOK_TOKEN: z.string().min(16, 'must be at least 16 characters (make one with: openssl rand -base64 24)').optional(),
  /** How card clicks reach kafka-ir: `http` (Slack posts to /v1/slack/interactions) or `socket` (Socket Mode, no public URL). */
  SLACK_INTERACTIONS: z.enum(['http', 'socket'], { error: 'expected http (Slack posts to /v1/slack/interactions) or socket (Socket Mode)' }).default('http'),
  /** Socket Mode's app-level token (xapp-…, scope connections:write). */
  SLACK_APP_TOKEN: z.string().regex(/^xapp-/, 'expected an app-level token starting with xapp- (Slack app: Basic Information, App-Level Tokens, scope connections:write)').optional(),
  /** Email: an SMTP URL (smtp://user:pass@host:587, smtps://…), the sender, and who gets summaries. */
  SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'expected smtp://[user:password@]host:port or smtps://…' }).optional(),
  EMAIL_FROM: z.string().min(3).optional(),
  EMAIL_TO: z.string().optional().transform((v) => (v ?? '').split(',').map((a) => a.trim()).filter(Boolean)),
  /** Host names the HTTP server answers to (DNS rebinding); loopback names, KAFKA_IR_PUBLIC_URL's and KAFKA_IR_HOST's by default; `*`: any. */
  KAFKA_IR_ALLOWED_HOSTS: z.string().optional().transform((v) => v?.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean)),
  /** The Temporal Web UI's origin (http://localhost:8233): the only one the codec endpoint answers cross-origin. */
  KAFKA_IR_CODEC_CORS_ORIGIN: z.url({ error: 'expected the Temporal UI origin, e.g. http://localhost:8233' }).transform((u) => new URL(u).origin).optional(),
  /** Intake limits (docs/operations.md "Limits"): alerts per request, alerts per second and burst, open incidents per runbook. */
  KAFKA_IR_MAX_ALERTS_PER_REQUEST: z.coerce.number().int().min(1).default(EDGE_DEFAULTS.maxAlertsPerRequest),
  KAFKA_IR_INTAKE_RATE: z.coerce.number().positive().default(EDGE_DEFAULTS.intakeRate),
  KAFKA_IR_INTAKE_BURST: z.coerce.number().int().min(1).default(EDGE_DEFAULTS.intakeBurst),
  KAFKA_IR_MAX_OPEN_INCIDENTS: z.coerce.number().int().min(1).default(EDGE_DEFAULTS.maxOpenIncidents),
  /** Seconds between two reports of refused requests (forged links, bad Slack signatures) to one incident. */
  KAFKA_IR_REFUSAL_INTERVAL: z.coerce.number().positive().default(EDGE_DEFAULTS.refusalIntervalMs / 1000),
  /** Signs email approval links; at least 32 characters. */
  KAFKA_IR_LINK_SECRET: z.string().min(32, 'must be at least 32 characters (make one with: openssl rand -base64 32)').optional(),
}).superRefine((env, ctx) => {
  // Socket Mode needs the app-level token instead of the signing secret (Slack signs nothing sent over the socket).
  const slack = ['SLACK_BOT_TOKEN', env.SLACK_INTERACTIONS === 'socket' ? 'SLACK_APP_TOKEN' : 'SLACK_SIGNING_SECRET', 'SLACK_CHANNEL', 'SLACK_TEAM_ID', 'SLACK_APP_ID'] as const;
  if (slack.some((k) => env[k]) && !slack.every((k) => env[k])) {
    const missing = slack.filter((k) => !env[k]);
    ctx.addIssue({ code: 'custom', path: [missing[0]!], message: `Slack is partly configured: set ${missing.join(', ')} too (README: "Slack")` });
  }
  if (env.SMTP_URL && !env.EMAIL_FROM) {
    ctx.addIssue({ code: 'custom', path: ['EMAIL_FROM'], message: 'SMTP_URL is set, so EMAIL_FROM must be too (the sender address, e.g. kafka-ir@example.com)' });
  }
  if (env.SPLUNK_HEC_URL && !env.SPLUNK_HEC_TOKEN) {
    ctx.addIssue({ code: 'custom', path: ['SPLUNK_HEC_TOKEN'], message: 'SPLUNK_HEC_URL is set, so SPLUNK_HEC_TOKEN must be too (an HEC token from Splunk: Settings > Data inputs > HTTP Event Collector)' });
  }
  const temporalTls = (['TEMPORAL_TLS_CA', 'TEMPORAL_TLS_CERT', 'TEMPORAL_TLS_KEY', 'TEMPORAL_TLS_SERVER_NAME', 'TEMPORAL_API_KEY'] as const).filter((k) => env[k]);
  if (env.TEMPORAL_TLS === false && temporalTls.length) {
    ctx.addIssue({ code: 'custom', path: ['TEMPORAL_TLS'], message: `is false, but ${temporalTls.join(', ')} ${temporalTls.length > 1 ? 'are' : 'is'} set: those need TLS (an API key is never sent in plain text)` });
  }
  if (Boolean(env.TEMPORAL_TLS_CERT) !== Boolean(env.TEMPORAL_TLS_KEY)) {
    const missing = env.TEMPORAL_TLS_CERT ? 'TEMPORAL_TLS_KEY' : 'TEMPORAL_TLS_CERT';
    ctx.addIssue({ code: 'custom', path: [missing], message: 'mTLS needs both TEMPORAL_TLS_CERT (the client certificate) and TEMPORAL_TLS_KEY (its private key)' });
  }
  if (!env.TEMPORAL_ADDRESS && (env.TEMPORAL_TLS || temporalTls.length)) {
    ctx.addIssue({ code: 'custom', path: ['TEMPORAL_ADDRESS'], message: 'is unset (the embedded dev server, plain TCP on loopback), but TLS or an API key is configured for Temporal: set TEMPORAL_ADDRESS' });
  }
  if (env.KAFKA_IR_MAX_ALERTS_PER_REQUEST > env.KAFKA_IR_INTAKE_BURST) {
    ctx.addIssue({ code: 'custom', path: ['KAFKA_IR_MAX_ALERTS_PER_REQUEST'], message: 'is larger than KAFKA_IR_INTAKE_BURST, so a full request could never be taken' });
  }
  if (Boolean(env.KAFKA_SSL_CERT) !== Boolean(env.KAFKA_SSL_KEY)) {
    const missing = env.KAFKA_SSL_CERT ? 'KAFKA_SSL_KEY' : 'KAFKA_SSL_CERT';
    ctx.addIssue({ code: 'custom', path: [missing], message: 'a client certificate needs both KAFKA_SSL_CERT (the certificate) and KAFKA_SSL_KEY (its private key), or KAFKA_SSL_KEYSTORE instead of both' });
  }
  if (env.KAFKA_SSL_KEYSTORE && env.KAFKA_SSL_CERT) {
    ctx.addIssue({ code: 'custom', path: ['KAFKA_SSL_KEYSTORE'], message: 'and KAFKA_SSL_CERT are both set: give the client certificate one way, a PKCS12 keystore or PEM files' });
  }
  if (env.KAFKA_SSL_KEY_PASSWORD && !env.KAFKA_SSL_KEY) {
    ctx.addIssue({ code: 'custom', path: ['KAFKA_SSL_KEY_PASSWORD'], message: 'is the passphrase of KAFKA_SSL_KEY, which is not set' });
  }
  if (env.KAFKA_SSL_KEYSTORE_PASSWORD && !env.KAFKA_SSL_KEYSTORE) {
    ctx.addIssue({ code: 'custom', path: ['KAFKA_SSL_KEYSTORE_PASSWORD'], message: 'is the password of KAFKA_SSL_KEYSTORE, which is not set' });
  }
  if (env.KAFKA_SASL_MECHANISM && (!env.KAFKA_SASL_USERNAME || !env.KAFKA_SASL_PASSWORD)) {
    ctx.addIssue({ code: 'custom', path: ['KAFKA_SASL_USERNAME'], message: 'KAFKA_SASL_MECHANISM is set, so KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD must be too' });
  }
});

function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.output<S> {
  // An empty variable counts as unset, as in most shells' `VAR= cmd`.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  ${String(i.path[0] ?? 'environment')}: ${i.message}`);
  throw new KafkaIrError('INVALID_CONFIG', `invalid environment:\n${lines.join('\n')}`);
}

function engineSettings(env: z.output<typeof EngineEnv>) {
  return {
    host: env.KAFKA_IR_HOST,
    port: env.KAFKA_IR_PORT,
    publicUrl: env.KAFKA_IR_PUBLIC_URL ?? `http://${env.KAFKA_IR_HOST}:${env.KAFKA_IR_PORT}`,
    apiToken: env.KAFKA_IR_API_TOKEN,
  };
}

/** What the CLI needs to talk to a running engine over HTTP. */
export function loadClientConfig(env: NodeJS.ProcessEnv = process.env) {
  const e = parseEnv(EngineEnv, env);
  return { ...engineSettings(e), token: e.KAFKA_IR_TOKEN ?? e.KAFKA_IR_API_TOKEN };
}
export type ClientConfig = ReturnType<typeof loadClientConfig>;

/** Reads and validates the KAFKA_IR_CONFIG file; every problem names the file and the key. */
export function loadSettings(file: string | undefined): Settings {
  if (!file) return Settings.parse({});
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new KafkaIrError('INVALID_CONFIG', `KAFKA_IR_CONFIG: cannot read ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  const result = Settings.safeParse(raw ?? {});
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  ${file} (${i.path.join('.') || 'top level'}): ${i.message}`);
  throw new KafkaIrError('INVALID_CONFIG', `invalid settings in KAFKA_IR_CONFIG:\n${lines.join('\n')}`);
}

const DEFAULT_EVIDENCE_DIR = join(homedir(), '.local', 'share', 'kafka-ir', 'evidence');

/** What `runbooks validate --settings` checks runbooks against beyond the settings file: the channels set, the evidence folder. */
export function loadNeedsEnv(env: NodeJS.ProcessEnv = process.env) {
  const set = (...names: string[]) => names.every((n) => Boolean(env[n]));
  return {
    hec: set('SPLUNK_HEC_URL', 'SPLUNK_HEC_TOKEN'), email: set('SMTP_URL', 'EMAIL_FROM'), slack: set('SLACK_BOT_TOKEN'),
    evidenceDir: env.KAFKA_IR_EVIDENCE_DIR || DEFAULT_EVIDENCE_DIR,
  };
}

/** Files or a server name mean TLS with them; TEMPORAL_TLS=true or an API key alone means TLS with the system's CAs. */
function temporalTls(e: z.output<typeof ServerEnv>): TemporalConnectionSettings['tls'] {
  const files = { ca: e.TEMPORAL_TLS_CA, cert: e.TEMPORAL_TLS_CERT, key: e.TEMPORAL_TLS_KEY, serverName: e.TEMPORAL_TLS_SERVER_NAME };
  if (Object.values(files).some(Boolean)) return Object.fromEntries(Object.entries(files).filter(([, v]) => v)) as TemporalTls;
  return e.TEMPORAL_TLS ?? e.TEMPORAL_API_KEY !== undefined;
}

/** Any KAFKA_SSL_* setting means TLS with the settings given; KAFKA_SSL=true alone means TLS with the system's CAs. */
function kafkaTls(e: z.output<typeof ServerEnv>): KafkaSettings['ssl'] {
  const tls: KafkaTls = {
    ca: e.KAFKA_SSL_CA, cert: e.KAFKA_SSL_CERT, key: e.KAFKA_SSL_KEY, keyPassword: e.KAFKA_SSL_KEY_PASSWORD,
    keystore: e.KAFKA_SSL_KEYSTORE, keystorePassword: e.KAFKA_SSL_KEYSTORE_PASSWORD,
    verifyHostname: e.KAFKA_SSL_VERIFY_HOSTNAME, principalMappingRules: e.KAFKA_SSL_PRINCIPAL_MAPPING_RULES,
  };
  const given = Object.fromEntries(Object.entries(tls).filter(([, v]) => v !== undefined)) as KafkaTls;
  return Object.keys(given).length ? given : e.KAFKA_SSL;
}

/** Loopback names, plus the public URL's host and a specific listening address. */
function defaultHosts(e: z.output<typeof ServerEnv>): string[] {
  const hosts = [...EDGE_DEFAULTS.allowedHosts];
  if (e.KAFKA_IR_PUBLIC_URL) hosts.push(new URL(e.KAFKA_IR_PUBLIC_URL).hostname.replace(/^\[|\]$/g, '').toLowerCase());
  if (!['0.0.0.0', '::'].includes(e.KAFKA_IR_HOST)) hosts.push(e.KAFKA_IR_HOST.toLowerCase());
  return [...new Set(hosts)];
}

/**
 * The clusters the engine serves: "default" from KAFKA_BROKERS (with the settings file's top level), then each of
 * `clusters:`. At least one; a `clusters.default` beside KAFKA_BROKERS is refused rather than silently chosen.
 */
function clustersOf(e: z.output<typeof ServerEnv>, settings: Settings, evidenceDir: string): ClusterConfig[] {
  const listed = Object.entries(settings.clusters ?? {});
  const where = `KAFKA_IR_CONFIG ${e.KAFKA_IR_CONFIG ?? ''} (clusters.${DEFAULT_CLUSTER})`;
  if (!e.KAFKA_BROKERS && listed.length === 0) {
    throw new KafkaIrError('INVALID_CONFIG', 'invalid environment:\n  KAFKA_BROKERS: is not set: the Kafka bootstrap brokers as host:port,host:port (dev cluster: npm run infra -- up, then set -a; . .infra/env), or list `clusters:` in the settings file (KAFKA_IR_CONFIG)');
  }
  if (e.KAFKA_BROKERS && settings.clusters?.[DEFAULT_CLUSTER]) {
    throw new KafkaIrError('INVALID_CONFIG', `${where}: KAFKA_BROKERS already describes the cluster named "${DEFAULT_CLUSTER}"`,
      'give this cluster another name, or unset KAFKA_BROKERS and keep it here');
  }
  const { clusters: _listed, ...top } = settings;
  const fromEnv: ClusterConfig[] = e.KAFKA_BROKERS
    ? [{
      name: DEFAULT_CLUSTER,
      kafka: {
        brokers: e.KAFKA_BROKERS,
        sasl: e.KAFKA_SASL_MECHANISM
          ? { mechanism: e.KAFKA_SASL_MECHANISM, username: e.KAFKA_SASL_USERNAME!, password: e.KAFKA_SASL_PASSWORD! }
          : undefined,
        ssl: kafkaTls(e),
      } satisfies KafkaSettings,
      settings: top,
      evidenceDir,
    }]
    : [];
  return [...fromEnv, ...listed.map(([name, c]) => clusterConfig(name, settings, c, join(evidenceDir, 'clusters', name)))];
}

/** A namespace or task queue as one path segment. */
const safeName = (name: string) => name.replace(/[^A-Za-z0-9._-]/g, '_');

/** Everything `kafka-ir start` needs. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const e = parseEnv(ServerEnv, env);
  const settings = loadSettings(e.KAFKA_IR_CONFIG);
  const evidenceDir = e.KAFKA_IR_EVIDENCE_DIR ?? DEFAULT_EVIDENCE_DIR;
  const clusters = clustersOf(e, settings, evidenceDir);
  /** Where an alert naming no cluster goes (when the engine serves one, or one named "default"), and the intake topic's cluster. */
  const main = clusters.find((c) => c.name === DEFAULT_CLUSTER) ?? clusters[0]!;
  return {
    ...engineSettings(e),
    intakeToken: e.KAFKA_IR_INTAKE_TOKEN,
    /** The first of `clusters`, or "default": the intake topic is read there. */
    kafka: main.kafka,
    clusters,
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      tls: temporalTls(e),
      apiKey: e.TEMPORAL_API_KEY,
      allowPlaintext: e.TEMPORAL_ALLOW_PLAINTEXT,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      continueAsNewAfter: e.KAFKA_IR_CONTINUE_AS_NEW_AFTER,
      cachedIncidents: e.KAFKA_IR_CACHED_INCIDENTS,
      /** Where the embedded dev server keeps its database when TEMPORAL_ADDRESS is unset. */
      dataDir: join(homedir(), '.local', 'share', 'kafka-ir'),
    },
    runbookDirs: e.KAFKA_IR_RUNBOOKS,
    settings,
    /** Unset: payloads and failure messages are stored in Temporal history in plain text. */
    payloadKeys: e.KAFKA_IR_PAYLOAD_KEY,
    /** Unset: the seal's key comes from the payload keys, else from a key file in the data directory (adapters/engine-seal.ts). */
    decisionKeys: e.KAFKA_IR_DECISION_KEY,
    evidenceDir,
    /** The intake log: one directory per namespace and task queue (one engine each), docs/operations.md "Intake log". */
    intakeLog: {
      dir: join(e.KAFKA_IR_DATA_DIR ?? join(homedir(), '.local', 'share', 'kafka-ir'), 'intake', safeName(e.TEMPORAL_NAMESPACE), safeName(e.TEMPORAL_TASK_QUEUE)),
      maxPending: e.KAFKA_IR_INTAKE_MAX_PENDING,
    },
    siem: e.SPLUNK_HEC_URL
      ? { url: e.SPLUNK_HEC_URL, token: e.SPLUNK_HEC_TOKEN!, index: e.SPLUNK_HEC_INDEX, sourcetype: e.SPLUNK_HEC_SOURCETYPE } satisfies HecSettings
      : undefined,
    slack: e.SLACK_BOT_TOKEN
      ? {
        token: e.SLACK_BOT_TOKEN, channel: e.SLACK_CHANNEL!, teamId: e.SLACK_TEAM_ID!, appId: e.SLACK_APP_ID!, apiUrl: e.SLACK_API_URL,
        interactions: e.SLACK_INTERACTIONS === 'socket'
          ? { mode: 'socket', appToken: e.SLACK_APP_TOKEN! }
          : { mode: 'http', signingSecret: e.SLACK_SIGNING_SECRET! },
      } satisfies SlackSettings
      : undefined,
    email: e.SMTP_URL ? { smtpUrl: e.SMTP_URL, from: e.EMAIL_FROM!, to: e.EMAIL_TO } satisfies EmailSettings : undefined,
    linkSecret: e.KAFKA_IR_LINK_SECRET,
    paging: {
      pagerDutyUrl: e.PAGERDUTY_EVENTS_URL, opsgenieUrl: e.OPSGENIE_API_URL,
      webhooks: { pagerDutySecret: e.PAGERDUTY_WEBHOOK_SECRET, opsgenieToken: e.OPSGENIE_WEBHOOK_TOKEN },
      /** Reads the roster's paging keys ({ env: NAME }) at start-up; a function, so no log of the config can show them. */
      readEnv: (name: string): string | undefined => env[name],
    },
    edge: {
      allowedHosts: e.KAFKA_IR_ALLOWED_HOSTS ?? defaultHosts(e),
      codecCorsOrigin: e.KAFKA_IR_CODEC_CORS_ORIGIN,
      maxAlertsPerRequest: e.KAFKA_IR_MAX_ALERTS_PER_REQUEST,
      intakeRate: e.KAFKA_IR_INTAKE_RATE,
      intakeBurst: e.KAFKA_IR_INTAKE_BURST,
      maxOpenIncidents: e.KAFKA_IR_MAX_OPEN_INCIDENTS,
      refusalIntervalMs: e.KAFKA_IR_REFUSAL_INTERVAL * 1000,
    } satisfies EdgeLimits,
  };
}
export type Config = ReturnType<typeof loadConfig>;

/** Every environment variable the engine reads (for checks of deployment files such as docker-compose.yml). */
export const ENV_NAMES: readonly string[] = Object.keys(ServerEnv.shape);
