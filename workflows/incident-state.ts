// What an incident knows while it runs, shared by its handlers, steps and commands, and carried whole across continue-as-new.
import { log } from '@temporalio/workflow';
import type { StateValue } from 'xstate';
import type { IncidentInput, IncidentView, StepView } from '../src/model/incident.js';
import type { Change } from '../src/model/plan.js';
import { isUndoStep, stepsOf, type Step } from '../src/model/runbook.js';
import type { TemplateScope } from '../src/model/template.js';
import type { IncidentContext, IncidentEvent } from '../src/model/to-machine.js';
import { approvalNotice, noticeIncident } from '../src/model/notices.js';
import type { ApprovalNotice, NoticeIncident, NoticeRefs } from '../src/model/notice.js';
import { Notifier } from './notify.js';
import { Timers, type PendingTimer } from './timers.js';

/** The incident's state between two runs of its chain. */
export interface CarriedState {
  view: IncidentView;
  seenAlertKeys: string[];
  startAcknowledged: boolean;
  undoLog: { step: string; inverse: Change[] }[];
  outputs: TemplateScope['steps'];
  machine: { value: StateValue; context: IncidentContext };
  timers: PendingTimer[];
  rollbackRequested: boolean;
  /** Where the incident's Slack thread and approval cards are. */
  noticeRefs?: NoticeRefs;
  /** Email link nonces already used: a link decides once. */
  usedNonces?: string[];
}

export const now = () => new Date().toISOString();

function newView(input: IncidentInput, id: string): IncidentView {
  return {
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
}

export class IncidentState {
  readonly defs: Map<string, Step>;
  readonly view: IncidentView;
  readonly seenAlertKeys: Set<string>;
  startAcknowledged: boolean;
  rollbackRequested: boolean;
  /** Inverses recorded before each apply, in apply order: what recovery and rollback undo. */
  readonly undoLog: CarriedState['undoLog'];
  readonly outputs: TemplateScope['steps'];
  readonly usedNonces: Set<string>;
  /** Events for the machine, oldest first: from handlers, finished steps and timers. */
  readonly events: IncidentEvent[] = [];
  readonly timers = new Timers((event) => this.events.push(event));
  readonly notifier: Notifier;
  private tasks = 0;

  constructor(readonly input: IncidentInput, readonly id: string, carried?: CarriedState) {
    this.defs = new Map(stepsOf(input.runbook).map(({ step }) => [step.id, step]));
    this.view = carried?.view ?? newView(input, id);
    this.seenAlertKeys = new Set(carried?.seenAlertKeys ?? [input.alertKey]);
    this.startAcknowledged = carried?.startAcknowledged ?? false;
    this.rollbackRequested = carried?.rollbackRequested ?? false;
    this.undoLog = carried?.undoLog ?? [];
    this.outputs = carried?.outputs ?? {};
    this.usedNonces = new Set(carried?.usedNonces ?? []);
    this.notifier = new Notifier(input.notify, carried?.noticeRefs ?? { cards: {} }, (channel, kind, error) => {
      this.record('notify.failed', { channel, kind, error });
      log.warn('notification failed', { incidentId: id, channel, kind, error });
    });
  }

  record(type: string, fields: Record<string, unknown> = {}): void {
    this.view.timeline.push({ at: now(), type, ...fields });
  }

  stepView(step: string): StepView {
    return this.view.steps.find((s) => s.id === step)!;
  }

  /** What a step's `with` templates may name: the alert, the incident, and earlier steps' outputs. */
  scope(): TemplateScope {
    const { input, view } = this;
    return {
      alert: input.alert,
      incident: { id: this.id, subject: input.subject, severity: view.severity, openedAt: view.openedAt, dryRun: input.dryRun },
      steps: this.outputs,
    };
  }

  incidentNotice(): NoticeIncident {
    return noticeIncident(this.view, this.input.alert);
  }

  /** The approval card now; `state` says the outcome of a vote whose event the machine has not processed yet. */
  approvalCard(step: string, state?: ApprovalNotice['state']): ApprovalNotice {
    return approvalNotice(this.view, this.stepView(step), this.defs.get(step)!.approval!, this.input.roster, this.input.alert, state);
  }

  refreshCard(step: string, state?: ApprovalNotice['state']): void {
    if (this.notifier.enabled && this.defs.get(step)?.approval && this.stepView(step).approvals) {
      this.notifier.send({ kind: 'decision', incident: this.incidentNotice(), approval: this.approvalCard(step, state) });
    }
  }

  /** Runs an activity-backed task, counted so continue-as-new and rollback wait for it. */
  track(task: () => Promise<void>): void {
    this.tasks += 1;
    void task().finally(() => { this.tasks -= 1; });
  }

  /** Activity-backed tasks still running: continue-as-new and rollback wait for none. */
  get inFlight(): number {
    return this.tasks;
  }

  /** No step task running and no notice queued: safe to roll back, continue as new, or end. */
  settled(): boolean {
    return this.inFlight === 0 && this.notifier.idle();
  }

  carry(machine: CarriedState['machine']): CarriedState {
    const { notifier, usedNonces } = this;
    return {
      view: this.view, seenAlertKeys: [...this.seenAlertKeys], startAcknowledged: this.startAcknowledged, undoLog: this.undoLog,
      outputs: this.outputs, machine, timers: this.timers.pending(), rollbackRequested: this.rollbackRequested,
      ...(notifier.enabled ? { noticeRefs: notifier.refs } : {}), ...(usedNonces.size ? { usedNonces: [...usedNonces] } : {}),
    };
  }
}
