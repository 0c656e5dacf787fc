// Structured settings from the KAFKA_IR_CONFIG YAML file: what an operator tunes beyond environment variables.
import { z } from 'zod';
import { Duration } from './duration-schema.js';
import { AccessLogSettings } from './access-log-settings.js';
import { KafkaSettings } from './connections.js';
import { ClusterName } from './cluster-name.js';
import { DetectionSettings } from './detection-settings.js';

export const TopicClassification = z.strictObject({
  /** A literal topic name, or a prefix ending in "*". */
  topic: z.string().min(1),
  label: z.string().min(1),
});

export const SecretSink = z.discriminatedUnion('type', [
  /** One 0600 file per incident and step under `dir` (created 0700). */
  z.strictObject({ type: z.literal('file'), dir: z.string().min(1) }),
  /** A command that reads the secret on stdin; KAFKA_IR_SECRET_KEY and KAFKA_IR_SECRET_USER are set in its environment. */
  z.strictObject({ type: z.literal('command'), command: z.array(z.string().min(1)).min(1) }),
]);
export type SecretSink = z.infer<typeof SecretSink>;

/** Label (or Splunk field) names an alert field is read from, first present wins. */
const FieldNames = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]));

/** How Alertmanager labels and Splunk result fields become a generic alert (docs/design.md §6); unset keys keep the default mapping. */
export const AlertMapping = z.strictObject({
  labels: z.strictObject({
    kind: FieldNames, severity: FieldNames, summary: FieldNames, principal: FieldNames, clientId: FieldNames,
    host: FieldNames, topic: FieldNames, brokerId: FieldNames, cluster: FieldNames,
  }).partial().default({}),
  /** Source severity → alert severity, merged over the default (info→low, warning→medium, error→high, critical→critical). */
  severities: z.record(z.string(), z.enum(['low', 'medium', 'high', 'critical'])).default({}),
});
export type AlertMapping = z.infer<typeof AlertMapping>;

/** Alerts consumed from a Kafka topic (generic alert JSON); invalid ones go to the dead-letter topic with the reason. */
export const IntakeTopic = z.strictObject({
  topic: z.string().min(1),
  deadLetterTopic: z.string().min(1),
  groupId: z.string().min(1).default('kafka-ir-intake'),
  /** Where a group with no committed offset starts: false (default) reads only alerts produced after it joined. */
  fromBeginning: z.boolean().default(false),
});
export type IntakeTopic = z.infer<typeof IntakeTopic>;

const Principals = z.array(z.string().regex(/^User:.+$/, 'a principal looks like "User:<name>"'));

/**
 * The brokers' authorizer settings, as set in their server.properties. Kafka reports super.users and
 * allow.everyone.if.no.acl.found as sensitive (value hidden) in DescribeConfigs, so they must be declared here.
 */
const AuthorizerFacts = z.strictObject({
  superUsers: Principals.default([]),
  /** Unset: unknown, and plans say what would happen if it were true. */
  allowEveryoneIfNoAclFound: z.boolean().optional(),
});

/** A fresh security baseline every `every` (a Temporal schedule), for kafka.baseline.diff to compare against. */
const BaselineEvery = z.strictObject({ every: Duration });

/**
 * One cluster of `clusters:`: how to reach it (the same connection settings as KAFKA_BROKERS and its companions) and
 * what is particular to it. A key it leaves out is taken from the top level of the settings file.
 */
export const ClusterSettings = z.strictObject({
  ...KafkaSettings.shape,
  ssl: KafkaSettings.shape.ssl.default(false),
  /** Where its evidence and baselines are written; default: <KAFKA_IR_EVIDENCE_DIR>/clusters/<name>. */
  evidenceDir: z.string().min(1).optional(),
  protectedPrincipals: Principals.optional(),
  classifications: z.array(TopicClassification).optional(),
  authorizer: AuthorizerFacts.optional(),
  baseline: BaselineEvery.optional(),
  accessLog: AccessLogSettings.optional(),
});
export type ClusterSettings = z.infer<typeof ClusterSettings>;

export const Settings = z.strictObject({
  protectedPrincipals: Principals.default([]),
  classifications: z.array(TopicClassification).default([]),
  secretSink: SecretSink.optional(),
  /**
   * Variables of the engine's environment passed to the secret sink and fence commands (e.g. VAULT_ADDR), beyond
   * PATH, HOME, USER, LOGNAME, LANG, LC_ALL, TZ and TMPDIR; nothing else of the engine's environment reaches them.
   */
  commandEnv: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')).default([]),
  /** Run after a broker's replicas are drained, e.g. a firewall rule; {brokerId} and {host} are substituted. */
  fenceCommand: z.array(z.string().min(1)).min(1).optional(),
  /** Partition moves (kafka.broker.isolate and its undo): how long they may take. */
  reassignment: z.strictObject({
    /** A move that finishes no partition and copies no byte for this long fails (REASSIGNMENT_STALLED) for a person to look at. */
    stallAfter: Duration.default('30m'),
    /**
     * Each attempt of the apply waits at most this long, then hands over to a retry that resumes waiting on the moves
     * already submitted. Default: just under the activity's own start-to-close timeout (1 h).
     */
    attemptWait: Duration.optional(),
  }).default({ stallAfter: '30m' }),
  /** A fresh security baseline every `every` (a Temporal schedule), for kafka.baseline.diff to compare against. Off when absent. */
  baseline: BaselineEvery.optional(),
  /** Of the cluster KAFKA_BROKERS names (and of every cluster that declares none of its own). */
  authorizer: AuthorizerFacts.default({ superUsers: [] }),
  alertmanager: AlertMapping.optional(),
  intake: IntakeTopic.optional(),
  /** The brokers' request and authorizer logs: who read what, exactly (docs/access-records.md). Off when absent. */
  accessLog: AccessLogSettings.optional(),
  /** Further clusters by name, beside (or instead of) the one KAFKA_BROKERS names, which is "default". */
  clusters: z.record(z.string(), ClusterSettings).superRefine((clusters, ctx) => {
    // Checked here rather than as the record's key schema, whose own message would replace ours.
    for (const name of Object.keys(clusters)) {
      const named = ClusterName.safeParse(name);
      if (!named.success) ctx.addIssue({ code: 'custom', path: [name], message: named.error.issues[0]!.message });
    }
  }).optional(),
  /** Detections kafka-ir runs on the access records, raising alerts into its own intake (docs/detections.md). Off when absent. */
  detections: DetectionSettings.optional(),
});
export type Settings = z.infer<typeof Settings>;

/** What the engine knows of one cluster: its name, how to reach it, its settings (the top level's, overridden by its own), its evidence folder. */
export interface ClusterConfig { name: string; kafka: KafkaSettings; settings: Settings; evidenceDir: string }

/** A cluster of `clusters:` as the engine uses it: its own keys over the top level's. */
export function clusterConfig(name: string, top: Settings, cluster: ClusterSettings, evidenceDir: string): ClusterConfig {
  const kafkaKeys = new Set(Object.keys(KafkaSettings.shape));
  const own = Object.fromEntries(Object.entries(cluster).filter(([k, v]) => v !== undefined && !kafkaKeys.has(k) && k !== 'evidenceDir'));
  // Records are per cluster: another cluster's brokers' files would answer for the wrong brokers.
  const { clusters: _all, accessLog: _records, ...shared } = top;
  // The connection settings' own schema keeps exactly its keys (whatever it grows), dropping the cluster's others.
  const kafka = KafkaSettings.parse(cluster);
  // A certificate problem then names this cluster's own key (clusters.<name>.ssl.ca), not a KAFKA_SSL_* variable.
  if (typeof kafka.ssl === 'object') kafka.ssl = { ...kafka.ssl, settingsPath: kafka.ssl.settingsPath ?? `clusters.${name}.ssl` };
  return { name, kafka, settings: { ...shared, ...own }, evidenceDir: cluster.evidenceDir ?? evidenceDir };
}

/** The classification label of a topic, if any (literal names win over prefixes). */
export function classificationOf(settings: Pick<Settings, 'classifications'>, topic: string): string | undefined {
  const literal = settings.classifications.find((c) => !c.topic.endsWith('*') && c.topic === topic);
  if (literal) return literal.label;
  return settings.classifications.find((c) => c.topic.endsWith('*') && topic.startsWith(c.topic.slice(0, -1)))?.label;
}
