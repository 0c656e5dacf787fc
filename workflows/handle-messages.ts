// The incident's update and query handlers: each payload is checked (request-checks.ts) and, when it carries a person or a decision, against the engine's seal; then recorded and turned into machine events.
import { ApplicationFailure, currentUpdateInfo, log, setHandler, workflowInfo } from '@temporalio/workflow';
import { updateSealSubject, type SealedUpdate } from '../src/model/engine-seal.js';
import type { AlertBatch, AlertDelivery, RefusalSample } from '../src/model/incident-requests.js';
import { alertSample, INCIDENT_LIMITS } from '../src/model/incident-limits.js';
import { COMMANDERS, isAnswer, judge, pendingOutcome, waitingOn } from './decision-policy.js';
import { now, type IncidentState } from './incident-state.js';
import {
  isAlertBatch, validAbort, validAlertDelivery, validDecision, validForceAdvance, validNote, validPageAcknowledgement, validRefusal,
} from './request-checks.js';
import { abortIncident, acknowledgePage, addNote, attachAlert, attachAlerts, decide, forceAdvance, incidentView, recordRefusal, type DecisionResult } from './messages.js';

const NOT_STARTED_BY_ENGINE = 'this incident was not started by the engine, so it takes no requests';

export function handleMessages(state: IncidentState): void {
  const { input, view, events, usedNonces } = state;

  /**
   * Runs `act` once the request may count: the incident's start was the engine's (its check may still be running) and,
   * in a sealed run, this request carries the engine's seal. A request that fails is answered `refused` and counted
   * with the other refused requests, never acted on. Without anything to wait for, `act` runs at once.
   */
  const admitted = (update: SealedUpdate, request: { person?: string; channel?: string; step?: string }, seal: unknown, act: () => DecisionResult): DecisionResult | Promise<DecisionResult> => {
    const { seals } = state;
    if (!seals) return act();
    // A client retry on the next run, after this one closed before its answer reached the client: answered, not applied again.
    const updateId = currentUpdateInfo()?.id;
    const earlier = updateId === undefined ? undefined : state.answered.get(updateId);
    if (earlier) return earlier;
    return (async () => {
      if (state.admission && (await state.admission)) return state.answer(updateId, { accepted: false, reason: NOT_STARTED_BY_ENGINE });
      const { workflowId, firstExecutionRunId } = workflowInfo();
      const problem = await seals.problem(updateSealSubject(update, workflowId, firstExecutionRunId, request), seal, Date.now());
      if (!problem) return state.answer(updateId, act());
      const reason = `not from the engine: ${problem}`;
      const claimed = { ...(typeof request.person === 'string' ? { person: request.person } : {}), ...(typeof request.step === 'string' ? { step: request.step } : {}) };
      const sample: RefusalSample = { at: now(), channel: 'temporal', reason: `${update} ${reason}`, ...claimed };
      // Whoever sent it reached Temporal directly: what it claims is kept as claimed, and the flood it may be is only counted.
      if (state.countRefused(1, [sample])) {
        state.record('request.refused', { update, claimed, channel: 'temporal', reason });
        log.warn('request refused: not from the engine', { incidentId: state.id, update, reason });
      }
      return state.answer(updateId, { accepted: false, reason });
    })();
  };

  /** Abort and force-advance are incident commanders' calls; the refusal is recorded like any other. */
  const commanderRefusal = (person: string, channel: string, what: string): string | undefined => {
    if (view.status !== 'open') return `the incident is already ${view.status}`;
    if (!(input.roster.groups[COMMANDERS] ?? []).includes(person)) {
      const reason = `${what} needs a member of ${COMMANDERS}; ${person} is not one`;
      state.record(`${what}.refused`, { person, channel, reason });
      return reason;
    }
    return undefined;
  };

  const attach = ({ alert, alertKey }: AlertDelivery) => {
    if (state.seenAlertKeys.has(alertKey)) {
      // The first delivery of the alert that started this run answers "started"; any later copy is a duplicate.
      const started = alertKey === input.alertKey && !state.startAcknowledged;
      if (started) state.startAcknowledged = true;
      return { id: state.id, status: started ? 'started' as const : 'duplicate' as const };
    }
    state.rememberAlertKey(alertKey);
    view.alerts += 1;
    // Counted, and sampled: the first few are listed, the latest few kept; every alert is in the incident's history.
    const sample = alertSample(now(), alertKey, alert);
    state.sampleAlert(sample);
    if (view.alerts <= INCIDENT_LIMITS.alertsListed) state.record('alert', sample);
    else if (view.alerts === INCIDENT_LIMITS.alertsListed + 1) {
      state.record('alerts.sampled', { listed: INCIDENT_LIMITS.alertsListed, note: 'later alerts are counted under "alerts" and the latest kept under "latestAlerts"' });
    }
    return { id: state.id, status: 'attached' as const };
  };

  /** Each alert of the intake log once: in log order, anything at or below the last sequence number counted is a redelivery. */
  const attachBatch = (batch: AlertBatch) => {
    for (const item of batch.alerts) {
      if (item.seq <= (state.intakeMarks[batch.log] ?? -1)) continue;
      state.intakeMarks[batch.log] = item.seq;
      attach(item);
    }
  };

  setHandler(incidentView, () => view);
  setHandler(attachAlerts, (batch) => {
    // A signal has no validator: a batch that does not fit (not the engine's) is dropped here, before it counts.
    if (!isAlertBatch(batch)) return log.warn('alert batch dropped: not an alert batch', { incidentId: state.id });
    if (!state.admission) return attachBatch(batch);
    // Batches wait for the start's check in arrival order, and count only if the start was the engine's.
    void state.admission.then((refused) => { if (!refused) attachBatch(batch); });
  });
  setHandler(
    attachAlert,
    (delivery) => {
      if (!state.admission) return attach(delivery);
      // An alert to an incident whose start is still being checked waits for the check; an unsealed start takes none.
      return state.admission.then((refused) => {
        if (refused) throw ApplicationFailure.nonRetryable(NOT_STARTED_BY_ENGINE, 'NOT_STARTED_BY_ENGINE');
        return attach(delivery);
      });
    },
    { validator: validAlertDelivery },
  );
  setHandler(
    addNote,
    (note, seal) => admitted('addNote', note, seal, () => {
      state.record(note.lessons ? 'lessons' : 'note', { person: note.person, channel: note.channel, text: note.text });
      if (note.lessons) events.push({ type: 'lessons.recorded' });
      return { accepted: true };
    }),
    { validator: validNote },
  );
  setHandler(
    abortIncident,
    (request, seal) => admitted('abortIncident', request, seal, () => {
      const refused = commanderRefusal(request.person, request.channel, 'abort');
      if (refused) return { accepted: false, reason: refused };
      state.record('abort.requested', { person: request.person, channel: request.channel, reason: request.reason, rollback: request.rollback });
      state.rollbackRequested ||= request.rollback;
      events.push({ type: 'incident.abort' });
      return { accepted: true };
    }),
    { validator: validAbort },
  );
  setHandler(
    forceAdvance,
    (request, seal) => admitted('forceAdvance', request, seal, () => {
      const refused = commanderRefusal(request.person, request.channel, 'force-advance');
      if (refused) return { accepted: false, reason: refused };
      state.record('force-advance', { person: request.person, channel: request.channel, reason: request.reason, phase: view.phase });
      events.push({ type: 'incident.forceAdvance' });
      return { accepted: true };
    }),
    { validator: validForceAdvance },
  );
  setHandler(
    recordRefusal,
    (refusal, seal) => admitted('recordRefusal', refusal, seal, () => {
      // Anyone who knows an incident id can send forged clicks or links: the edge reports them in batches ({ count,
      // samples }), and the incident counts them, keeps the latest few, and lists only the first reports.
      const latest: RefusalSample = { at: now(), channel: refusal.channel, reason: refusal.reason, ...(refusal.step ? { step: refusal.step } : {}), ...(refusal.person ? { person: refusal.person } : {}) };
      const samples = refusal.samples?.length ? refusal.samples : [latest];
      if (!state.countRefused(refusal.count ?? 1, samples)) return { accepted: false };
      const count = refusal.count && refusal.count > 1 ? { count: refusal.count } : {};
      state.record('decision.refused', { step: refusal.step, person: refusal.person, channel: refusal.channel, reason: refusal.reason, atEdge: true, ...count });
      if (refusal.step && state.defs.has(refusal.step)) state.refreshCard(refusal.step);
      return { accepted: true };
    }),
    { validator: validRefusal },
  );
  setHandler(
    acknowledgePage,
    (ack, seal) => admitted('acknowledgePage', ack, seal, () => {
      // Someone answered the page: who, and when, goes in the timeline and the post-mortem (it decides nothing).
      if (!view.steps.some((s) => s.id === ack.step)) return { accepted: false, reason: `step "${ack.step}" is not in this incident` };
      state.record('page.acknowledged', { step: ack.step, via: ack.via, by: ack.by, ...(ack.at ? { ackedAt: ack.at } : {}) });
      return { accepted: true };
    }),
    { validator: validPageAcknowledgement },
  );
  setHandler(
    decide,
    (request, seal) => admitted('decide', request, seal, () => {
      const approval = state.approvalOf(request.step);
      const s = view.steps.find((x) => x.id === request.step);
      const used = request.nonce !== undefined && usedNonces.has(request.nonce);
      const verdict = used
        ? { accepted: false as const, reason: 'this approval link has already been used; each link decides once' }
        : judge(request, s, approval, input.roster, input.requestedBy, pendingOutcome(events, request.step));
      if (!verdict.accepted) {
        state.record('decision.refused', { step: request.step, person: request.person, channel: request.channel, decision: request.decision, reason: verdict.reason });
        if (s?.approvals || s?.ask) state.refreshCard(request.step);
        return { accepted: false, reason: verdict.reason };
      }
      if (request.nonce !== undefined) usedNonces.add(request.nonce);
      const { decision } = request;
      if (isAnswer(decision)) {
        // One answer decides a failed step's question: recorded on the step, then the machine retries, skips or aborts.
        s!.ask!.answer = { person: request.person, channel: request.channel, decision, at: now() };
        s!.ask!.waitingOn = [];
        state.record('decision', { step: request.step, person: request.person, channel: request.channel, decision, reason: request.reason });
        events.push({ type: 'step.answered', step: request.step, answer: decision });
        state.refreshCard(request.step);
        return { accepted: true };
      }
      const approvals = s!.approvals!;
      approvals.votes.push({ person: request.person, channel: request.channel, decision, at: now() });
      approvals.waitingOn = waitingOn(approval!, input.roster, approvals.votes, input.requestedBy, approvals.escalatedTo);
      state.record('decision', { step: request.step, person: request.person, channel: request.channel, decision, reason: request.reason });
      if (verdict.outcome === 'approved') events.push({ type: 'step.approved', step: request.step });
      if (verdict.outcome === 'rejected') events.push({ type: 'step.rejected', step: request.step });
      state.refreshCard(request.step, verdict.outcome === 'approved' || verdict.outcome === 'rejected' ? verdict.outcome : undefined);
      return { accepted: true };
    }),
    { validator: validDecision },
  );
}
