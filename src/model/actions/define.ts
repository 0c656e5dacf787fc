// How an action is declared: its kind, a one-line summary for runbook authors, zod schemas for input and output (how the
// workflow treats it is in ../action-facts.ts).
import type { z } from 'zod';

export interface ActionSpec<K extends 'change' | 'read', I extends z.ZodType, O extends z.ZodType> {
  /** "change": plan, then apply, and undo by the recorded inverse; "read": run once, changes nothing. */
  kind: K;
  /** A change whose plan records no inverse: it cannot be undone, so it never runs unapproved (`onTimeout: proceed`). */
  irreversible?: true;
  summary: string;
  input: I;
  output: O;
}

export function action<K extends 'change' | 'read', I extends z.ZodType, O extends z.ZodType>(spec: ActionSpec<K, I, O>) {
  return spec;
}
