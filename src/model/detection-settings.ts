// Settings of the detections kafka-ir runs on the brokers' access records (docs/detections.md): which rules, how they judge.
import { z } from 'zod';
import { Severity } from './alert.js';
import { Duration } from './duration-schema.js';

const RuleBase = (severity: z.infer<typeof Severity>) => ({ enabled: z.boolean().default(true), severity: Severity.default(severity) });

/** A time span in which security changes are planned: grants and new users inside it raise nothing. */
export const ChangeWindow = z.strictObject({
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
  /** Who may make the changes; absent: anyone. */
  principals: z.array(z.string().regex(/^User:.+$/, 'a principal looks like "User:<name>"')).optional(),
  reason: z.string().optional(),
}).refine((w) => Date.parse(w.from) < Date.parse(w.to), { message: 'a change window ends after it begins' });
export type ChangeWindow = z.infer<typeof ChangeWindow>;

export const DetectionSettings = z.strictObject({
  /** How often the records are read for new lines. */
  every: Duration.default('30s'),
  /** What "never seen" looks back on: learned from the records at start, then kept up to date. */
  baselineWindow: Duration.default('7d'),
  /** Principals never alerted on, besides kafka-ir's own and protectedPrincipals (your automation). */
  ignorePrincipals: z.array(z.string()).default([]),
  changeWindows: z.array(ChangeWindow).default([]),
  rules: z.strictObject({
    /** A principal is delivered records of a classified topic it did not read in the baseline window → data-exfiltration. */
    classifiedFirstRead: z.strictObject(RuleBase('high')).prefault({}),
    /** A principal reads from a host or with a client id it did not use in the baseline window → compromised-credentials. */
    newReadSource: z.strictObject({ ...RuleBase('medium'), hosts: z.boolean().default(true), clientIds: z.boolean().default(true) }).prefault({}),
    /** A SCRAM user created, or an ALLOW binding for every operation or on a wildcard, outside a change window → unauthorized-access. */
    securityChange: z.strictObject(RuleBase('high')).prefault({}),
    /** `minDenied` refusals of a resource, then an allowed operation on it within `within` → unauthorized-access. */
    deniedThenAllowed: z.strictObject({ ...RuleBase('medium'), minDenied: z.number().int().min(1).default(3), within: Duration.default('10m') }).prefault({}),
  }).prefault({}),
});
export type DetectionSettings = z.infer<typeof DetectionSettings>;
export type DetectionRuleName = keyof DetectionSettings['rules'];
