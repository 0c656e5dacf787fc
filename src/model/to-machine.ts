// Compiles a runbook into a pure xstate v5 machine: the machine says what may happen next; the workflow makes it happen.
import { assign, setup } from 'xstate';
import { ACTION_FACTS } from './action-facts.js';
import { askTimeoutMs } from './approval-seats.js';
import { durationMs } from './duration.js';
import type { Severity } from './alert.js';
import type { Phase, Runbook, Step } from './runbook.js';
import { PHASES, isParallel, isUndoStep } from './runbook-steps.js';

export interface IncidentContext {
  /** A kafka.access.verify step passed: eradication may start. */
  verified: boolean;
  /** The lessons-learned record arrived: the incident may close. */
  lessons: boolean;
  /** An incident commander forced the incident past a process gate. */
  forced: boolean;
}

export type IncidentEvent =
  | { type: 'step.planned'; step: string; noop: boolean }
  | { type: 'step.done'; step: string }
  | { type: 'step.failed'; step: string }
  /** A verification done where brokers answered, unconfirmed on others: over, but it verifies nothing. */
  | { type: 'step.unconfirmed'; step: string }
  | { type: 'step.approved'; step: string }
  | { type: 'step.rejected'; step: string }
  /** Someone answered a failed step's question (`onFailure: ask`). */
  | { type: 'step.answered'; step: string; answer: 'retry' | 'skip' | 'abort' }
  | { type: 'lessons.recorded' }
  | { type: 'incident.forceAdvance' }
  | { type: 'incident.abort' }
  /** A communication plan's message was not approved in time (workflows/communications.ts; never given to the machine). */
  | { type: 'message.timeout'; step: string };

/** The commands the machine hands the workflow (params resolved by xstate). */
export type MachineCommand =
  | { type: 'enterPhase'; params: { phase: Phase } }
  | { type: 'planStep'; params: { step: string } }
  | { type: 'applyStep'; params: { step: string } }
  | { type: 'runStep'; params: { step: string } }
  | { type: 'requestApproval'; params: { step: string } }
  | { type: 'escalate'; params: { step: string } }
  | { type: 'askOnFailure'; params: { step: string } }
  | { type: 'endStep'; params: { step: string; status: 'skipped' | 'rejected' | 'timed_out' | 'failed' } }
  | { type: 'closeIncident' }
  | { type: 'abortIncident' };

const noop = () => {};

const incident = setup({
  types: {} as { context: IncidentContext; events: IncidentEvent },
  actions: {
    enterPhase: noop, planStep: noop, applyStep: noop, runStep: noop, requestApproval: noop,
    escalate: noop, askOnFailure: noop, endStep: noop, closeIncident: noop, abortIncident: noop,
    markVerified: assign({ verified: true }),
    markLessons: assign({ lessons: true }),
    markForced: assign({ forced: true }),
  },
  guards: {
    isStep: ({ event }, params: { step: string }) => 'step' in event && event.step === params.step,
    isAnswer: ({ event }, params: { step: string; answer: string }) =>
      event.type === 'step.answered' && event.step === params.step && event.answer === params.answer,
    isNoopPlan: ({ event }, params: { step: string }) =>
      event.type === 'step.planned' && event.step === params.step && event.noop,
    verified: ({ context }) => context.verified,
    lessonsRecorded: ({ context }) => context.lessons,
  },
});

const ABORTED = '#incident.aborted';

/** What a runbook's `onTimeout: proceed` does at this severity: its `unattended` rule may turn it into an abort. */
function timeoutOutcome(runbook: Runbook, onTimeout: 'abort' | 'skip' | 'proceed', severity: Severity | undefined) {
  const rule = runbook.unattended;
  return onTimeout === 'proceed' && rule && severity && !rule.severity.includes(severity) ? 'abort' : onTimeout;
}

/** The state config of one step; `next` is the id of the state to go to once it is over. */
function stepState(runbook: Runbook, step: Step, next: string, severity?: Severity) {
  const p = { step: step.id };
  const is = { type: 'isStep', params: p } as const;
  const asks = step.onFailure === 'ask';
  // `ask`: a failure waits for someone to answer retry (back to `retry`), skip or abort; a rejection still aborts.
  const failed = (status: 'failed' | 'rejected', retry?: string) => (asks && status === 'failed' && retry
    ? { guard: is, target: `asked-${retry}` }
    : {
      guard: is,
      target: step.onFailure === 'continue' ? next : ABORTED,
      actions: { type: 'endStep', params: { ...p, status } } as const,
    });
  const asked = (retry: string) => ({
    entry: { type: 'askOnFailure', params: p },
    after: { [askTimeoutMs(step.approval)]: { target: ABORTED, actions: { type: 'endStep', params: { ...p, status: 'failed' } } } },
    on: {
      'step.answered': [
        { guard: { type: 'isAnswer', params: { ...p, answer: 'retry' } }, target: retry },
        { guard: { type: 'isAnswer', params: { ...p, answer: 'skip' } }, target: next, actions: { type: 'endStep', params: { ...p, status: 'skipped' } } },
        { guard: { type: 'isAnswer', params: { ...p, answer: 'abort' } }, target: ABORTED, actions: { type: 'endStep', params: { ...p, status: 'failed' } } },
      ],
    },
  });
  const isChange = !isUndoStep(step) && ACTION_FACTS[step.action].kind === 'change';
  const doing = isChange ? 'applying' : 'running';
  const verifies = !isUndoStep(step) && (step.action as string) === 'kafka.access.verify';
  const done = { guard: is, target: next, actions: verifies ? ['markVerified' as const] : [] };
  // Only a verification can end unconfirmed (brokers silent past the wait): over, but it verifies nothing.
  const unconfirmed = verifies ? { 'step.unconfirmed': { guard: is, target: next } } : {};

  const states: Record<string, unknown> = {};
  if (isChange) {
    states.planning = {
      entry: { type: 'planStep', params: p },
      on: {
        'step.planned': [
          { guard: { type: 'isNoopPlan', params: p }, target: 'applying' },
          { guard: is, target: step.approval ? 'awaiting' : 'applying' },
        ],
        'step.failed': failed('failed', 'planning'),
      },
    };
    if (asks) states['asked-planning'] = asked('planning');
  }
  if (step.approval) {
    const a = step.approval;
    const outcome = timeoutOutcome(runbook, a.onTimeout, severity);
    const onTimeout =
      outcome === 'proceed' ? { target: doing } :
      outcome === 'skip' ? { target: next, actions: { type: 'endStep', params: { ...p, status: 'skipped' } } } :
      { target: ABORTED, actions: { type: 'endStep', params: { ...p, status: 'timed_out' } } };
    states.awaiting = {
      entry: { type: 'requestApproval', params: p },
      after: {
        ...(a.escalate ? { [durationMs(a.escalate.after)]: { actions: { type: 'escalate', params: p } } } : {}),
        [durationMs(a.timeout)]: onTimeout,
      },
      on: { 'step.approved': { guard: is, target: doing }, 'step.rejected': failed('rejected') },
    };
  }
  states[doing] = {
    entry: { type: isChange ? 'applyStep' : 'runStep', params: p },
    on: { 'step.done': done, 'step.failed': failed('failed', doing), ...unconfirmed },
  };
  if (asks) states[`asked-${doing}`] = asked(doing);
  return { initial: isChange ? 'planning' : step.approval ? 'awaiting' : doing, states };
}

/** A parallel group: one region per step, each ending in a final state; the group is over when all are. */
function parallelState(runbook: Runbook, steps: Step[], base: string, next: string, severity?: Severity) {
  return {
    type: 'parallel',
    states: Object.fromEntries(steps.map((step) => [step.id, {
      initial: 'work',
      states: { work: stepState(runbook, step, `${base}.${step.id}.end`, severity), end: { type: 'final' } },
    }])),
    onDone: next,
  };
}

function phaseState(runbook: Runbook, phase: Phase, next: string, severity?: Severity) {
  const items = runbook.phases[phase] ?? [];
  // Process guards (docs/design.md §1): eradication waits for verified containment; close waits for the lessons record.
  const gate =
    phase === 'containment' && (runbook.phases.eradication?.length ?? 0) > 0
      ? { always: { guard: 'verified', target: 'complete' }, on: { 'incident.forceAdvance': { target: 'complete', actions: 'markForced' } } }
      : phase === 'lessons' && runbook.phases.lessons !== undefined
        ? { always: { guard: 'lessonsRecorded', target: 'complete' }, on: { 'incident.forceAdvance': { target: 'complete', actions: 'markForced' } } }
        : undefined;
  const keys = items.map((item, i) => (isParallel(item) ? `group-${i + 1}` : item.id));
  const order = [...keys, ...(gate ? ['gate'] : []), 'complete'];
  const states: Record<string, unknown> = { complete: { type: 'final' } };
  items.forEach((item, i) => {
    const base = `#incident.${phase}.${keys[i]!}`;
    const next = `#incident.${phase}.${order[i + 1]!}`;
    states[keys[i]!] = isParallel(item) ? parallelState(runbook, item.parallel, base, next, severity) : stepState(runbook, item, next, severity);
  });
  if (gate) states.gate = gate;
  return {
    initial: order[0],
    entry: { type: 'enterPhase', params: { phase } },
    states,
    onDone: next,
  };
}

/** `severity`: the incident's, which the runbook's `unattended` rule judges `onTimeout: proceed` by. */
export function toMachine(runbook: Runbook, severity?: Severity) {
  const states: Record<string, unknown> = {};
  PHASES.forEach((phase, i) => { states[phase] = phaseState(runbook, phase, PHASES[i + 1] ?? 'closed', severity); });
  states.closed = { type: 'final', entry: 'closeIncident' };
  states.aborted = { type: 'final', entry: 'abortIncident' };
  return incident.createMachine({
    id: 'incident',
    initial: 'preparation',
    context: { verified: false, lessons: false, forced: false },
    on: {
      'incident.abort': { target: '.aborted' },
      'lessons.recorded': { actions: 'markLessons' },
    },
    // The step configs are built from data; xstate validates targets when the machine is created.
    states: states as never,
  });
}

export type IncidentMachine = ReturnType<typeof toMachine>;
