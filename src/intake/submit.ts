// The one submit path of every intake source: candidates validated as alerts, handed in order to the incident service, answered.
import type { FastifyReply } from 'fastify';
import { Alert } from '../model/alert.js';
import type { IncidentService, SubmitOutcome } from '../temporal/incidents.js';
import { temporalRefusal } from '../temporal/temporal-unavailable.js';
import type { IntakeGate } from './intake-gate.js';
import { issuesOf, type Issue } from './issues.js';
import { chooseCluster } from '../model/clusters.js';

/** What a source made of one item of its payload: a generic alert candidate, not yet validated, or why it is none. */
export type Candidate =
  | {
      alert: unknown;
      /**
       * What recognises a copy of this item (a redelivery); a function sees the validated alert. Unset or undefined:
       * the alert's fingerprint, else a hash of the whole alert.
       */
      alertKey?: string | ((alert: Alert) => string | undefined);
      /** Attach to the open incident, never start one (a "resolved" notification). */
      attachOnly?: boolean;
    }
  | { issues: Issue[] };

type Rejected = { issues: Issue[] };
export type Accepted = { alert: Alert; alertKey?: string; attachOnly?: boolean };

export interface IntakeAnswer {
  incidents: { id: string; runbook: string; status: string }[];
  rejected: { index: number; issues: Issue[] }[];
  unmatched: { index: number; reason: string }[];
  /** Alerts that would open an incident over their runbook's cap: the answer is then 429 with Retry-After. */
  deferred?: { index: number; reason: string }[];
}

export interface SubmitOptions { dryRun?: boolean; requestedBy?: string }

/** `clusters`: the engine's; an alert naming another, or none where several are served and no "default", is refused with the list. */
export function validate(candidate: Candidate, clusters?: readonly string[]): Accepted | Rejected {
  if ('issues' in candidate) return { issues: candidate.issues };
  const parsed = Alert.safeParse(candidate.alert);
  if (!parsed.success) return { issues: issuesOf(parsed.error) };
  const cluster = clusters ? chooseCluster(clusters, parsed.data.subject.cluster) : undefined;
  if (cluster && !cluster.ok) return { issues: [{ path: 'subject.cluster', message: cluster.reason }] };
  const alertKey = typeof candidate.alertKey === 'function' ? candidate.alertKey(parsed.data) : candidate.alertKey;
  return { alert: parsed.data, alertKey, attachOnly: candidate.attachOnly };
}

/** The incident service routes the alert to its runbook and drops a copy it has seen under the same key. */
export function submit(incidents: IncidentService, accepted: Accepted, options: SubmitOptions = {}): Promise<SubmitOutcome> {
  return incidents.submit(accepted.alert, { alertKey: accepted.alertKey, attachOnly: accepted.attachOnly, ...options });
}

/**
 * The items of one request; `refuseIfNoneValid`: answer 400 with this error when no item is a valid alert (issue
 * paths prefixed by the item's index when `indexed`).
 */
export interface Batch {
  candidates: readonly Candidate[];
  refuseIfNoneValid?: { error: string; indexed?: boolean };
}

/**
 * Submits every valid item in order and answers 202 with what happened to each. Refused before anything is submitted:
 * more items than a request may carry (413), more valid alerts than the intake rate allows now (429). Alerts over a
 * runbook's open-incident cap are answered as deferred, with 429. When Temporal cannot take them (unreachable: 503,
 * busy: 429) the answer has Retry-After (Alertmanager retries only on 5xx) and what was done before.
 */
export async function submitAndAnswer(reply: FastifyReply, intake: { incidents: IncidentService; gate?: IntakeGate }, batch: Batch, options: SubmitOptions = {}) {
  const refused = (verdict: { status: number; error: string; retryAfterS?: number }, body: object = {}) => {
    if (verdict.retryAfterS) reply.header('Retry-After', String(verdict.retryAfterS));
    return reply.code(verdict.status).send({ error: verdict.error, ...body });
  };
  const sized = intake.gate?.size(batch.candidates.length);
  if (sized && !sized.ok) return refused(sized);
  const items = batch.candidates.map((c) => validate(c, intake.incidents.clusters));
  if (batch.refuseIfNoneValid && items.every((item): item is Rejected => 'issues' in item)) {
    const { error, indexed } = batch.refuseIfNoneValid;
    return reply.code(400).send({
      error,
      issues: items.flatMap((item, index) => (indexed ? item.issues.map((i) => ({ ...i, path: `${index}.${i.path}` })) : item.issues)),
    });
  }
  const taken = intake.gate?.take(items.filter((item) => !('issues' in item)).length);
  if (taken && !taken.ok) return refused(taken);
  const answer: IntakeAnswer = { incidents: [], rejected: [], unmatched: [] };
  const deferred: { index: number; reason: string }[] = [];
  try {
    for (const [index, item] of items.entries()) {
      if ('issues' in item) { answer.rejected.push({ index, issues: item.issues }); continue; }
      const outcome = await submit(intake.incidents, item, options);
      if (outcome.matched) answer.incidents.push({ id: outcome.id, runbook: outcome.runbook, status: outcome.status });
      else if (outcome.deferred) deferred.push({ index, reason: outcome.reason });
      else answer.unmatched.push({ index, reason: outcome.reason });
    }
  } catch (err) {
    const temporal = temporalRefusal(err);
    if (temporal) return refused(temporal, { ...answer, ...(deferred.length ? { deferred } : {}) });
    throw err;
  }
  if (deferred.length) {
    reply.header('Retry-After', '60');
    return reply.code(429).send({ error: 'some alerts would open more incidents than their runbook allows; the others were taken', ...answer, deferred });
  }
  return reply.code(202).send(answer);
}
