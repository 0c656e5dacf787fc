// Broker and cluster-state actions: isolate a broker, verify cluster health, and the security baseline (snapshot, diff).
import { z } from 'zod';
import { BaselineDiff } from '../baseline.js';
import { ByteSize } from '../byte-size.js';
import { ApplyResult } from '../plan.js';
import { action } from './define.js';

export const PartitionState = z.object({
  topic: z.string(),
  partition: z.number().int(),
  leader: z.number().int(),
  replicas: z.array(z.number().int()),
  isr: z.array(z.number().int()),
});
export type PartitionState = z.infer<typeof PartitionState>;

export const HealthReport = z.object({
  brokers: z.number().int(),
  /** Partitions whose in-sync replicas are fewer than their replicas. */
  underReplicated: z.array(PartitionState),
  /** Partitions without a leader: unavailable to clients. */
  offline: z.array(PartitionState),
  probe: z.object({ ok: z.boolean(), latencyMs: z.number().optional(), error: z.string().optional() }).optional(),
  healthy: z.boolean(),
  /** What makes the cluster unhealthy, one line each (empty when healthy). */
  problems: z.array(z.string()),
});
export type HealthReport = z.infer<typeof HealthReport>;

export const BaselineRef = z.object({
  /** Path of the snapshot file under `${evidenceDir}/baselines/`. */
  ref: z.string(),
  sha256: z.string(),
  counts: z.object({ acls: z.number().int(), scramUsers: z.number().int(), quotas: z.number().int(), configs: z.number().int() }),
});
export type BaselineRef = z.infer<typeof BaselineRef>;

export const clusterActions = {
  'kafka.broker.isolate': action({
    kind: 'change',
    summary: "Move every replica (and so leadership) off a broker, cap its client connections with per-broker configs, and run the site's fence command.",
    input: z.strictObject({
      brokerId: z.number().int().nonnegative(),
      /** Drop replicas even where that leaves a partition below its topic's min.insync.replicas. */
      force: z.boolean().default(false),
      /** Only these topics (default: every topic, internal ones included). */
      topics: z.array(z.string().min(1)).min(1).optional(),
      /** Broker-wide caps (KIP-402, KIP-612); they never apply to the inter-broker listener. */
      maxConnections: z.number().int().nonnegative().default(10),
      maxConnectionCreationRate: z.number().int().nonnegative().default(1),
      /**
       * Replication throttle per second (KIP-73) for the moves, on every broker involved, lifted once they are done;
       * 0 for none. Only replicas still catching up are throttled, never those in sync.
       */
      replicationThrottle: z.union([z.literal(0), ByteSize]).default('50MiB'),
    }),
    output: ApplyResult,
  }),
  'kafka.health.verify': action({
    kind: 'read',
    summary: 'Brokers up, no under-replicated or offline partitions, and an optional produce/consume probe.',
    input: z.strictObject({
      /** Expected number of live brokers. */
      brokers: z.number().int().positive().optional(),
      /** A topic the engine may write to and read from; no probe without it. */
      probeTopic: z.string().min(1).optional(),
      /** Fail (retryably, so Temporal waits for recovery) when the cluster is not healthy. */
      expectHealthy: z.boolean().default(false),
    }),
    output: HealthReport,
  }),
  'kafka.baseline.snapshot': action({
    kind: 'read',
    summary: 'Record the security state (ACLs, SCRAM users, delegation tokens, quotas, dynamic configs, topics, groups) to the evidence store.',
    input: z.strictObject({}),
    output: BaselineRef,
  }),
  'kafka.baseline.diff': action({
    kind: 'read',
    summary: 'What changed in the security state since a baseline (the last one before a time, the latest, or a ref): a second view for the backdoor hunt.',
    input: z.strictObject({
      /** A snapshot's ref, or 'latest'. */
      baseline: z.string().min(1).default('latest'),
      /** With 'latest': the last baseline taken at or before this time (the window's start), else the earliest after it. */
      before: z.iso.datetime({ offset: true }).optional(),
      /** When given, the baseline file must still have this SHA-256. */
      sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
    }),
    output: BaselineDiff,
  }),
};
