// The plan hash approvals bind to: SHA-256 over the action and its exact changes, in a stable key order.
import { createHash } from 'node:crypto';

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
}

export function hashPlan(action: string, changes: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(canonical({ action, changes }))).digest('hex');
}
