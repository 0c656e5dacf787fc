// The runbook schema (docs/design.md §3): what a security team writes in YAML, validated before anything runs.
import { z } from 'zod';
import { Severity } from './alert.js';
import { ActionName } from './actions.js';
import { Duration } from './duration-schema.js';
import { PHASES } from './runbook-steps.js';

export const Phase = z.enum(PHASES);
export type Phase = z.infer<typeof Phase>;

const StepId = z.string().regex(/^[a-z][a-z0-9-]*$/, 'a step id is lower-case letters, digits and dashes, starting with a letter');

/** A team's seats on an approval: `count` approvals must come from members of `group` (a person fills one seat only). */
export const GroupSeats = z.strictObject({
  group: z.string().min(1),
  count: z.number().int().min(1).default(1),
});
export type GroupSeats = z.infer<typeof GroupSeats>;

export const Approval = z.strictObject({
  /** Groups whose members may vote: a name (no seat of its own), or `{ group, count }` (that many approvals from it). */
  from: z.array(z.union([z.string().min(1), GroupSeats])).min(1),
  /** Distinct approvals in all; default: the sum of the groups' counts, or 1. */
  quorum: z.number().int().min(1).optional(),
  timeout: Duration,
  escalate: z.strictObject({
    after: Duration,
    to: z.array(z.string().min(1)).min(1),
    /** Once escalated, the people of `to` may vote too, each filling any seat still open. */
    canDecide: z.boolean().optional(),
  }).optional(),
  onTimeout: z.enum(['abort', 'skip', 'proceed']).default('abort'),
});
export type Approval = z.infer<typeof Approval>;
const StepCommon = {
  id: StepId,
  approval: Approval.optional(),
  safe: z.boolean().default(false),
  onFailure: z.enum(['abort', 'continue', 'ask']).default('abort'),
};

export const ActionStep = z.strictObject({
  ...StepCommon,
  action: ActionName,
  with: z.record(z.string(), z.unknown()).default({}),
});

/** Lifts an earlier change step by applying its recorded inverse (recovery). */
export const UndoStep = z.strictObject({
  ...StepCommon,
  undo: StepId,
});
export type UndoStep = z.infer<typeof UndoStep>;

export const Step = z.union([ActionStep, UndoStep]);
export type Step = z.infer<typeof Step>;

/** Steps that run at the same time; the phase moves on once every one of them is over. */
export const ParallelGroup = z.strictObject({
  parallel: z.array(Step).min(2, 'a parallel group needs at least two steps'),
});
export type ParallelGroup = z.infer<typeof ParallelGroup>;

export const PhaseItem = z.union([Step, ParallelGroup]);
export type PhaseItem = z.infer<typeof PhaseItem>;

/** When a message is sent: a phase starting or done (the next one started, or the incident closed from it). */
export const MessageTrigger = z.string().regex(
  new RegExp(`^(${PHASES.join('|')})\\.(started|done)$`),
  `"on" is <phase>.started or <phase>.done, with a phase among ${PHASES.join(', ')}`,
);

/** One message of the communication plan: to audiences of the roster, at a phase, optionally after an approval. */
export const Communication = z.strictObject({
  id: StepId,
  on: MessageTrigger,
  to: z.array(z.string().min(1)).min(1),
  subject: z.string().min(1).max(200).optional(),
  /** Templates over alert and incident data (${incident.id}, ${alert.subject.principal}…). */
  text: z.string().min(1).max(3000),
  /** A message that needs approval is a decision: it is sent once approved, never on timeout. */
  approval: Approval.optional(),
});
export type Communication = z.infer<typeof Communication>;

export const Runbook = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'a runbook id is lower-case letters, digits and dashes'),
  version: z.number().int().min(1),
  title: z.string().min(1),
  description: z.string().optional(),
  match: z.strictObject({
    kind: z.array(z.string().min(1)).min(1),
    severity: z.array(Severity).min(1).default([...Severity.options]),
  }),
  priority: z.number().int().default(0),
  /**
   * The severities at which a step whose approval times out may go ahead unanswered (`onTimeout: proceed`); at any
   * other severity such a timeout aborts. A runbook with a `proceed` step must say.
   */
  unattended: z.strictObject({ severity: z.array(Severity).min(1) }).optional(),
  subject: z.enum(['principal', 'clientId', 'brokerId', 'host']),
  phases: z.strictObject(Object.fromEntries(PHASES.map((p) => [p, z.array(PhaseItem).optional()])) as {
    [P in Phase]: z.ZodOptional<z.ZodArray<typeof PhaseItem>>;
  }),
  /** The communication plan: who is told what, and when (runbooks/README.md, "Communication plan"). */
  communications: z.array(Communication).optional(),
});
export type Runbook = z.infer<typeof Runbook>;
