// The incident's update validators in plain TypeScript: what each payload must hold for the workflow to act on it. The
// edges (HTTP, Slack, email, Kafka intake) validate requests in full with the model's schemas; these checks refuse what
// reaches Temporal some other way, before the update is accepted, so nothing of it reaches the history. No zod here: it
// would be evaluated again for every cached incident.
import { INCIDENT_LIMITS } from '../src/model/incident-limits.js';

/** Says what is wrong with a value at `path` ("" when nothing is). */
type Check = (value: unknown, path: string) => string;

const received = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);
const at = (path: string, message: string) => `${path || 'payload'}: ${message}`;
const expected = (type: string, value: unknown, path: string) => at(path, `Invalid input: expected ${type}, received ${received(value)}`);

const string: Check = (v, path) => (typeof v === 'string' ? '' : expected('string', v, path));
const boolean: Check = (v, path) => (typeof v === 'boolean' ? '' : expected('boolean', v, path));
const text: Check = (v, path) => string(v, path) || ((v as string).trim().length ? '' : at(path, 'Too small: expected string to have >=1 characters'));
const filled: Check = (v, path) => string(v, path) || ((v as string).length ? '' : at(path, 'Too small: expected string to have >=1 characters'));
const oneOf = (...options: string[]): Check => (v, path) =>
  (options.includes(v as string) ? '' : at(path, `Invalid option: expected one of ${options.map((o) => JSON.stringify(o)).join('|')}`));
const optional = (check: Check): Check => (v, path) => (v === undefined ? '' : check(v, path));
const positiveInt: Check = (v, path) => (typeof v !== 'number' ? expected('number', v, path)
  : !Number.isInteger(v) ? at(path, 'Invalid input: expected int, received number') : v > 0 ? '' : at(path, 'Too small: expected number to be >0'));

const seq: Check = (v, path) => (typeof v !== 'number' ? expected('number', v, path)
  : !Number.isInteger(v) ? at(path, 'Invalid input: expected int, received number') : v >= 0 ? '' : at(path, 'Too small: expected number to be >=0'));

function object(fields: Record<string, Check>): Check {
  return (v, path) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return expected('object', v, path);
    for (const [key, check] of Object.entries(fields)) {
      const problem = check((v as Record<string, unknown>)[key], path ? `${path}.${key}` : key);
      if (problem) return problem;
    }
    return '';
  };
}

const arrayOf = (item: Check, max: number): Check => (v, path) => {
  if (!Array.isArray(v)) return expected('array', v, path);
  if (v.length > max) return at(path, `Too big: expected array to have <=${max} items`);
  for (const [i, x] of v.entries()) { const problem = item(x, `${path}.${i}`); if (problem) return problem; }
  return '';
};

const asker = { person: string, channel: string };
/** What the workflow reads of an alert; the intake validated the rest. */
const alert = object({
  kind: filled, severity: oneOf('low', 'medium', 'high', 'critical'), summary: filled, source: filled, observedAt: filled,
  subject: object({}),
});
const refusalSample = object({ at: string, channel: string, reason: string, step: optional(string), person: optional(string) });

/** A validator: a payload that does not fit is refused with what it needs and its first problem. */
function fits(check: Check, needs: string): (payload: unknown, seal?: unknown) => void {
  return (payload) => {
    const problem = check(payload, '');
    if (problem) throw new Error(`${needs} (${problem})`);
  };
}

/** Alerts from the intake log (a signal, so a batch that does not fit is dropped, not refused). */
export const isAlertBatch = (payload: unknown): boolean =>
  !object({ log: string, alerts: arrayOf(object({ alert, alertKey: string, seq }), Number.POSITIVE_INFINITY) })(payload, '');
export const validAlertDelivery = fits(object({ alert, alertKey: string }), 'an alert delivery needs { alert, alertKey }');
export const validNote = fits(object({ ...asker, text, lessons: boolean }), 'a note needs { person, channel, text, lessons }');
export const validAbort = fits(object({ ...asker, reason: string, rollback: boolean }), 'an abort needs { person, channel, reason, rollback }');
export const validForceAdvance = fits(object({ ...asker, reason: string }), 'a force-advance needs { person, channel, reason }');
export const validRefusal = fits(object({
  channel: string, reason: string, step: optional(string), person: optional(string), count: optional(positiveInt),
  samples: optional(arrayOf(refusalSample, INCIDENT_LIMITS.samples)),
}), 'a refusal needs { channel, reason }');
export const validPageAcknowledgement = fits(object({
  step: string, via: oneOf('pagerduty', 'opsgenie'),
  by: (v, path) => string(v, path) || ((v as string).length <= 200 ? '' : at(path, 'Too big: expected string to have <=200 characters')), at: optional(string),
}), 'a page acknowledgement needs { step, via: pagerduty | opsgenie, by }');
export const validDecision = fits(object({
  ...asker, step: string, decision: oneOf('approve', 'reject', 'retry', 'skip', 'abort'), reason: optional(string), planHash: optional(string), nonce: optional(string),
}), 'a decision needs { person, channel, step, decision: approve | reject | retry | skip | abort }');
