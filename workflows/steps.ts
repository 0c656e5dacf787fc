// A step's work: plan, apply (recording the inverse first), run, undo, and rollback of everything applied; each ends in a machine event.
import { ActivityFailure, ApplicationFailure, condition, log, patched } from '@temporalio/workflow';
import { ACTION_FACTS, nothingToDo, timelineAdditions } from '../src/model/action-facts.js';
import { isUndoStep } from '../src/model/runbook-steps.js';
import { resolveTemplates } from '../src/model/template.js';
import { NOTICE_CHANNELS, type ChannelName } from '../src/model/notice.js';
import { brokerWaitMs, describeUnconfirmed, unconfirmedOf } from '../src/model/broker-wait.js';
import type { BrokerWait } from '../src/model/unconfirmed-broker.js';
import { awaitBrokers } from './await-brokers.js';
import { applyChanges, plannerOf, runnerOf } from './dispatch.js';
import type { IncidentState } from './incident-state.js';

/** The message a person should read: an activity's own failure, not Temporal's wrapper. */
function reason(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}

export class Steps {
  constructor(private readonly state: IncidentState) {}

  async plan(step: string): Promise<void> {
    const { state } = this;
    const def = state.defs.get(step)!;
    if (isUndoStep(def)) throw ApplicationFailure.nonRetryable(`step ${step} has no plan`);
    const s = state.stepView(step);
    s.status = 'running';
    try {
      const plan = await plannerOf(def.action)({ ...state.about(step), input: resolveTemplates(def.with, state.scope()) });
      s.plan = plan;
      s.status = 'planned';
      state.record('step.planned', { step, summary: plan.summary, hash: plan.hash, changes: plan.changes.length });
      state.events.push({ type: 'step.planned', step, noop: plan.changes.length === 0 });
    } catch (err) {
      this.fail(step, err);
    }
  }

  async apply(step: string): Promise<void> {
    const { state } = this;
    const s = state.stepView(step);
    const plan = s.plan!;
    if (state.input.dryRun) {
      state.record('step.dry-run', { step, hash: plan.hash, summary: 'dry run: stopped at the plan' });
      return this.finish(step, { changed: [], alreadyInPlace: 0 });
    }
    s.status = 'running';
    // A retried apply (`onFailure: ask`) records its inverse once.
    const recorded = state.undoLog.findIndex((u) => u.step === step);
    if (recorded >= 0) state.undoLog.splice(recorded, 1);
    state.undoLog.push({ step, inverse: plan.inverse });
    state.record('step.applying', { step, hash: plan.hash });
    try {
      this.finish(step, await applyChanges({ ...state.about(step), changes: plan.changes }));
    } catch (err) {
      this.fail(step, err);
    }
  }

  async run(step: string): Promise<void> {
    const { state } = this;
    const { dryRun } = state.input;
    const def = state.defs.get(step)!;
    state.stepView(step).status = 'running';
    state.record('step.running', { step });
    try {
      if (!isUndoStep(def)) {
        const { verifiesContainment, notice } = ACTION_FACTS[def.action];
        // Nothing was applied, so there is nothing to verify: the real check would fail by construction.
        if (dryRun && verifiesContainment) return this.skip(step, verifiesContainment.dryRunNote);
        if (notice) return this.finish(step, this.notify(step, notice, resolveTemplates(def.with, state.scope()) as Record<string, unknown>));
        const request = { ...state.about(step), input: resolveTemplates(def.with, state.scope()) };
        // Such a step used to run (and fail on its input): histories from before keep that activity.
        const idle = nothingToDo(def.action, request.input);
        if (idle && patched('skip-nothing-to-do')) return this.skip(step, idle);
        const ask = () => runnerOf(def.action)(request);
        const output = await ask();
        // Only the view's timeline grows; the marker is asked for only when there is something to add, which no history
        // recorded before the hunt's follow-ups can have.
        const additions = timelineAdditions(def.action, output);
        if (additions.length && patched('timeline-additions')) for (const entry of additions) state.record(entry.type, { step, ...entry.fields });
        // Only outputs that name silent brokers take this path, and none did before it existed.
        if (unconfirmedOf(output).length && patched('wait-for-silent-brokers')) {
          const waited = await awaitBrokers(state, step, output, ask, brokerWaitMs(request.input));
          return waited.unconfirmed.length ? this.unconfirmed(step, waited.output, waited.unconfirmed) : this.finish(step, waited.output);
        }
        return this.finish(step, output);
      }
      if (dryRun) return this.skip(step, `skipped (dry run): step ${def.undo} was only planned, so there is nothing to undo`);
      const entry = state.undoLog.find((u) => u.step === def.undo);
      if (!entry) {
        return this.finish(step, { undone: def.undo, changed: [], note: `step ${def.undo} changed nothing, so there is nothing to undo` });
      }
      const result = await applyChanges({ ...state.about(step), changes: entry.inverse });
      state.stepView(def.undo).status = 'undone';
      state.undoLog.splice(state.undoLog.indexOf(entry), 1);
      this.finish(step, { undone: def.undo, ...result });
    } catch (err) {
      this.fail(step, err);
    }
  }

  /** Abort with rollback: every recorded inverse, newest first, once nothing is still applying. */
  async rollback(): Promise<void> {
    const { state } = this;
    const { undoLog } = state;
    await condition(() => state.inFlight === 0);
    state.record('rollback.started', { steps: undoLog.map((u) => u.step).reverse() });
    while (undoLog.length) {
      const entry = undoLog[undoLog.length - 1]!;
      try {
        const result = await applyChanges({ ...state.about(entry.step), changes: entry.inverse });
        state.stepView(entry.step).status = 'undone';
        state.record('step.undone', { step: entry.step, changed: result.changed.length });
      } catch (err) {
        state.record('rollback.failed', { step: entry.step, error: reason(err) });
        log.error('rollback failed', { ...state.about(entry.step), error: reason(err) });
        return;
      }
      undoLog.pop();
    }
    state.record('rollback.done');
  }

  /** A runbook's own notice: queued in order with the incident's others; a channel that is off is said so. */
  private notify(step: string, channel: ChannelName, given: Record<string, unknown>): { queued: boolean; note?: string } {
    const { notifier } = this.state;
    if (!notifier.has(channel)) return { queued: false, note: `${NOTICE_CHANNELS.find((c) => c.name === channel)!.label} is not configured: nothing was sent` };
    const { text, subject, to } = given as { text: string; subject?: string; to?: string[] };
    notifier.send({ kind: 'message', incident: this.state.incidentNotice(), channel, step, text, ...(subject ? { subject } : {}), ...(to ? { to } : {}) });
    return { queued: true };
  }

  private fail(step: string, err: unknown): void {
    const { state } = this;
    const s = state.stepView(step);
    s.status = 'failed';
    s.error = reason(err);
    state.record('step.failed', { step, error: s.error });
    log.warn('step failed', { ...state.about(step), error: s.error });
    state.notifier.send({ kind: 'step', incident: state.incidentNotice(), step, action: s.action, status: 'failed', detail: s.error });
    state.events.push({ type: 'step.failed', step });
  }

  /** Done where brokers answered, silent elsewhere past the wait: over, but verifying nothing; people decide what next. */
  private unconfirmed(step: string, output: unknown, waits: BrokerWait[]): void {
    const { state } = this;
    const s = state.stepView(step);
    s.status = 'unconfirmed';
    s.output = output;
    state.outputs[step] = { output };
    const detail = describeUnconfirmed(waits);
    state.record('step.unconfirmed', { step, brokers: waits, detail });
    log.warn('step unconfirmed', { ...state.about(step), brokers: waits.map((w) => w.id) });
    state.notifier.send({ kind: 'step', incident: state.incidentNotice(), step, action: s.action, status: 'unconfirmed', detail });
    state.events.push({ type: 'step.unconfirmed', step });
  }

  /** Over without running: a dry run left nothing for it to act on, or an earlier step found nothing. The machine moves on as after "done". */
  private skip(step: string, reason: string): void {
    const { state } = this;
    const s = state.stepView(step);
    s.status = 'skipped';
    s.note = reason;
    state.record('step.skipped', { step, reason });
    state.notifier.send({ kind: 'step', incident: state.incidentNotice(), step, action: s.action, status: 'done', detail: reason });
    state.events.push({ type: 'step.done', step });
  }

  private finish(step: string, output: unknown): void {
    const { state } = this;
    const s = state.stepView(step);
    s.status = state.input.dryRun && s.plan ? 'planned' : 'done';
    s.output = output;
    // A step retried after a failure (`onFailure: ask`) that now succeeded carries no error.
    if (s.error !== undefined) delete s.error;
    state.outputs[step] = { output };
    state.record('step.done', { step, status: s.status });
    state.notifier.send({ kind: 'step', incident: state.incidentNotice(), step, action: s.action, status: 'done', detail: s.plan?.summary ?? 'done' });
    state.events.push({ type: 'step.done', step });
  }
}
