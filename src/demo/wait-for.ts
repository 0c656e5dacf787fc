// Waiting on an incident as its API shows it: a step reaching a status, or the incident ending.
import type { IncidentView, StepView } from '../model/incident.js';

export type ViewOf = (id: string) => Promise<IncidentView>;

/** Polls until `pick` returns a value; fails when the incident ends first or after `timeoutMs`, saying what it waited for. */
export async function waitFor<T>(view: ViewOf, id: string, what: string, pick: (v: IncidentView) => T | undefined, timeoutMs = 180_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await view(id);
    const found = pick(v);
    if (found !== undefined) return found;
    if (v.status !== 'open') throw new Error(`incident ${id} is ${v.status} before ${what}`);
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what} (incident ${id})`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** The step once its status is one of `statuses`. */
export function waitForStep(view: ViewOf, id: string, step: string, statuses: StepView['status'][], timeoutMs?: number): Promise<StepView> {
  return waitFor(view, id, `step ${step} to be ${statuses.join(' or ')}`, (v) => {
    const s = v.steps.find((x) => x.id === step);
    return s && statuses.includes(s.status) ? s : undefined;
  }, timeoutMs);
}
