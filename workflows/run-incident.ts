// The incident interpreter: drives the runbook's pure xstate machine and turns its commands into activities, timers and waits.
import {
  ActivityFailure, ApplicationFailure, allHandlersFinished, condition, continueAsNew, log, patched, setHandler, workflowInfo,
} from '@temporalio/workflow';
import { initialTransition, transition, type SnapshotFrom, type StateValue } from 'xstate';
import { incidentId, type IncidentInput, type IncidentView, type StepView } from '../src/model/incident.js';
import type { Change } from '../src/model/plan.js';
import { isUndoStep, stepsOf, type Step } from '../src/model/runbook.js';
import { peopleOf } from '../src/model/roster.js';
import { resolveTemplates, type TemplateScope } from '../src/model/template.js';
import { toMachine, type IncidentContext, type IncidentEvent, type MachineCommand } from '../src/model/to-machine.js';
import { NOTIFY_ACTIONS, applyChanges, plannerOf, runnerOf } from './dispatch.js';
import { COMMANDERS, judge, waitingOn } from './decision-policy.js';
import { abortIncident, addNote, attachAlert, decide, forceAdvance, incidentView, recordRefusal } from './messages.js';
import { Timers, type PendingTimer } from './timers.js';
import { archiveAtClose } from './archive-at-close.js';
import { Notifier } from './notify.js';
import { approvalNotice, incidentSummary, noticeIncident, noticePeople } from '../src/model/notices.js';
import type { ApprovalNotice, NoticeRefs } from '../src/model/notice.js';

type XstateCommand =
  | { type: 'xstate.raise'; params: { event: IncidentEvent; id: string; delay?: number } }
  | { type: 'xstate.cancel'; params: { sendId: string } };

/** Everything an incident knows, carried whole across continue-as-new. */
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

export type RunIncidentInput = IncidentInput & {
  carried?: CarriedState;
  /** Continue-as-new once history passes this many events (Temporal's own suggestion also counts). */
  continueAsNewAfter?: number;
};

const now = () => new Date().toISOString();

/** Refusals at the edge (bad signatures, forged links) recorded per incident; the engine's log keeps the rest. */
const MAX_EDGE_REFUSALS = 50;

/** The message a person should read: an activity's own failure, not Temporal's wrapper. */
function reason(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}

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

export async function runIncident(input: RunIncidentInput): Promise<IncidentView> {
  const info = workflowInfo();
  const id = incidentId(info.workflowId, info.firstExecutionRunId);
  const defs = new Map<string, Step>(stepsOf(input.runbook).map(({ step }) => [step.id, step]));
  const carried = input.carried;
  const view = carried?.view ?? newView(input, id);
  const seenAlertKeys = new Set(carried?.seenAlertKeys ?? [input.alertKey]);
  let startAcknowledged = carried?.startAcknowledged ?? false;
  let rollbackRequested = carried?.rollbackRequested ?? false;
  /** Inverses recorded before each apply, in apply order: what recovery and rollback undo. */
  const undoLog = carried?.undoLog ?? [];
  const outputs: TemplateScope['steps'] = carried?.outputs ?? {};
  const events: IncidentEvent[] = [];
  const timers = new Timers((event) => events.push(event));
  let inFlight = 0;
  const usedNonces = new Set(carried?.usedNonces ?? []);
  const notifier = new Notifier(input.notify, carried?.noticeRefs ?? { cards: {} }, (channel, kind, error) => {
    record('notify.failed', { channel, kind, error });
    log.warn('notification failed', { incidentId: id, channel, kind, error });
  });
  const incidentNotice = () => noticeIncident(view, input.alert);
  /** The approval card now; `state` says the outcome of a vote whose event the machine has not processed yet. */
  const cardOf = (step: string, state?: ApprovalNotice['state']) =>
    approvalNotice(view, stepView(step), defs.get(step)!.approval!, input.roster, input.alert, state);
  const refreshCard = (step: string, state?: ApprovalNotice['state']) => {
    if (notifier.enabled && defs.get(step)?.approval && stepView(step).approvals) {
      notifier.send({ kind: 'decision', incident: incidentNotice(), approval: cardOf(step, state) });
    }
  };

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
    notifier.send({ kind: 'step', incident: incidentNotice(), step, action: s.action, status: 'failed', detail: s.error });
    events.push({ type: 'step.failed', step });
  };
  const finish = (step: string, output: unknown) => {
    const s = stepView(step);
    s.status = input.dryRun && s.plan ? 'planned' : 'done';
    s.output = output;
    outputs[step] = { output };
    record('step.done', { step, status: s.status });
    notifier.send({ kind: 'step', incident: incidentNotice(), step, action: s.action, status: 'done', detail: s.plan?.summary ?? 'done' });
    events.push({ type: 'step.done', step });
  };
  /** Runs an activity-backed task, counted so continue-as-new and rollback wait for it. */
  const track = (task: () => Promise<void>) => {
    inFlight += 1;
    void task().finally(() => { inFlight -= 1; });
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
  /** Abort and force-advance are incident commanders' calls; the refusal is recorded like any other. */
  const commanderRefusal = (person: string, channel: string, what: string): string | undefined => {
    if (view.status !== 'open') return `the incident is already ${view.status}`;
    if (!(input.roster.groups[COMMANDERS] ?? []).includes(person)) {
      const reason = `${what} needs a member of ${COMMANDERS}; ${person} is not one`;
      record(`${what}.refused`, { person, channel, reason });
      return reason;
    }
    return undefined;
  };
  const personValidator = (r: { person?: unknown; channel?: unknown }) => {
    if (typeof r?.person !== 'string' || typeof r.channel !== 'string') throw new Error('a request needs { person, channel }');
  };
  setHandler(
    abortIncident,
    (request) => {
      const refused = commanderRefusal(request.person, request.channel, 'abort');
      if (refused) return { accepted: false, reason: refused };
      record('abort.requested', { person: request.person, channel: request.channel, reason: request.reason, rollback: request.rollback });
      rollbackRequested ||= request.rollback;
      events.push({ type: 'incident.abort' });
      return { accepted: true };
    },
    { validator: (r) => { personValidator(r); if (typeof r.reason !== 'string') throw new Error('an abort needs a reason'); } },
  );
  setHandler(
    forceAdvance,
    (request) => {
      const refused = commanderRefusal(request.person, request.channel, 'force-advance');
      if (refused) return { accepted: false, reason: refused };
      record('force-advance', { person: request.person, channel: request.channel, reason: request.reason, phase: view.phase });
      events.push({ type: 'incident.forceAdvance' });
      return { accepted: true };
    },
    { validator: personValidator },
  );
  setHandler(
    recordRefusal,
    (refusal) => {
      // Anyone who knows an incident id can send forged clicks or links: the timeline keeps the first ones, not a flood.
      const recorded = view.timeline.filter((t) => t.atEdge).length;
      if (recorded > MAX_EDGE_REFUSALS) return { accepted: false };
      if (recorded === MAX_EDGE_REFUSALS) {
        record('decision.refused', { channel: refusal.channel, reason: `more than ${MAX_EDGE_REFUSALS} requests refused at the edge: the rest are only logged`, atEdge: true });
        return { accepted: false };
      }
      record('decision.refused', { step: refusal.step, person: refusal.person, channel: refusal.channel, reason: refusal.reason, atEdge: true });
      if (refusal.step && defs.has(refusal.step)) refreshCard(refusal.step);
      return { accepted: true };
    },
    { validator: (r) => { if (typeof r?.channel !== 'string' || typeof r.reason !== 'string') throw new Error('a refusal needs { channel, reason }'); } },
  );
  setHandler(
    decide,
    (request) => {
      const def = defs.get(request.step);
      const s = view.steps.find((x) => x.id === request.step);
      const used = request.nonce !== undefined && usedNonces.has(request.nonce);
      const verdict = used
        ? { accepted: false as const, reason: 'this approval link has already been used; each link decides once' }
        : judge(request, s, def?.approval, input.roster, input.requestedBy);
      if (!verdict.accepted) {
        record('decision.refused', { step: request.step, person: request.person, channel: request.channel, decision: request.decision, reason: verdict.reason });
        if (s?.approvals) refreshCard(request.step);
        return { accepted: false, reason: verdict.reason };
      }
      if (request.nonce !== undefined) usedNonces.add(request.nonce);
      const approvals = s!.approvals!;
      approvals.votes.push({ person: request.person, channel: request.channel, decision: request.decision, at: now() });
      approvals.waitingOn = waitingOn(def!.approval!, input.roster, approvals.votes, input.requestedBy);
      record('decision', { step: request.step, person: request.person, channel: request.channel, decision: request.decision, reason: request.reason });
      if (verdict.outcome === 'approved') events.push({ type: 'step.approved', step: request.step });
      if (verdict.outcome === 'rejected') events.push({ type: 'step.rejected', step: request.step });
      refreshCard(request.step, verdict.outcome === 'counted' ? undefined : verdict.outcome);
      return { accepted: true };
    },
    {
      validator: (r) => {
        personValidator(r);
        if (typeof r.step !== 'string' || (r.decision !== 'approve' && r.decision !== 'reject')) throw new Error('a decision needs { step, decision: approve | reject }');
      },
    },
  );

  async function planStep(step: string): Promise<void> {
    const def = defs.get(step)!;
    if (isUndoStep(def)) throw ApplicationFailure.nonRetryable(`step ${step} has no plan`);
    const s = stepView(step);
    s.status = 'running';
    try {
      const plan = await plannerOf(def.action)({ incidentId: id, step, input: resolveTemplates(def.with, scope()) });
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
      if (!isUndoStep(def)) {
        if (input.dryRun && def.action === 'kafka.access.verify') {
          // Nothing was applied, so there is nothing to verify: the real check would fail by construction.
          return finish(step, { dryRun: true, note: 'dry run: access is not verified because nothing was applied' });
        }
        if (NOTIFY_ACTIONS.has(def.action)) return finish(step, notifyStep(step, def.action, resolveTemplates(def.with, scope()) as Record<string, unknown>));
        return finish(step, await runnerOf(def.action)({ incidentId: id, step, input: resolveTemplates(def.with, scope()) }));
      }
      const entry = undoLog.find((u) => u.step === def.undo);
      if (!entry) {
        return finish(step, { undone: def.undo, changed: [], note: `step ${def.undo} changed nothing, so there is nothing to undo` });
      }
      const result = input.dryRun ? { changed: [], alreadyInPlace: 0 } : await applyChanges({ incidentId: id, step, changes: entry.inverse });
      if (!input.dryRun) {
        stepView(def.undo).status = 'undone';
        undoLog.splice(undoLog.indexOf(entry), 1);
      }
      finish(step, { undone: def.undo, ...result });
    } catch (err) {
      fail(step, err);
    }
  }

  /** A runbook's own notice: queued in order with the incident's others; a channel that is off is said so. */
  function notifyStep(step: string, action: string, given: Record<string, unknown>): { queued: boolean; note?: string } {
    const channel = action === 'slack.notify' ? 'slack' : 'email';
    if (!notifier.has(channel)) return { queued: false, note: `${channel === 'slack' ? 'Slack' : 'email'} is not configured: nothing was sent` };
    const { text, subject, to } = given as { text: string; subject?: string; to?: string[] };
    notifier.send({ kind: 'message', incident: incidentNotice(), channel, step, text, ...(subject ? { subject } : {}), ...(to ? { to } : {}) });
    return { queued: true };
  }

  /** Abort with rollback: every recorded inverse, newest first, once nothing is still applying. */
  async function rollback(): Promise<void> {
    await condition(() => inFlight === 0);
    record('rollback.started', { steps: undoLog.map((u) => u.step).reverse() });
    while (undoLog.length) {
      const entry = undoLog[undoLog.length - 1]!;
      try {
        const result = await applyChanges({ incidentId: id, step: entry.step, changes: entry.inverse });
        stepView(entry.step).status = 'undone';
        record('step.undone', { step: entry.step, changed: result.changed.length });
      } catch (err) {
        record('rollback.failed', { step: entry.step, error: reason(err) });
        log.error('rollback failed', { incidentId: id, step: entry.step, error: reason(err) });
        return;
      }
      undoLog.pop();
    }
    record('rollback.done');
  }

  function perform(commands: readonly { type: string; params?: unknown }[]): void {
    for (const command of commands as (MachineCommand | XstateCommand)[]) {
      switch (command.type) {
        case 'enterPhase':
          view.phase = command.params.phase;
          record('phase', { phase: command.params.phase });
          if (command.params.phase !== 'preparation') notifier.send({ kind: 'phase', incident: incidentNotice(), phase: command.params.phase });
          break;
        case 'planStep': track(() => planStep(command.params.step)); break;
        case 'applyStep': track(() => applyStep(command.params.step)); break;
        case 'runStep': track(() => runStep(command.params.step)); break;
        case 'requestApproval': {
          const { step } = command.params;
          const approval = defs.get(step)!.approval!;
          const s = stepView(step);
          s.status = 'awaiting_approval';
          s.approvals = { quorum: approval.quorum, votes: [], waitingOn: waitingOn(approval, input.roster, [], input.requestedBy) };
          record('approval.requested', { step, from: approval.from, quorum: approval.quorum, timeout: approval.timeout, planHash: s.plan?.hash });
          if (input.dryRun) events.push({ type: 'step.approved', step });
          else notifier.send({ kind: 'approval', incident: incidentNotice(), approval: cardOf(step) });
          break;
        }
        case 'escalate': {
          const to = defs.get(command.params.step)!.approval!.escalate!.to;
          record('approval.escalated', { step: command.params.step, to, people: peopleOf(input.roster, to) });
          notifier.send({ kind: 'escalated', incident: incidentNotice(), approval: cardOf(command.params.step), to, people: noticePeople(input.roster, peopleOf(input.roster, to)) });
          log.warn('approval escalated', { incidentId: id, step: command.params.step, to });
          break;
        }
        case 'endStep': {
          const { step, status } = command.params;
          const waited = stepView(step).status === 'awaiting_approval';
          if (status !== 'failed') stepView(step).status = status === 'rejected' ? 'rejected' : 'skipped';
          record('step.ended', { step, status });
          if (waited) refreshCard(step);
          break;
        }
        case 'closeIncident':
          Object.assign(view, { status: 'closed', phase: 'closed', closedAt: now() });
          record('closed');
          break;
        case 'abortIncident':
          Object.assign(view, { status: 'aborted', phase: 'aborted', closedAt: now() });
          record('aborted');
          break;
        case 'xstate.raise':
          if (command.params.delay === undefined) events.push(command.params.event);
          else timers.start(command.params.id, command.params.event, command.params.delay);
          break;
        case 'xstate.cancel': timers.cancel(command.params.sendId); break;
      }
    }
  }

  const machine = toMachine(input.runbook);
  let snapshot: SnapshotFrom<typeof machine>;
  if (carried) {
    snapshot = machine.resolveState(carried.machine);
    carried.timers.forEach((t) => timers.resume(t));
  } else {
    let commands;
    [snapshot, commands] = initialTransition(machine);
    log.info('incident opened', { incidentId: id, runbook: input.runbook.id });
    notifier.send({ kind: 'opened', incident: incidentNotice() });
    perform(commands);
  }
  const limit = input.continueAsNewAfter ?? 10_000;
  while (snapshot.status !== 'done') {
    await condition(() => events.length > 0 || ((workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > limit) && inFlight === 0 && notifier.idle()));
    if (events.length === 0) {
      // Quiet moment with a long history: start a fresh run carrying everything (nothing in flight, no event pending).
      await condition(allHandlersFinished);
      if (events.length === 0 && inFlight === 0 && notifier.idle()) {
        const state: CarriedState = {
          view, seenAlertKeys: [...seenAlertKeys], startAcknowledged, undoLog, outputs,
          machine: { value: snapshot.value, context: snapshot.context }, timers: timers.pending(), rollbackRequested,
          ...(notifier.enabled ? { noticeRefs: notifier.refs } : {}), ...(usedNonces.size ? { usedNonces: [...usedNonces] } : {}),
        };
        return continueAsNew<typeof runIncident>({ ...input, carried: state });
      }
      continue;
    }
    const [next, commands] = transition(machine, snapshot, events.shift()!);
    snapshot = next;
    perform(commands);
  }
  if (view.status === 'aborted' && rollbackRequested && !input.dryRun) await rollback();
  await condition(allHandlersFinished);
  // Behind patched(): incidents that ended before the archive existed still replay.
  if (patched('archive-at-close')) await archiveAtClose(view, record);
  notifier.send({ kind: 'closed', incident: incidentNotice(), summary: incidentSummary(view) });
  await condition(() => notifier.idle());
  log.info('incident ended', { incidentId: id, status: view.status });
  return view;
}
