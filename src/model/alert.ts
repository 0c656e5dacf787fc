// The generic alert (docs/design.md §6): the one shape every intake maps into before a runbook is chosen.
import { z } from 'zod';

export const Severity = z.enum(['low', 'medium', 'high', 'critical']);
export type Severity = z.infer<typeof Severity>;

export const Principal = z
  .string()
  .regex(/^User:.+$/, 'a Kafka principal looks like "User:<name>"')
  .refine((p) => p !== 'User:*', 'the wildcard principal "User:*" cannot be the subject of an incident');
export type Principal = z.infer<typeof Principal>;

export const AlertSubject = z.strictObject({
  principal: Principal.optional(),
  clientId: z.string().min(1).optional(),
  host: z.string().min(1).optional(),
  topics: z.array(z.string().min(1)).optional(),
  brokerId: z.number().int().nonnegative().optional(),
  cluster: z.string().min(1).optional(),
});
export type AlertSubject = z.infer<typeof AlertSubject>;

export const Alert = z.object({
  kind: z.string().min(1),
  severity: Severity,
  summary: z.string().min(1),
  source: z.string().min(1),
  observedAt: z.iso.datetime({ offset: true }),
  subject: AlertSubject,
  labels: z.record(z.string(), z.string()).optional(),
  fingerprint: z.string().min(1).optional(),
});
export type Alert = z.infer<typeof Alert>;
