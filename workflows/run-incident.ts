// The incident interpreter: drives the runbook's pure xstate machine and turns its commands into activities, timers and waits.
import {
  ActivityFailure, ApplicationFailure, CancellationScope, allHandlersFinished, condition, isCancellation, log, setHandler,
  sleep, workflowInfo,
} from '@temporalio/workflow';
import { initialTransition, transition } from 'xstate';
import { incidentId, type IncidentInput, type IncidentView, type StepView } from '../src/model/incident.js';
import type { Change } from '../src/model/plan.js';
import { isUndoStep, stepsOf, type Step } from '../src/model/runbook.js';
import { resolveTemplates, type TemplateScope } from '../src/model/template.js';
import { toMachine, type IncidentEvent, type MachineCommand } from '../src/model/to-machine.js';
import { applyChanges, dispatch } from './dispatch.js';
import { addNote, attachAlert, incidentView } from './messages.js';

type XstateCommand =
  | { type: 'xstate.raise'; params: { event: IncidentEvent; id: string; delay?: number } }
  | { type: 'xstate.cancel'; params: { sendId: string } };

const now = () => new Date().toISOString();

/** The message a person should read: an activity's own failure, not Temporal's wrapper. */
function reason(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}

export async function runIncident(input: IncidentInput): Promise<IncidentView> {
  const info = workflowInfo();
  const id = incidentId(info.workflowId, info.firstExecutionRunId);
  const defs = new Map<string, Step>(stepsOf(input.runbook).map(({ step }) => [step.id, step]));
  const view: IncidentView = {
    id,
    runbook: { id: input.runbook.id, version: input.runbook.version },
    subject: input.subject,
    severity: input.alert.severity,
    status: 'open',
    phase: 'preparation',
    dryRun: input.dryRun,
    openedAt: now(),
    alerts: 1,
    steps: stepsOf(input.runbook).map(({ phase, step }) => ({
      id: step.id, phase, action: isUndoStep(step) ? `undo:${step.undo}` : step.action, status: 'pending',
    })),
    timeline: [{ at: now(), type: 'alert', alertKey: input.alertKey, kind: input.alert.kind, summary: input.alert.summary, source: input.alert.source }],
  };
  const seenAlertKeys = new Set([input.alertKey]);
  let startAcknowledged = false;
  const events: IncidentEvent[] = [];
  const timers = new Map<string, CancellationScope>();
  /** Inverses recorded before each apply, in apply order: what recovery and rollback undo. */
  const undoLog: { step: string; inverse: Change[] }[] = [];
  const outputs: TemplateScope['steps'] = {};

  const record = (type: string, fields: Record<string, unknown> = {}) => view.timeline.push({ at: now(), type, ...fields });
  const stepView = (step: string): StepView => view.steps.find((s) => s.id === step)!;
  const scope = (): TemplateScope => ({
    alert: input.alert,
    incident: { id, subject: input.subject, severity: view.severity, openedAt: view.openedAt, dryRun: input.dryRun },
    steps: outputs,
  });
  const fail = (step: string, err: unknown) => {
    const s = stepView(step);
    s.status = 'failed';
    s.error = reason(err);
    record('step.failed', { step, error: s.error });
    log.warn('step failed', { incidentId: id, step, error: s.error });
    events.push({ type: 'step.failed', step });
  };
  const finish = (step: string, output: unknown) => {
    const s = stepView(step);
    s.status = input.dryRun && s.plan ? 'planned' : 'done';
    s.output = output;
    outputs[step] = { output };
    record('step.done', { step, status: s.status });
    events.push({ type: 'step.done', step });
  };

  setHandler(incidentView, () => view);
  setHandler(
    attachAlert,
    ({ alert, alertKey }) => {
      if (seenAlertKeys.has(alertKey)) {
        // The first delivery of the alert that started this run answers "started"; any later copy is a duplicate.
        const started = alertKey === input.alertKey && !startAcknowledged;
        if (started) startAcknowledged = true;
        return { id, status: started ? 'started' : 'duplicate' };
      }
      seenAlertKeys.add(alertKey);
      view.alerts += 1;
      record('alert', { alertKey, kind: alert.kind, summary: alert.summary, source: alert.source });
      return { id, status: 'attached' };
    },
    {
      validator: (delivery) => {
        if (typeof delivery?.alertKey !== 'string' || typeof delivery.alert?.kind !== 'string') {
          throw new Error('an alert delivery needs { alert, alertKey }');
        }
      },
    },
  );
  setHandler(
    addNote,
    (note) => {
      record(note.lessons ? 'lessons' : 'note', { person: note.person, channel: note.channel, text: note.text });
      if (note.lessons) events.push({ type: 'lessons.recorded' });
      return { accepted: true };
    },
    { validator: (note) => { if (typeof note?.text !== 'string' || note.text.trim() === '') throw new Error('a note needs text'); } },
  );

  async function planStep(step: string): Promise<void> {
    const def = defs.get(step)!;
    if (isUndoStep(def)) throw ApplicationFailure.nonRetryable(`step ${step} has no plan`);
    const s = stepView(step);
    s.status = 'running';
    try {
      const plan = await dispatch[def.action].plan({ incidentId: id, step, input: resolveTemplates(def.with, scope()) });
      s.plan = plan;
      s.status = 'planned';
      record('step.planned', { step, summary: plan.summary, hash: plan.hash, changes: plan.changes.length });
      events.push({ type: 'step.planned', step, noop: plan.changes.length === 0 });
    } catch (err) {
      fail(step, err);
    }
  }

  async function applyStep(step: string): Promise<void> {
    const s = stepView(step);
    const plan = s.plan!;
    if (input.dryRun) {
      record('step.dry-run', { step, hash: plan.hash, summary: 'dry run: stopped at the plan' });
      return finish(step, { changed: [], alreadyInPlace: 0 });
    }
    s.status = 'running';
    undoLog.push({ step, inverse: plan.inverse });
    record('step.applying', { step, hash: plan.hash });
    try {
      finish(step, await applyChanges({ incidentId: id, step, changes: plan.changes }));
    } catch (err) {
      fail(step, err);
    }
  }

  async function runStep(step: string): Promise<void> {
    const def = defs.get(step)!;
    stepView(step).status = 'running';
    record('step.running', { step });
    try {
      if (!isUndoStep(def)) throw ApplicationFailure.nonRetryable(`action ${def.action} has no runner`);
      const entry = undoLog.find((u) => u.step === def.undo);
      if (!entry) {
        return finish(step, { undone: def.undo, changed: [], note: `step ${def.undo} changed nothing, so there is nothing to undo` });
      }
      const result = input.dryRun ? { changed: [], alreadyInPlace: 0 } : await applyChanges({ incidentId: id, step, changes: entry.inverse });
      if (!input.dryRun) stepView(def.undo).status = 'undone';
      finish(step, { undone: def.undo, ...result });
    } catch (err) {
      fail(step, err);
    }
  }

  function perform(commands: readonly { type: string; params?: unknown }[]): void {
    for (const command of commands as (MachineCommand | XstateCommand)[]) {
      switch (command.type) {
        case 'enterPhase':
          view.phase = command.params.phase;
          record('phase', { phase: command.params.phase });
          break;
        case 'planStep': void planStep(command.params.step); break;
        case 'applyStep': void applyStep(command.params.step); break;
        case 'runStep': void runStep(command.params.step); break;
        case 'requestApproval':
          stepView(command.params.step).status = 'awaiting_approval';
          record('approval.requested', { step: command.params.step });
          if (input.dryRun) events.push({ type: 'step.approved', step: command.params.step });
          break;
        case 'escalate': record('approval.escalated', { step: command.params.step }); break;
        case 'endStep': {
          const { step, status } = command.params;
          if (status !== 'failed') stepView(step).status = status === 'rejected' ? 'rejected' : 'skipped';
          record('step.ended', { step, status });
          break;
        }
        case 'closeIncident':
          view.status = 'closed';
          view.phase = 'closed';
          view.closedAt = now();
          record('closed');
          break;
        case 'abortIncident':
          view.status = 'aborted';
          view.phase = 'aborted';
          view.closedAt = now();
          record('aborted');
          break;
        case 'xstate.raise': {
          const { event, id: timerId, delay } = command.params;
          if (delay === undefined) { events.push(event); break; }
          const timer = new CancellationScope();
          timers.set(timerId, timer);
          timer.run(() => sleep(delay)).then(
            () => { timers.delete(timerId); events.push(event); },
            (err: unknown) => { if (!isCancellation(err)) throw err; },
          );
          break;
        }
        case 'xstate.cancel':
          timers.get(command.params.sendId)?.cancel();
          timers.delete(command.params.sendId);
          break;
      }
    }
  }

  const machine = toMachine(input.runbook);
  let [snapshot, commands] = initialTransition(machine);
  log.info('incident opened', { incidentId: id, runbook: input.runbook.id });
  perform(commands);
  while (snapshot.status !== 'done') {
    await condition(() => events.length > 0);
    [snapshot, commands] = transition(machine, snapshot, events.shift()!);
    perform(commands);
  }
  await condition(allHandlersFinished);
  log.info('incident ended', { incidentId: id, status: view.status });
  return view;
}
