// The incident interpreter: drives the runbook's pure xstate machine, feeding it events and performing its commands, and continues as new when history grows long.
import { allHandlersFinished, condition, continueAsNew, log, patched, workflowInfo } from '@temporalio/workflow';
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { incidentId, type IncidentInput, type IncidentView } from '../src/model/incident.js';
import { incidentSummary } from '../src/model/notices.js';
import { toMachine } from '../src/model/to-machine.js';
import { archiveAtClose } from './archive-at-close.js';
import { handleMessages } from './handle-messages.js';
import { IncidentState, type CarriedState } from './incident-state.js';
import { perform } from './perform.js';
import { Steps } from './steps.js';

export type RunIncidentInput = IncidentInput & {
  carried?: CarriedState;
  /** Continue-as-new once history passes this many events (Temporal's own suggestion also counts). */
  continueAsNewAfter?: number;
};

export async function runIncident(input: RunIncidentInput): Promise<IncidentView> {
  const info = workflowInfo();
  const state = new IncidentState(input, incidentId(info.workflowId, info.firstExecutionRunId), input.carried);
  const { id, view, events, notifier } = state;
  const steps = new Steps(state);
  handleMessages(state);

  const machine = toMachine(input.runbook);
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
  const historyLong = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > limit;
  while (snapshot.status !== 'done') {
    await condition(() => events.length > 0 || (historyLong() && state.settled()));
    if (events.length === 0) {
      // Quiet moment with a long history: start a fresh run carrying everything (nothing in flight, no event pending).
      await condition(allHandlersFinished);
      if (events.length === 0 && state.settled()) {
        return continueAsNew<typeof runIncident>({ ...input, carried: state.carry({ value: snapshot.value, context: snapshot.context }) });
      }
      continue;
    }
    const [next, commands] = transition(machine, snapshot, events.shift()!);
    snapshot = next;
    perform(state, steps, commands);
  }
  if (view.status === 'aborted' && state.rollbackRequested && !input.dryRun) await steps.rollback();
  await condition(allHandlersFinished);
  // Behind patched(): incidents that ended before the archive existed still replay.
  if (patched('archive-at-close')) await archiveAtClose(view, (type, fields) => state.record(type, fields));
  notifier.send({ kind: 'closed', incident: state.incidentNotice(), summary: incidentSummary(view) });
  await condition(() => notifier.idle());
  log.info('incident ended', { incidentId: id, status: view.status });
  return view;
}
