// Reads what happened out of a decoded history: activity executions (scheduled → closed) and updates (request → result).
import type { DecodedEvent, DecodedHistory } from '../model/decoded-history.js';

type Attrs = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- Temporal's proto JSON, read field by field

export interface ActivityFact {
  activity: string;
  /** The decoded first argument: a StepRequest, a ChangeRequest or the archive request. */
  request: { step?: string; changes?: unknown[] } & Record<string, unknown>;
  scheduledAt: string;
  closedAt?: string;
  attempts?: number;
  outcome: 'completed' | 'failed' | 'timed_out' | 'canceled' | 'running';
  result?: unknown;
  error?: string;
}

export interface UpdateFact {
  name: string;
  args: Record<string, unknown>;
  at: string;
  result?: Record<string, unknown>;
}

/** A signal the workflow received, e.g. a batch of alerts from the engine's intake log. */
export interface SignalFact {
  name: string;
  args: Record<string, unknown>;
  at: string;
}

export interface HistoryFacts {
  startedAt?: string;
  input?: Attrs;
  activities: ActivityFact[];
  updates: UpdateFact[];
  signals: SignalFact[];
}

/** History times carry nanoseconds; reports use milliseconds like the view. */
export const isoMs = (t: string): string => new Date(t).toISOString();

const attrsOf = (e: DecodedEvent, kind: string): Attrs | undefined => e[`${kind}EventAttributes`] as Attrs | undefined;

function failureMessage(failure: Attrs | undefined): string | undefined {
  if (!failure) return undefined;
  const own = (failure.encodedAttributes as Attrs | undefined)?.message ?? failure.message;
  const cause = failureMessage(failure.cause as Attrs | undefined);
  // Temporal wraps an activity's failure; the innermost message is the one a person can act on.
  return cause ?? (typeof own === 'string' ? own : undefined);
}

export function historyFacts(history: DecodedHistory): HistoryFacts {
  const facts: HistoryFacts = { activities: [], updates: [], signals: [] };
  const bySchedule = new Map<string, ActivityFact>();
  const byUpdate = new Map<string, UpdateFact>();
  // An update is stamped with the start of the workflow task that took it: the workflow's own clock, which the view's
  // times use too, so "bob voted" and "the step was applied" compare on one clock.
  let taskStartedAt: string | undefined;
  for (const e of history.events) {
    const at = isoMs(e.eventTime);
    let a: Attrs | undefined;
    if (attrsOf(e, 'workflowTaskStarted')) {
      taskStartedAt = at;
    } else if ((a = attrsOf(e, 'workflowExecutionStarted'))) {
      facts.startedAt ??= at;
      facts.input ??= (a.input?.payloads?.[0] ?? undefined) as Attrs | undefined;
    } else if ((a = attrsOf(e, 'activityTaskScheduled'))) {
      const fact: ActivityFact = { activity: a.activityType?.name ?? '?', request: a.input?.payloads?.[0] ?? {}, scheduledAt: at, outcome: 'running' };
      bySchedule.set(e.eventId, fact);
      facts.activities.push(fact);
    } else if ((a = attrsOf(e, 'activityTaskStarted'))) {
      const fact = bySchedule.get(String(a.scheduledEventId));
      if (fact) fact.attempts = Number(a.attempt ?? 1);
    } else if ((a = attrsOf(e, 'activityTaskCompleted'))) {
      const fact = bySchedule.get(String(a.scheduledEventId));
      if (fact) Object.assign(fact, { closedAt: at, outcome: 'completed', result: a.result?.payloads?.[0] });
    } else if ((a = attrsOf(e, 'activityTaskFailed'))) {
      const fact = bySchedule.get(String(a.scheduledEventId));
      if (fact) Object.assign(fact, { closedAt: at, outcome: 'failed', error: failureMessage(a.failure) });
    } else if ((a = attrsOf(e, 'activityTaskTimedOut'))) {
      const fact = bySchedule.get(String(a.scheduledEventId));
      if (fact) Object.assign(fact, { closedAt: at, outcome: 'timed_out', error: failureMessage(a.failure) ?? 'timed out' });
    } else if ((a = attrsOf(e, 'activityTaskCanceled'))) {
      const fact = bySchedule.get(String(a.scheduledEventId));
      if (fact) Object.assign(fact, { closedAt: at, outcome: 'canceled' });
    } else if ((a = attrsOf(e, 'workflowExecutionSignaled'))) {
      facts.signals.push({ name: a.signalName ?? '?', args: a.input?.payloads?.[0] ?? {}, at });
    } else if ((a = attrsOf(e, 'workflowExecutionUpdateAccepted'))) {
      const input = a.acceptedRequest?.input ?? {};
      const fact: UpdateFact = { name: input.name ?? '?', args: input.args?.payloads?.[0] ?? {}, at: taskStartedAt ?? at };
      byUpdate.set(a.acceptedRequest?.meta?.updateId ?? e.eventId, fact);
      facts.updates.push(fact);
    } else if ((a = attrsOf(e, 'workflowExecutionUpdateCompleted'))) {
      const fact = byUpdate.get(a.meta?.updateId);
      if (fact) fact.result = a.outcome?.success?.payloads?.[0] ?? { failure: failureMessage(a.outcome?.failure) };
    }
  }
  return facts;
}
