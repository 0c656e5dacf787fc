// Where kafka-ir finds the brokers' access records: log files (rotated, gzipped) and/or a Kafka topic a shipper fills.
import { z } from 'zod';
import { ByteSize } from './byte-size.js';
import { Duration } from './duration-schema.js';

const BrokerName = z.union([z.number().int().nonnegative(), z.string().min(1)]);

/**
 * Files of one broker. A path is a glob ("*", "?" within a name); a string entry must name its broker with
 * "{broker}" in the path ("/logs/kafka-{broker}/kafka-*.log*"), which matches one directory or file name part.
 */
export const AccessLogFiles = z.union([
  z.string().min(1).refine((p) => p.includes('{broker}'), {
    message: 'a path must say which broker wrote it: put {broker} where the path names it, or use { broker: 1, paths: [...] }',
  }),
  z.strictObject({ broker: BrokerName, paths: z.array(z.string().min(1)).min(1) }),
]);
export type AccessLogFiles = z.infer<typeof AccessLogFiles>;

export const AccessLogTopic = z.strictObject({
  /** One log line per message: the line itself, or a shipper's JSON envelope {"message": …} / {"log": …}. */
  name: z.string().min(1),
  /** Which broker wrote a message: its key (default), or a field of the envelope ("host.name", "log.file.path"). */
  broker: z.union([z.literal('key'), z.strictObject({ field: z.string().min(1), pattern: z.string().min(1).optional() })]).default('key'),
});
export type AccessLogTopic = z.infer<typeof AccessLogTopic>;

export const AccessLogSettings = z.strictObject({
  files: z.array(AccessLogFiles).default([]),
  topic: AccessLogTopic.optional(),
  /** Broker names as paths or envelopes give them → node ids (a name that is a number is the id itself). */
  brokers: z.record(z.string(), z.number().int().nonnegative()).default({}),
  /** UTC offset of times written without one (Kafka's stock pattern "[%d]" writes the broker's local time). */
  timeZone: z.string().regex(/^(Z|UTC|[+-]\d{2}:?\d{2})$/, 'a time zone is "UTC" or an offset like "+02:00"').default('UTC'),
  /** Longer lines are counted as truncated and skipped. */
  maxLineBytes: ByteSize.default('4MiB'),
  /** How long to wait for every broker's probe line to arrive through a shipper before calling the window's end uncovered. */
  probeWait: Duration.default('30s'),
}).refine((s) => s.files.length > 0 || s.topic !== undefined, { message: 'name files, a topic, or both' });
export type AccessLogSettings = z.infer<typeof AccessLogSettings>;

/** Milliseconds to add to a local time written without an offset to get UTC. */
export function timeZoneOffsetMs(zone: string): number {
  if (zone === 'UTC' || zone === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (!m) throw new Error(`not a time zone offset: ${zone}`);
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return (m[1] === '+' ? -1 : 1) * minutes * 60_000;
}
