// The machine's commands made real: phases, step work, approvals and escalations, the incident's end, and xstate's own raise/cancel.
import { log } from '@temporalio/workflow';
import { peopleOf } from '../src/model/roster.js';
import { noticePeople } from '../src/model/notices.js';
import type { IncidentEvent, MachineCommand } from '../src/model/to-machine.js';
import { waitingOn } from './decision-policy.js';
import { now, type IncidentState } from './incident-state.js';
import type { Steps } from './steps.js';

type XstateCommand =
  | { type: 'xstate.raise'; params: { event: IncidentEvent; id: string; delay?: number } }
  | { type: 'xstate.cancel'; params: { sendId: string } };

export function perform(state: IncidentState, steps: Steps, commands: readonly { type: string; params?: unknown }[]): void {
  const { input, view, notifier, timers } = state;
  for (const command of commands as (MachineCommand | XstateCommand)[]) {
    switch (command.type) {
      case 'enterPhase':
        view.phase = command.params.phase;
        state.record('phase', { phase: command.params.phase });
        if (command.params.phase !== 'preparation') notifier.send({ kind: 'phase', incident: state.incidentNotice(), phase: command.params.phase });
        break;
      case 'planStep': state.track(() => steps.plan(command.params.step)); break;
      case 'applyStep': state.track(() => steps.apply(command.params.step)); break;
      case 'runStep': state.track(() => steps.run(command.params.step)); break;
      case 'requestApproval': {
        const { step } = command.params;
        const approval = state.defs.get(step)!.approval!;
        const s = state.stepView(step);
        s.status = 'awaiting_approval';
        s.approvals = { quorum: approval.quorum, votes: [], waitingOn: waitingOn(approval, input.roster, [], input.requestedBy) };
        state.record('approval.requested', { step, from: approval.from, quorum: approval.quorum, timeout: approval.timeout, planHash: s.plan?.hash });
        if (input.dryRun) state.events.push({ type: 'step.approved', step });
        else notifier.send({ kind: 'approval', incident: state.incidentNotice(), approval: state.approvalCard(step) });
        break;
      }
      case 'escalate': {
        const { step } = command.params;
        const to = state.defs.get(step)!.approval!.escalate!.to;
        state.record('approval.escalated', { step, to, people: peopleOf(input.roster, to) });
        notifier.send({ kind: 'escalated', incident: state.incidentNotice(), approval: state.approvalCard(step), to, people: noticePeople(input.roster, peopleOf(input.roster, to)) });
        log.warn('approval escalated', { incidentId: state.id, step, to });
        break;
      }
      case 'endStep': {
        const { step, status } = command.params;
        const waited = state.stepView(step).status === 'awaiting_approval';
        if (status !== 'failed') state.stepView(step).status = status === 'rejected' ? 'rejected' : 'skipped';
        state.record('step.ended', { step, status });
        if (waited) state.refreshCard(step);
        break;
      }
      case 'closeIncident':
        Object.assign(view, { status: 'closed', phase: 'closed', closedAt: now() });
        state.record('closed');
        break;
      case 'abortIncident':
        Object.assign(view, { status: 'aborted', phase: 'aborted', closedAt: now() });
        state.record('aborted');
        break;
      case 'xstate.raise':
        if (command.params.delay === undefined) state.events.push(command.params.event);
        else timers.start(command.params.id, command.params.event, command.params.delay);
        break;
      case 'xstate.cancel': timers.cancel(command.params.sendId); break;
    }
  }
}
