// Structured settings from the KAFKA_IR_CONFIG YAML file: what an operator tunes beyond environment variables.
import { z } from 'zod';
import { Duration } from './duration.js';
import { AccessLogSettings } from './access-log-settings.js';
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

export const Settings = z.strictObject({
  protectedPrincipals: z.array(z.string().regex(/^User:.+$/, 'a principal looks like "User:<name>"')).default([]),
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
  baseline: z.strictObject({ every: Duration }).optional(),
  /**
   * The brokers' authorizer settings, as set in their server.properties. Kafka reports super.users and
   * allow.everyone.if.no.acl.found as sensitive (value hidden) in DescribeConfigs, so they must be declared here.
   */
  authorizer: z.strictObject({
    superUsers: z.array(z.string().regex(/^User:.+$/, 'a principal looks like "User:<name>"')).default([]),
    /** Unset: unknown, and plans say what would happen if it were true. */
    allowEveryoneIfNoAclFound: z.boolean().optional(),
  }).default({ superUsers: [] }),
  alertmanager: AlertMapping.optional(),
  intake: IntakeTopic.optional(),
  /** The brokers' request and authorizer logs: who read what, exactly (docs/access-records.md). Off when absent. */
  accessLog: AccessLogSettings.optional(),
  /** Detections kafka-ir runs on the access records, raising alerts into its own intake (docs/detections.md). Off when absent. */
  detections: DetectionSettings.optional(),
});
export type Settings = z.infer<typeof Settings>;

/** The classification label of a topic, if any (literal names win over prefixes). */
export function classificationOf(settings: Pick<Settings, 'classifications'>, topic: string): string | undefined {
  const literal = settings.classifications.find((c) => !c.topic.endsWith('*') && c.topic === topic);
  if (literal) return literal.label;
  return settings.classifications.find((c) => c.topic.endsWith('*') && topic.startsWith(c.topic.slice(0, -1)))?.label;
}
