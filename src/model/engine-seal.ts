// The engine's seal on what it sends an incident (its start, and every update carrying a person or a decision): what a seal covers and how old it may be.

/**
 * An HMAC-SHA256, made by the engine's edge with a key Temporal never sees, over a request and the time it was sent.
 * The incident checks it (by an activity: the workflow sandbox has no crypto) before the request counts, so
 * someone who can reach Temporal, but not the engine's key, can neither start an incident nor decide in one.
 */
export interface Seal { at: string; mac: string }

/** A seal further than this from the incident's clock is refused: a copied request cannot be sent again later. */
export const SEAL_MAX_SKEW_MS = 10 * 60_000;

/** The updates that carry a person or a decision, and so are sealed. Alerts are not: they decide nothing. */
export type SealedUpdate = 'addNote' | 'abortIncident' | 'decide' | 'forceAdvance' | 'recordRefusal' | 'acknowledgePage';

/** What an update's seal covers: the update, the incident's chain (its workflow id and first run) and the request. */
export function updateSealSubject(update: SealedUpdate, workflowId: string, firstRunId: string, request: unknown): Record<string, unknown> {
  return { update, workflowId, firstRunId, request };
}

/** What a start's seal covers: the workflow id and the whole input (runbook, roster, alert, requester), not the state a continued run carries. */
export function startSealSubject(workflowId: string, input: object): Record<string, unknown> {
  const { carried: _carried, ...sealed } = input as Record<string, unknown>;
  return { start: 'runIncident', workflowId, input: sealed };
}

/** Why a seal cannot count before its MAC is even checked (absent, malformed or out of time), or undefined. */
export function sealTimeProblem(seal: unknown, now: number): string | undefined {
  const s = seal as Partial<Seal> | undefined;
  if (!s || typeof s.at !== 'string' || typeof s.mac !== 'string') return 'it carries no seal of this engine';
  const at = Date.parse(s.at);
  if (Number.isNaN(at)) return 'its seal has no valid time';
  if (Math.abs(now - at) > SEAL_MAX_SKEW_MS) return `its seal is from ${s.at}, more than ${SEAL_MAX_SKEW_MS / 60_000} minutes from the incident's clock`;
  return undefined;
}
