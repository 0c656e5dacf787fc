// How an action is declared: its kind, a one-line summary for runbook authors, zod schemas for input and output, and how the workflow treats it.
import type { z } from 'zod';
import type { ChannelName } from '../notice.js';

export interface ActionSpec<K extends 'change' | 'read', I extends z.ZodType, O extends z.ZodType> {
  /** "change": plan, then apply, and undo by the recorded inverse; "read": run once, changes nothing. */
  kind: K;
  /** A change whose plan records no inverse: it cannot be undone, so it never runs unapproved (`onTimeout: proceed`). */
  irreversible?: true;
  summary: string;
  input: I;
  output: O;
  /**
   * The action checks that earlier steps' changes hold (containment). A dry run applies nothing, so the check would fail
   * by construction: the step is skipped, and its output says so with this sentence.
   */
  verifiesContainment?: { dryRunNote: string };
  /**
   * The resolved input names nothing to work on (an earlier step found nothing): the step is skipped with this sentence
   * instead of failing on its input.
   */
  nothingToDo?: (input: Record<string, unknown>) => string | undefined;
  /** The action is one of the incident's own notices on this channel, sent in order with its others, not by an activity. */
  notice?: ChannelName;
  /** Entries the step adds to the incident's timeline from its output (the hunt names each follow-up incident it raised). */
  timelineOf?: (output: z.output<O>) => TimelineAddition[];
}

export interface TimelineAddition { type: string; fields: Record<string, unknown> }

export function action<K extends 'change' | 'read', I extends z.ZodType, O extends z.ZodType>(spec: ActionSpec<K, I, O>) {
  return spec;
}
