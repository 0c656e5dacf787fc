// Brokers a step is still waiting to hear from: what an action reports, how long the incident waits, and how people read it.
// Plain functions (the schemas are in unconfirmed-broker.ts): the workflow sandbox evaluates no zod.
import { durationMs } from './duration.js';
import type { BrokerWait, UnconfirmedBroker } from './unconfirmed-broker.js';

/**
 * How long a step waits for silent brokers before leaving the outcome to people, unless its input says otherwise
 * (`brokerWait`). A broker restart takes a minute or two; one still silent after this needs a person.
 */
export const BROKER_WAIT = '10m';
/** Between two asks: doubling from the first, up to the last. */
export const BROKER_WAIT_DELAYS_MS = { first: 5_000, max: 30_000 } as const;

/** The wait a step's input asks for (`brokerWait`, a duration), else the default. */
export function brokerWaitMs(input: unknown): number {
  const asked = (input as { brokerWait?: unknown } | null | undefined)?.brokerWait;
  return durationMs(typeof asked === 'string' ? asked : BROKER_WAIT);
}

/** The brokers an action output names as unconfirmed (none for outputs that do not report brokers). */
export function unconfirmedOf(output: unknown): UnconfirmedBroker[] {
  const listed = (output as { unconfirmed?: unknown } | null | undefined)?.unconfirmed;
  if (!Array.isArray(listed) || !listed.every(isUnconfirmedBroker)) return [];
  return listed.map(({ id, host, reason }) => ({ id, ...(host === undefined ? {} : { host }), reason }));
}

function isUnconfirmedBroker(value: unknown): value is UnconfirmedBroker {
  if (typeof value !== 'object' || value === null) return false;
  const { id, host, reason } = value as Record<string, unknown>;
  return Number.isInteger(id) && typeof reason === 'string' && (host === undefined || typeof host === 'string');
}

const named = (b: UnconfirmedBroker) => `broker ${b.id}${b.host ? ` (${b.host})` : ''}`;

/** "waiting for broker 2 (127.0.0.1:19093) since 12:00:03Z: it did not answer". */
export function describeWait(waits: BrokerWait[]): string {
  return waits.map((w) => `waiting for ${named(w)} since ${w.since}: ${w.reason}`).join('; ');
}

/** What a step that ran out of waiting leaves people with. */
export function describeUnconfirmed(waits: BrokerWait[]): string {
  return `applied, unconfirmed on ${waits.map(named).join(' and ')} (silent since ${waits.map((w) => w.since).join(', ')}): `
    + 'the other brokers confirm it; an incident commander may force-advance the incident past the containment check, or abort it';
}
