// Structured settings from the KAFKA_IR_CONFIG YAML file: what an operator tunes beyond environment variables.
import { z } from 'zod';

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

export const Settings = z.strictObject({
  protectedPrincipals: z.array(z.string().regex(/^User:.+$/, 'a principal looks like "User:<name>"')).default([]),
  classifications: z.array(TopicClassification).default([]),
  secretSink: SecretSink.optional(),
  /** Run after a broker's replicas are drained, e.g. a firewall rule; {brokerId} and {host} are substituted. */
  fenceCommand: z.array(z.string().min(1)).min(1).optional(),
  /**
   * The brokers' authorizer settings, as set in their server.properties. Kafka reports super.users and
   * allow.everyone.if.no.acl.found as sensitive (value hidden) in DescribeConfigs, so they must be declared here.
   */
  authorizer: z.strictObject({
    superUsers: z.array(z.string().regex(/^User:.+$/, 'a principal looks like "User:<name>"')).default([]),
    /** Unset: unknown, and plans say what would happen if it were true. */
    allowEveryoneIfNoAclFound: z.boolean().optional(),
  }).default({ superUsers: [] }),
});
export type Settings = z.infer<typeof Settings>;

/** The classification label of a topic, if any (literal names win over prefixes). */
export function classificationOf(settings: Pick<Settings, 'classifications'>, topic: string): string | undefined {
  const literal = settings.classifications.find((c) => !c.topic.endsWith('*') && c.topic === topic);
  if (literal) return literal.label;
  return settings.classifications.find((c) => c.topic.endsWith('*') && topic.startsWith(c.topic.slice(0, -1)))?.label;
}
