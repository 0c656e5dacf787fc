// The machine's commands made real: phases, step work, approvals and escalations, the incident's end, and xstate's own raise/cancel.
import { log } from '@temporalio/workflow';
import { peopleOf } from '../src/model/people-of.js';
import { noticePeople } from '../src/model/notices.js';
import type { IncidentEvent, MachineCommand } from '../src/model/to-machine.js';
import { askedOf, askTimeoutMs, describeFrom, quorumOf } from '../src/model/approval-seats.js';
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
      case 'enterPhase': {
        const left = view.phase;
        view.phase = command.params.phase;
        state.record('phase', { phase: command.params.phase });
        state.communications.phaseChanged(left, command.params.phase);
        if (command.params.phase !== 'preparation') notifier.send({ kind: 'phase', incident: state.incidentNotice(), phase: command.params.phase });
        break;
      }
      case 'planStep': state.track(() => steps.plan(command.params.step)); break;
      case 'applyStep': state.track(() => steps.apply(command.params.step)); break;
      case 'runStep': state.track(() => steps.run(command.params.step)); break;
      case 'requestApproval': {
        const { step } = command.params;
        const approval = state.defs.get(step)!.approval!;
        const s = state.stepView(step);
        s.status = 'awaiting_approval';
        s.approvals = { quorum: quorumOf(approval), votes: [], waitingOn: waitingOn(approval, input.roster, [], input.requestedBy) };
        state.record('approval.requested', { step, from: describeFrom(approval), quorum: quorumOf(approval), timeout: approval.timeout, planHash: s.plan?.hash, people: s.approvals.waitingOn });
        // A dry run approves itself; a drill asks the real people.
        if (input.dryRun && !input.drill) state.events.push({ type: 'step.approved', step });
        else notifier.send({ kind: 'approval', incident: state.incidentNotice(), approval: state.approvalCard(step) });
        break;
      }
      case 'escalate': {
        const { step } = command.params;
        const approval = state.defs.get(step)!.approval!;
        const { to, canDecide } = approval.escalate!;
        const people = peopleOf(input.roster, to);
        const approvals = state.stepView(step).approvals;
        if (canDecide && approvals) {
          approvals.escalatedTo = people;
          approvals.waitingOn = waitingOn(approval, input.roster, approvals.votes, input.requestedBy, people);
        }
        state.record('approval.escalated', { step, to, people, ...(canDecide ? { canDecide: true } : {}) });
        notifier.send({ kind: 'escalated', incident: state.incidentNotice(), approval: state.approvalCard(step), to, people: noticePeople(input.roster, peopleOf(input.roster, to)) });
        log.warn('approval escalated', { incidentId: state.id, step, to });
        break;
      }
      case 'askOnFailure': {
        const { step } = command.params;
        const s = state.stepView(step);
        const def = state.defs.get(step)!;
        const waiting = askedOf(def.approval, input.roster);
        s.status = 'awaiting_answer';
        s.ask = { error: s.error ?? 'failed', waitingOn: waiting };
        state.record('failure.asked', { step, error: s.ask.error, waitingOn: waiting, timeoutMs: askTimeoutMs(def.approval) });
        notifier.send({ kind: 'approval', incident: state.incidentNotice(), approval: state.approvalCard(step) });
        break;
      }
      case 'endStep': {
        const { step, status } = command.params;
        const was = state.stepView(step).status;
        const waited = was === 'awaiting_approval' || was === 'awaiting_answer';
        if (status !== 'failed') state.stepView(step).status = status === 'rejected' ? 'rejected' : 'skipped';
        else if (was === 'awaiting_answer') state.stepView(step).status = 'failed';
        state.record('step.ended', { step, status });
        if (waited) state.refreshCard(step);
        break;
      }
      case 'closeIncident': {
        const left = view.phase;
        Object.assign(view, { status: 'closed', phase: 'closed', closedAt: now() });
        state.record('closed');
        state.communications.phaseChanged(left, 'closed');
        break;
      }
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
