// The incident's update and query handlers: each payload is checked against its model schema, then recorded and turned into machine events.
import { setHandler } from '@temporalio/workflow';
import type { z } from 'zod';
import {
  AbortRequest, AlertDelivery, DecisionRequest, EdgeRefusal, ForceAdvanceRequest, NoteRequest,
} from '../src/model/incident-requests.js';
import { COMMANDERS, judge, waitingOn } from './decision-policy.js';
import { now, type IncidentState } from './incident-state.js';
import { abortIncident, addNote, attachAlert, decide, forceAdvance, incidentView, recordRefusal } from './messages.js';

/** Refusals at the edge (bad signatures, forged links) recorded per incident; the engine's log keeps the rest. */
const MAX_EDGE_REFUSALS = 50;

/** A validator: a payload that does not fit is refused before the update is accepted, so nothing of it reaches the history. */
function fits(schema: z.ZodType, needs: string): (payload: unknown) => void {
  return (payload) => {
    const parsed = schema.safeParse(payload);
    if (parsed.success) return;
    const issue = parsed.error.issues[0]!;
    throw new Error(`${needs} (${issue.path.join('.') || 'payload'}: ${issue.message})`);
  };
}

export function handleMessages(state: IncidentState): void {
  const { input, view, events, usedNonces } = state;

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

  setHandler(incidentView, () => view);
  setHandler(
    attachAlert,
    ({ alert, alertKey }) => {
      if (state.seenAlertKeys.has(alertKey)) {
        // The first delivery of the alert that started this run answers "started"; any later copy is a duplicate.
        const started = alertKey === input.alertKey && !state.startAcknowledged;
        if (started) state.startAcknowledged = true;
        return { id: state.id, status: started ? 'started' : 'duplicate' };
      }
      state.seenAlertKeys.add(alertKey);
      view.alerts += 1;
      state.record('alert', { alertKey, kind: alert.kind, summary: alert.summary, source: alert.source });
      return { id: state.id, status: 'attached' };
    },
    { validator: fits(AlertDelivery, 'an alert delivery needs { alert, alertKey }') },
  );
  setHandler(
    addNote,
    (note) => {
      state.record(note.lessons ? 'lessons' : 'note', { person: note.person, channel: note.channel, text: note.text });
      if (note.lessons) events.push({ type: 'lessons.recorded' });
      return { accepted: true };
    },
    { validator: fits(NoteRequest, 'a note needs { person, channel, text, lessons }') },
  );
  setHandler(
    abortIncident,
    (request) => {
      const refused = commanderRefusal(request.person, request.channel, 'abort');
      if (refused) return { accepted: false, reason: refused };
      state.record('abort.requested', { person: request.person, channel: request.channel, reason: request.reason, rollback: request.rollback });
      state.rollbackRequested ||= request.rollback;
      events.push({ type: 'incident.abort' });
      return { accepted: true };
    },
    { validator: fits(AbortRequest, 'an abort needs { person, channel, reason, rollback }') },
  );
  setHandler(
    forceAdvance,
    (request) => {
      const refused = commanderRefusal(request.person, request.channel, 'force-advance');
      if (refused) return { accepted: false, reason: refused };
      state.record('force-advance', { person: request.person, channel: request.channel, reason: request.reason, phase: view.phase });
      events.push({ type: 'incident.forceAdvance' });
      return { accepted: true };
    },
    { validator: fits(ForceAdvanceRequest, 'a force-advance needs { person, channel, reason }') },
  );
  setHandler(
    recordRefusal,
    (refusal) => {
      // Anyone who knows an incident id can send forged clicks or links: the timeline keeps the first ones, not a flood.
      const recorded = view.timeline.filter((t) => t.atEdge).length;
      if (recorded > MAX_EDGE_REFUSALS) return { accepted: false };
      if (recorded === MAX_EDGE_REFUSALS) {
        state.record('decision.refused', { channel: refusal.channel, reason: `more than ${MAX_EDGE_REFUSALS} requests refused at the edge: the rest are only logged`, atEdge: true });
        return { accepted: false };
      }
      state.record('decision.refused', { step: refusal.step, person: refusal.person, channel: refusal.channel, reason: refusal.reason, atEdge: true });
      if (refusal.step && state.defs.has(refusal.step)) state.refreshCard(refusal.step);
      return { accepted: true };
    },
    { validator: fits(EdgeRefusal, 'a refusal needs { channel, reason }') },
  );
  setHandler(
    decide,
    (request) => {
      const def = state.defs.get(request.step);
      const s = view.steps.find((x) => x.id === request.step);
      const used = request.nonce !== undefined && usedNonces.has(request.nonce);
      const verdict = used
        ? { accepted: false as const, reason: 'this approval link has already been used; each link decides once' }
        : judge(request, s, def?.approval, input.roster, input.requestedBy);
      if (!verdict.accepted) {
        state.record('decision.refused', { step: request.step, person: request.person, channel: request.channel, decision: request.decision, reason: verdict.reason });
        if (s?.approvals) state.refreshCard(request.step);
        return { accepted: false, reason: verdict.reason };
      }
      if (request.nonce !== undefined) usedNonces.add(request.nonce);
      const approvals = s!.approvals!;
      approvals.votes.push({ person: request.person, channel: request.channel, decision: request.decision, at: now() });
      approvals.waitingOn = waitingOn(def!.approval!, input.roster, approvals.votes, input.requestedBy);
      state.record('decision', { step: request.step, person: request.person, channel: request.channel, decision: request.decision, reason: request.reason });
      if (verdict.outcome === 'approved') events.push({ type: 'step.approved', step: request.step });
      if (verdict.outcome === 'rejected') events.push({ type: 'step.rejected', step: request.step });
      state.refreshCard(request.step, verdict.outcome === 'counted' ? undefined : verdict.outcome);
      return { accepted: true };
    },
    { validator: fits(DecisionRequest, 'a decision needs { person, channel, step, decision: approve | reject }') },
  );
}
