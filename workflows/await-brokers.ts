// A step whose activity found brokers silent: ask again with a backoff while the view and the thread say who is awaited and since when.
import { condition, log } from '@temporalio/workflow';
import { BROKER_WAIT_DELAYS_MS, describeWait, unconfirmedOf } from '../src/model/broker-wait.js';
import type { BrokerWait } from '../src/model/unconfirmed-broker.js';
import { now, type IncidentState } from './incident-state.js';

/**
 * Re-runs `ask` until no broker is unconfirmed, `budgetMs` is spent, or the incident ended. Each broker is announced once, when it
 * first goes silent; `unconfirmed` is what is left when the budget ran out (empty once every broker answered).
 */
export async function awaitBrokers(
  state: IncidentState, step: string, first: unknown, ask: () => Promise<unknown>, budgetMs: number,
): Promise<{ output: unknown; unconfirmed: BrokerWait[] }> {
  const stepView = state.stepView(step);
  const since = new Map<number, string>();
  const started = Date.now();
  let delay: number = BROKER_WAIT_DELAYS_MS.first;
  let output = first;
  for (;;) {
    const silent = unconfirmedOf(output);
    if (!silent.length) {
      delete stepView.waitingFor;
      state.record('step.confirmed', { step, brokers: [...since.keys()] });
      return { output, unconfirmed: [] };
    }
    for (const b of silent) if (!since.has(b.id)) since.set(b.id, now());
    const waits = silent.map((b) => ({ ...b, since: since.get(b.id)! }));
    const fresh = waits.filter((w) => !stepView.waitingFor?.some((v) => v.id === w.id));
    stepView.waitingFor = waits;
    if (fresh.length) {
      state.record('step.waiting', { step, brokers: fresh });
      state.notifier.send({ kind: 'step', incident: state.incidentNotice(), step, action: stepView.action, status: 'waiting', detail: describeWait(fresh) });
      log.warn('step waiting for brokers', { incidentId: state.id, step, brokers: fresh.map((w) => w.id) });
    }
    const left = started + budgetMs - Date.now();
    if (left <= 0) return { output, unconfirmed: waits };
    // An abort ends the wait at once, so a rollback is not held up by it.
    if (await condition(() => state.view.status !== 'open', Math.min(delay, left))) return { output, unconfirmed: waits };
    delay = Math.min(delay * 2, BROKER_WAIT_DELAYS_MS.max);
    output = await ask();
  }
}
