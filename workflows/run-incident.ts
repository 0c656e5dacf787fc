// The incident interpreter: drives the runbook's pure xstate machine, feeding it events and performing its commands, and continues as new when history grows long.
import { allHandlersFinished, condition, continueAsNew, log, patched, workflowInfo, type WorkflowInfo } from '@temporalio/workflow';
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { startSealSubject, type Seal } from '../src/model/engine-seal.js';
import type { IncidentInput, IncidentView } from '../src/model/incident.js';
import { incidentId } from '../src/model/incident-id.js';
import { INCIDENT_LIMITS } from '../src/model/incident-limits.js';
import { groupsOf } from '../src/model/approval-seats.js';
import { incidentSummary } from '../src/model/notices.js';
import { toMachine } from '../src/model/to-machine.js';
import { archiveAtClose } from './archive-at-close.js';
import { handleMessages } from './handle-messages.js';
import { IncidentState, now, type CarriedState } from './incident-state.js';
import { perform } from './perform.js';
import { SealChecker, startProblem } from './seal-check.js';
import { Steps } from './steps.js';

export type RunIncidentInput = IncidentInput & {
  carried?: CarriedState;
  /** Continue-as-new once history passes this many events (Temporal's own suggestion also counts). */
  continueAsNewAfter?: number;
  /** The id's 8 hex digits, chosen by the intake before the start (it answered with the id); absent: the first run id's. */
  incidentTag?: string;
  /** The opening alert's place in the engine's intake log: its redelivery in a batch is not counted again. */
  intake?: { log: string; seq: number };
};

/** The incident's public id: the tag the intake chose and answered with, else (incidents started before it did) the first run id's. */
function idOf(input: RunIncidentInput, info: WorkflowInfo): string {
  const tag = typeof input === 'object' && input !== null ? input.incidentTag : undefined;
  return typeof tag === 'string' && /^[0-9a-f]{8}$/.test(tag) ? `${info.workflowId}-${tag}` : incidentId(info.workflowId, info.firstExecutionRunId);
}

/**
 * Why this run must not act, or undefined: a fresh start must carry the engine's seal over its input, made when it was
 * started; a run carrying state must have been continued from an earlier run (Temporal says so, a client cannot).
 */
async function admit(input: RunIncidentInput, seal: Seal | undefined, info: WorkflowInfo, seals: SealChecker, lean: boolean): Promise<string | undefined> {
  if (typeof input !== 'object' || input === null) return 'its input is not an incident';
  if (input.carried !== undefined) return info.continuedFromExecutionRunId ? undefined : "it carries an earlier run's state but no earlier run continued into it";
  const subject = startSealSubject(info.workflowId, input);
  return (lean ? startProblem : seals.problem.bind(seals))(subject, seal, info.runStartTime.getTime());
}

/** What a refused start leaves: an aborted incident whose timeline says why, having done nothing at all. */
function refusedStart(id: string, reason: string, view?: IncidentView): IncidentView {
  const at = now();
  const entry = { at, type: 'start.refused', reason: `not started by the engine: ${reason}` };
  if (!view) {
    return {
      id, runbook: { id: 'unknown', version: 0 }, subject: '', severity: 'low', status: 'aborted', phase: 'aborted', dryRun: false,
      openedAt: at, closedAt: at, alerts: 0, steps: [], timeline: [entry],
    };
  }
  Object.assign(view, { status: 'aborted', phase: 'aborted', closedAt: at });
  view.timeline.push(entry);
  return view;
}

export async function runIncident(input: RunIncidentInput, seal?: Seal): Promise<IncidentView> {
  const info = workflowInfo();
  const id = idOf(input, info);
  // Behind patched(): histories recorded before the seal and the bounds still replay as they ran. A run started since
  // records one marker (each costs two history events) for the seal, the bounds and the archive, and checks its own
  // start's seal within its first workflow task.
  const lean = patched('lean-start');
  const hardening = { sealed: lean || patched('sealed-requests'), bounded: lean || patched('bounded-state') };
  // Started before anything else, so a forged start is refused before any notice or Kafka action.
  const seals = hardening.sealed ? new SealChecker() : undefined;
  const admission = seals ? admit(input, seal, info, seals, lean) : undefined;
  let state: IncidentState;
  try {
    state = new IncidentState(input, id, input.carried, hardening);
  } catch (err) {
    // Only an input the engine did not make fails here; one it did make is a bug, and fails the task.
    const refused = await admission;
    if (!refused) throw err;
    log.warn('incident start refused', { incidentId: id, reason: refused });
    return refusedStart(id, refused);
  }
  state.admission = admission;
  state.seals = seals;
  const { view, events, notifier } = state;
  const steps = new Steps(state);
  handleMessages(state);
  if (admission) {
    const refused = await admission;
    if (refused) {
      log.warn('incident start refused', { incidentId: id, reason: refused });
      await condition(allHandlersFinished);
      return refusedStart(id, refused, view);
    }
    state.admission = undefined;
  }

  const machine = toMachine(input.runbook, input.alert.severity);
  let snapshot: SnapshotFrom<typeof machine>;
  if (input.carried) {
    snapshot = machine.resolveState(input.carried.machine);
    input.carried.timers.forEach((t) => state.timers.resume(t));
  } else {
    let commands;
    [snapshot, commands] = initialTransition(machine);
    log.info('incident opened', { incidentId: id, runbook: input.runbook.id });
    notifier.send({ kind: 'opened', incident: state.incidentNotice() });
    perform(state, steps, commands);
  }
  const limit = input.continueAsNewAfter ?? 10_000;
  const historyLong = () => {
    const { continueAsNewSuggested, historyLength, historySize } = workflowInfo();
    return continueAsNewSuggested || historyLength > limit || (hardening.bounded && historySize > INCIDENT_LIMITS.historyBytes);
  };
  while (snapshot.status !== 'done') {
    await condition(() => events.length > 0 || (historyLong() && state.settled()));
    if (events.length === 0) {
      // Quiet moment with a long history: start a fresh run carrying everything (nothing in flight, no event pending).
      await condition(allHandlersFinished);
      if (events.length === 0 && state.settled()) {
        const next = (): RunIncidentInput => ({ ...input, carried: state.carry({ value: snapshot.value, context: snapshot.context }) });
        // Temporal refuses a payload over 2 MB: carried state near that folds its timeline harder first.
        if (hardening.bounded && JSON.stringify(next()).length > INCIDENT_LIMITS.carriedBytes) state.compact({ entries: 50, bytes: 32 * 1024 });
        return continueAsNew<typeof runIncident>(next());
      }
      continue;
    }
    const event = events.shift()!;
    if (state.communications.handle(event)) continue;
    const [next, commands] = transition(machine, snapshot, event);
    snapshot = next;
    perform(state, steps, commands);
  }
  state.communications.end();
  if (view.status === 'aborted' && state.rollbackRequested && !input.dryRun) await steps.rollback();
  await condition(allHandlersFinished);
  // The plan's last messages and the pages' last answers are in the archived record: sent (or failed) before it. No
  // earlier incident had a plan or paged, so earlier histories replay as they ran.
  if (input.runbook.communications?.length || notifier.has('page')) await condition(() => notifier.idle());
  // Behind patched(): incidents that ended before the archive existed still replay.
  if (lean || patched('archive-at-close')) await archiveAtClose(view, (type, fields) => state.record(type, fields));
  notifier.send({ kind: 'closed', incident: state.incidentNotice(), summary: incidentSummary(view, (step) => { const a = state.approvalOf(step); return a ? groupsOf(a) : []; }) });
  await condition(() => notifier.idle());
  log.info('incident ended', { incidentId: id, status: view.status });
  return view;
}
