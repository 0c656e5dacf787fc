// What an incident knows while it runs, shared by its handlers, steps and commands, and carried whole across continue-as-new.
import { log } from '@temporalio/workflow';
import type { StateValue } from 'xstate';
import type { AlertSample, IncidentInput, IncidentView, StepView, TimelineEntry } from '../src/model/incident.js';
import type { RefusalSample } from '../src/model/incident-requests.js';
import { alertSample, clipFields, INCIDENT_LIMITS as LIMITS } from '../src/model/incident-limits.js';
import { compactTimeline, entryBytes } from '../src/model/compact-timeline.js';
import type { Change } from '../src/model/plan.js';
import type { Step } from '../src/model/runbook.js';
import { isUndoStep, stepsOf } from '../src/model/runbook-steps.js';
import type { TemplateScope } from '../src/model/template.js';
import type { IncidentContext, IncidentEvent } from '../src/model/to-machine.js';
import { approvalNotice, askNotice, noticeIncident } from '../src/model/notices.js';
import { askedOf } from '../src/model/approval-seats.js';
import type { ApprovalNotice, NoticeIncident, NoticeRefs } from '../src/model/notice.js';
import type { Approval } from '../src/model/runbook.js';
import { Communications } from './communications.js';
import { Notifier } from './notify.js';
import { DEFAULT_CLUSTER } from '../src/model/clusters.js';
import type { SealChecker } from './seal-check.js';
import type { RunIncidentInput } from './run-incident.js';
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
  /** Reports of refused requests listed in the timeline so far (the rest are only counted in the view). */
  listedRefusals?: number;
  /** The latest sealed updates answered, by update id: a client's retry on the next run gets the same answer. */
  answered?: [string, { accepted: boolean; reason?: string }][];
  /** Per intake log, the sequence number of the last alert counted from it. */
  intakeMarks?: Record<string, number>;
}

/**
 * What this run does beyond the first recorded histories, each behind its own `patched()` so those still replay:
 * `sealed` checks the engine's seal on its start and on updates carrying a person or a decision; `bounded` lists at
 * most 10 refusal reports and continues as new on history bytes and carried size too.
 */
export interface Hardening { sealed: boolean; bounded: boolean }

export const now = () => new Date().toISOString();

function newView(input: IncidentInput, id: string): IncidentView {
  return {
    id,
    runbook: { id: input.runbook.id, version: input.runbook.version },
    subject: input.subject,
    cluster: input.cluster ?? DEFAULT_CLUSTER,
    severity: input.alert.severity,
    status: 'open',
    phase: 'preparation',
    dryRun: input.dryRun,
    ...(input.drill ? { drill: true } : {}),
    openedAt: now(),
    alerts: 1,
    steps: stepsOf(input.runbook).map(({ phase, step }) => ({
      id: step.id, phase, action: isUndoStep(step) ? `undo:${step.undo}` : step.action, status: 'pending',
    })),
    timeline: [{ type: 'alert', ...alertSample(now(), input.alertKey, input.alert) }],
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
  readonly communications: Communications;
  /** The check of the start's seal while it runs: handlers wait for it, and refuse everything if the start was not the engine's. */
  admission?: Promise<string | undefined>;
  /** Checks the engine's seal on updates, in a run that requires it. */
  seals?: SealChecker;
  /** Refusal reports listed in the timeline so far. */
  listedRefusals: number;
  /** Sealed updates answered, by update id, the latest few hundred (see `answer`). */
  readonly answered: Map<string, { accepted: boolean; reason?: string }>;
  /** Per intake log, the sequence number of the last alert counted from it (one entry per engine data directory). */
  readonly intakeMarks: Record<string, number>;
  private tasks = 0;
  private timelineBytes: number;

  constructor(readonly input: IncidentInput, readonly id: string, carried?: CarriedState, readonly hardening: Hardening = { sealed: false, bounded: false }) {
    this.defs = new Map(stepsOf(input.runbook).map(({ step }) => [step.id, step]));
    this.view = carried?.view ?? newView(input, id);
    this.seenAlertKeys = new Set(carried?.seenAlertKeys ?? [input.alertKey]);
    this.startAcknowledged = carried?.startAcknowledged ?? false;
    this.rollbackRequested = carried?.rollbackRequested ?? false;
    this.undoLog = carried?.undoLog ?? [];
    this.outputs = carried?.outputs ?? {};
    this.usedNonces = new Set(carried?.usedNonces ?? []);
    this.listedRefusals = carried?.listedRefusals ?? this.view.timeline.filter((t) => t.atEdge).length;
    this.answered = new Map(carried?.answered ?? []);
    const opened = (input as RunIncidentInput).intake;
    this.intakeMarks = carried?.intakeMarks ?? (opened ? { [opened.log]: opened.seq } : {});
    this.timelineBytes = this.view.timeline.reduce((n, t) => n + entryBytes(t), 0);
    this.notifier = new Notifier(input.notify, carried?.noticeRefs ?? { cards: {} }, (channel, kind, error) => {
      this.record('notify.failed', { channel, kind, error });
      log.warn('notification failed', { incidentId: id, channel, kind, error });
    }, (type, fields) => this.record(type, fields));
    this.communications = new Communications(this);
  }

  /** A gated step's approval, or a message's of the communication plan (both are decided the same way). */
  approvalOf(step: string): Approval | undefined {
    return this.defs.get(step)?.approval ?? this.input.runbook.communications?.find((m) => m.id === step)?.approval;
  }

  /** Who an activity works for: the incident, its step, and the cluster it acts on (left out for "default", as before there were several). */
  about(step: string): { incidentId: string; step: string; cluster?: string } {
    const { cluster } = this.input;
    return { incidentId: this.id, step, ...(cluster && cluster !== DEFAULT_CLUSTER ? { cluster } : {}) };
  }

  /** Appends to the timeline, texts cut to their limits; past its limits, the oldest entries from people and alerts are folded. */
  record(type: string, fields: Record<string, unknown> = {}): void {
    const entry: TimelineEntry = { at: now(), type, ...clipFields(fields) };
    this.view.timeline.push(entry);
    this.timelineBytes += entryBytes(entry);
    if (this.view.timeline.length > LIMITS.timelineEntries || this.timelineBytes > LIMITS.timelineBytes) {
      // Down to three quarters, so folding happens once in a while rather than at every entry.
      this.compact({ entries: (LIMITS.timelineEntries * 3) / 4, bytes: (LIMITS.timelineBytes * 3) / 4 });
    }
  }

  compact(limits: { entries: number; bytes: number }): void {
    this.view.timeline = compactTimeline(this.view.timeline, limits);
    this.timelineBytes = this.view.timeline.reduce((n, t) => n + entryBytes(t), 0);
  }

  /** Remembers an alert's key to answer a resend `duplicate`: the most recent keys only, so a storm cannot grow the state. */
  rememberAlertKey(alertKey: string): void {
    this.seenAlertKeys.add(alertKey);
    if (this.seenAlertKeys.size > LIMITS.alertKeys) this.seenAlertKeys.delete(this.seenAlertKeys.values().next().value!);
  }

  /**
   * Remembers the answer to an update: the client sends the same update id again when a run closed before it heard
   * the answer, and the next run must not apply it twice (Temporal knows update ids per run only).
   */
  answer<R extends { accepted: boolean; reason?: string }>(updateId: string | undefined, result: R): R {
    if (updateId === undefined) return result;
    this.answered.set(updateId, result);
    if (this.answered.size > LIMITS.answeredUpdates) this.answered.delete(this.answered.keys().next().value!);
    return result;
  }

  /** Keeps the latest attached alerts as examples (the timeline lists only the first few). */
  sampleAlert(sample: AlertSample): void {
    this.view.latestAlerts = [...(this.view.latestAlerts ?? []), sample].slice(-LIMITS.samples);
  }

  /**
   * Counts requests refused before they counted (at the edge, or unsealed), keeping the latest few; true while such
   * reports are still listed one by one in the timeline, and then says once that the rest are only counted.
   */
  countRefused(count: number, samples: readonly RefusalSample[]): boolean {
    const kept = samples.map((s) => clipFields(s) as RefusalSample);
    const { refused } = this.view;
    this.view.refused = { count: (refused?.count ?? 0) + Math.max(count, samples.length), last: [...(refused?.last ?? []), ...kept].slice(-LIMITS.samples) };
    const cap = this.hardening.bounded ? LIMITS.refusalsListed : 50;
    this.listedRefusals += 1;
    if (this.listedRefusals === cap + 1) {
      this.record('decision.refused', { channel: samples.at(-1)?.channel, reason: `more than ${cap} reports of refused requests: the rest are counted under "refused" in the incident`, atEdge: true });
    }
    return this.listedRefusals <= cap;
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

  /**
   * The step's card now: its failure's question while it has one and waits for no approval, else its approval;
   * `state` says the outcome of a vote whose event the machine has not processed yet.
   */
  approvalCard(step: string, state?: ApprovalNotice['state']): ApprovalNotice {
    const s = this.stepView(step);
    const approval = this.approvalOf(step);
    if (s.ask && s.status !== 'awaiting_approval') return askNotice(this.view, s, askedOf(approval, this.input.roster), this.input.roster, this.input.alert);
    return approvalNotice(this.view, s, approval!, this.input.roster, this.input.alert, state);
  }

  refreshCard(step: string, state?: ApprovalNotice['state']): void {
    const s = this.stepView(step);
    if (this.notifier.enabled && ((this.approvalOf(step) && s?.approvals) || s?.ask)) {
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
      listedRefusals: this.listedRefusals, ...(this.answered.size ? { answered: [...this.answered] } : {}),
      ...(Object.keys(this.intakeMarks).length ? { intakeMarks: this.intakeMarks } : {}),
    };
  }
}
