// Which runbook handles an alert, what "the same incident" is, and the ids that follow (docs/design.md §3, §4). Pure: hashing is passed in.
import type { Alert } from './alert.js';
import type { Runbook } from './runbook.js';
import { DEFAULT_CLUSTER } from './clusters.js';

export type Routed =
  | { ok: true; runbook: Runbook; subject: string; workflowId: string }
  | { ok: false; reason: string };

const SUBJECT_FIELD = { principal: 'principal', clientId: 'clientId', brokerId: 'brokerId', host: 'host' } as const;

/**
 * Exactly one runbook handles an alert: the matching one of highest priority (ties are refused at load time). The same
 * subject on two clusters is two incidents: a cluster other than "default" is part of the id and of what is hashed.
 * `drill`: the alert is a drill's synthetic one, for the runbook of that id whatever others match (its own incident,
 * like a dry run's).
 */
export function routeAlert(
  runbooks: readonly Runbook[], alert: Alert, sha256Hex: (text: string) => string, dryRun = false, cluster: string = DEFAULT_CLUSTER, drill?: string,
): Routed {
  const matching = drill === undefined
    ? runbooks.filter((r) => r.match.kind.includes(alert.kind) && r.match.severity.includes(alert.severity)).sort((a, b) => b.priority - a.priority)
    : runbooks.filter((r) => r.id === drill);
  const runbook = matching[0];
  if (!runbook) return { ok: false, reason: drill === undefined ? `no runbook matches kind "${alert.kind}" with severity ${alert.severity}` : `no runbook "${drill}" is loaded` };
  const value = alert.subject[SUBJECT_FIELD[runbook.subject]];
  if (value === undefined) {
    return { ok: false, reason: `runbook ${runbook.id} identifies incidents by subject.${runbook.subject}, which the alert lacks` };
  }
  const subject = String(value);
  // A dry run is its own incident: it must never attach to (or be mistaken for) the real one.
  const named = cluster === DEFAULT_CLUSTER ? { suffix: '', hashed: subject } : { suffix: `.${cluster}`, hashed: `${cluster}\n${subject}` };
  const workflowId = `ir-${runbook.id}${named.suffix}-${sha256Hex(named.hashed).slice(0, 16)}${drill !== undefined ? '-drill' : dryRun ? '-dry' : ''}`;
  return { ok: true, runbook, subject, workflowId };
}

/** The key of an exact duplicate: the alert's own fingerprint, else a hash of the whole alert. */
export function alertKey(alert: Alert, sha256Hex: (text: string) => string): string {
  return alert.fingerprint ? `fp:${alert.fingerprint}` : `sha256:${sha256Hex(JSON.stringify(alert))}`;
}
