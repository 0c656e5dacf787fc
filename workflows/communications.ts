// The runbook's communication plan: each message sent when its phase starts or is done, after its approval when it needs
// one (a decision like a step's, through the same decide path); every message sent, and to whom, goes in the timeline.
import { describeFrom, quorumOf } from '../src/model/approval-seats.js';
import { durationMs } from '../src/model/duration.js';
import type { Communication, Phase } from '../src/model/runbook.js';
import { resolveTemplates } from '../src/model/template.js';
import type { IncidentEvent } from '../src/model/to-machine.js';
import { waitingOn } from './decision-policy.js';
import type { IncidentState } from './incident-state.js';

/** A message's draft, as its approval card shows it and as it is sent. */
export interface MessageDraft { to: string[]; subject?: string; text: string }

export class Communications {
  private readonly plan: readonly Communication[];

  constructor(private readonly state: IncidentState) {
    this.plan = state.input.runbook.communications ?? [];
  }

  /** The incident left `left` (done) for `entered` (started; `closed` and `aborted` start nothing). Only a close ends a phase as done. */
  phaseChanged(left: string | undefined, entered: string): void {
    if (this.plan.length === 0) return;
    const due = [
      ...(left && left !== entered && entered !== 'aborted' ? [`${left}.done`] : []),
      `${entered}.started`,
    ];
    for (const message of this.plan) if (due.includes(message.on)) this.trigger(message);
  }

  /** Whether the event is a message's (its approval, rejection or timeout): those never reach the machine. */
  handle(event: IncidentEvent): boolean {
    if (!('step' in event)) return false;
    const message = this.plan.find((m) => m.id === event.step);
    if (!message) return false;
    const s = this.state.view.steps.find((x) => x.id === message.id);
    if (s?.status !== 'awaiting_approval') return true;
    this.state.timers.cancel(timerId(message.id));
    if (event.type === 'step.approved') this.send(message, s.output as MessageDraft);
    else {
      const timedOut = event.type === 'message.timeout';
      s.status = timedOut ? 'skipped' : 'rejected';
      this.state.record('message.unsent', { message: message.id, reason: timedOut ? `not approved within ${message.approval!.timeout}` : 'rejected' });
    }
    this.state.refreshCard(message.id);
    return true;
  }

  /** The incident ended: a message still waiting for approval is not sent. */
  end(): void {
    for (const message of this.plan) {
      const s = this.state.view.steps.find((x) => x.id === message.id);
      if (s?.status !== 'awaiting_approval') continue;
      this.state.timers.cancel(timerId(message.id));
      s.status = 'skipped';
      this.state.record('message.unsent', { message: message.id, reason: `the incident ${this.state.view.status} before it was approved` });
      this.state.refreshCard(message.id);
    }
  }

  private trigger(message: Communication): void {
    const { state } = this;
    if (state.view.steps.some((s) => s.id === message.id)) return; // once per incident
    let draft: MessageDraft;
    try {
      const resolved = resolveTemplates({ subject: message.subject, text: message.text }, state.scope()) as { subject?: string; text: string };
      draft = { to: message.to, text: resolved.text, ...(resolved.subject ? { subject: resolved.subject } : {}) };
    } catch (err) {
      state.record('message.unsent', { message: message.id, reason: err instanceof Error ? err.message : String(err) });
      return;
    }
    const phase = message.on.split('.')[0] as Phase;
    if (!message.approval) {
      state.view.steps.push({ id: message.id, phase, action: 'message', status: 'running', output: draft });
      return this.send(message, draft);
    }
    const { approval } = message;
    state.view.steps.push({
      id: message.id, phase, action: 'message', status: 'awaiting_approval', output: draft,
      approvals: { quorum: quorumOf(approval), votes: [], waitingOn: waitingOn(approval, state.input.roster, [], state.input.requestedBy) },
    });
    state.record('approval.requested', { step: message.id, from: describeFrom(approval), quorum: quorumOf(approval), timeout: approval.timeout, message: true });
    state.timers.start(timerId(message.id), { type: 'message.timeout', step: message.id }, durationMs(approval.timeout));
    if (state.input.dryRun) state.events.push({ type: 'step.approved', step: message.id });
    else state.notifier.send({ kind: 'approval', incident: state.incidentNotice(), approval: state.approvalCard(message.id) });
  }

  /** One notice per audience and channel; each is recorded once its channel has sent it. */
  private send(message: Communication, draft: MessageDraft): void {
    const { state } = this;
    const s = state.view.steps.find((x) => x.id === message.id)!;
    s.status = 'done';
    if (state.input.dryRun) {
      state.record('message.dry-run', { message: message.id, to: draft.to, text: draft.text, note: 'dry run: not sent' });
      return;
    }
    const { notifier } = state;
    const incident = state.incidentNotice();
    for (const audience of draft.to) {
      const where = state.input.roster.audiences?.[audience];
      const routes = [
        ...(where?.slack ? [{ channel: 'slack' as const, to: where.slack }] : []),
        ...(where?.email ? [{ channel: 'email' as const, to: where.email.join(', ') }] : []),
      ];
      for (const route of routes) {
        if (!notifier.has(route.channel)) {
          state.record('message.unsent', { message: message.id, audience, channel: route.channel, reason: `${route.channel} is not configured on the engine` });
          continue;
        }
        notifier.send({
          kind: 'message', incident, channel: route.channel, step: message.id, text: draft.text, audience,
          ...(draft.subject ? { subject: draft.subject } : {}),
          ...(route.channel === 'slack' ? { slackChannel: where!.slack! } : { to: where!.email! }),
        }, () => state.record('message.sent', { message: message.id, audience, channel: route.channel, to: route.to, text: draft.text }));
      }
    }
  }
}

const timerId = (message: string) => `message-timeout:${message}`;
