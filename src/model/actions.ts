// The action catalogue: every runbook action, its input and output schemas, and whether it changes Kafka (plan → apply → undo).
import { z } from 'zod';
import { Principal } from './alert.js';
import { ApplyResult } from './plan.js';

interface ActionSpec<K extends 'change' | 'read', I extends z.ZodType, O extends z.ZodType> {
  /** "change": plan, then apply, and undo by the recorded inverse; "read": run once, changes nothing. */
  kind: K;
  summary: string;
  input: I;
  output: O;
}

function action<K extends 'change' | 'read', I extends z.ZodType, O extends z.ZodType>(spec: ActionSpec<K, I, O>) {
  return spec;
}

export const actionCatalogue = {
  'kafka.acl.deny': action({
    kind: 'change',
    summary: 'DENY ALL for a principal on every topic, group and transactional id and on the cluster (optionally from one host).',
    input: z.strictObject({
      principal: Principal,
      host: z.string().min(1).default('*'),
      force: z.boolean().default(false),
    }),
    output: ApplyResult,
  }),
} as const;

export type ActionName = keyof typeof actionCatalogue;
export const ActionName = z.enum(Object.keys(actionCatalogue) as [ActionName, ...ActionName[]]);
export type ActionInput<A extends ActionName> = z.output<(typeof actionCatalogue)[A]['input']>;
export type ActionOutput<A extends ActionName> = z.output<(typeof actionCatalogue)[A]['output']>;

export function isActionName(name: string): name is ActionName {
  return Object.hasOwn(actionCatalogue, name);
}
