// Data-only templating for step inputs: "${path}" into alert, incident or steps.<id>.output, optionally ± a duration. Never eval.
import { durationMs } from './duration.js';

const WHOLE = /^\$\{([^}]+)\}$/;
const ANY = /\$\{([^}]+)\}/g;
const EXPR = /^\s*([A-Za-z_][\w.-]*(?:\.[\w-]+)*)\s*(?:([+-])\s*(\d+(?:ms|s|m|h|d)))?\s*$/;

export interface TemplateScope {
  alert: unknown;
  incident: unknown;
  steps: Record<string, { output?: unknown }>;
}

export class TemplateError extends Error {
  override name = 'TemplateError';
}

/** Parses one `${…}` body into its path segments and an optional offset in ms. */
export function parseExpression(body: string): { path: string[]; offsetMs: number } {
  const m = EXPR.exec(body);
  if (!m) throw new TemplateError(`"\${${body}}" is not a path with an optional "± duration" (e.g. \${alert.observedAt - 24h})`);
  const path = m[1]!.split('.');
  if (!['alert', 'incident', 'steps'].includes(path[0]!)) {
    throw new TemplateError(`"\${${body}}" must start with alert, incident or steps.<step id>.output`);
  }
  const offsetMs = m[3] ? durationMs(m[3]) * (m[2] === '-' ? -1 : 1) : 0;
  return { path, offsetMs };
}

function lookup(scope: TemplateScope, body: string): unknown {
  const { path, offsetMs } = parseExpression(body);
  let value: unknown = scope;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) {
      throw new TemplateError(`\${${body}} does not resolve: "${key}" is missing`);
    }
    value = (value as Record<string, unknown>)[key];
  }
  if (offsetMs === 0) return value;
  const t = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(t)) throw new TemplateError(`\${${body}}: a duration can only be added to a timestamp`);
  return new Date(t + offsetMs).toISOString();
}

/** Resolves every template in a step's `with`, keeping the type of whole-value templates (arrays stay arrays). */
export function resolveTemplates(value: unknown, scope: TemplateScope): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    if (whole) return lookup(scope, whole[1]!);
    return value.replace(ANY, (_, body: string) => String(lookup(scope, body)));
  }
  if (Array.isArray(value)) return value.map((v) => resolveTemplates(v, scope));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveTemplates(v, scope)]));
  }
  return value;
}
