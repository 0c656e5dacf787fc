// A hunt's finding as an alert into the engine's own intake: routed by kind to a runbook, deduplicated by the finding's fingerprint.
import type { Alert } from './alert.js';
import type { AdminFinding } from './admin-audit.js';
import type { IntakeStatus } from './incident.js';
import { parseIncidentId } from './incident.js';

export type RaiseOutcome = { matched: true; id: string; runbook: string; status: IntakeStatus } | { matched: false; reason: string };

/** Submits an alert the way every intake source does (the engine's incident service); injected into the activities. */
export type RaiseAlert = (alert: Alert, options: { dryRun: boolean }) => Promise<RaiseOutcome>;

/** Labels a follow-up's alert carries: the incident and step that found it, and what it found. */
export const FOLLOW_UP_OF = 'kafka-ir.follow-up-of';

/** A dry run's workflow id ends with "-dry", a drill's with "-drill" (docs/design.md §4): their follow-ups are dry runs. */
export const isDryRunIncident = (incidentId: string): boolean => /-dry(?:ill)?$/.test(parseIncidentId(incidentId)?.workflowId ?? '');

/** The alert a finding raises; its source names the incident that found it, so the follow-up's timeline links back. */
/** `from.cluster`: the cluster the finding was made on, where the follow-up acts too (absent: "default"). */
export function followUpAlert(
  finding: AdminFinding & { followUp: NonNullable<AdminFinding['followUp']> }, from: { incidentId: string; step: string; cluster?: string }, observedAt: string,
): Alert {
  return {
    kind: finding.followUp.kind,
    severity: 'high',
    summary: `${finding.says} (found by incident ${from.incidentId}, step ${from.step})`,
    source: `kafka-ir incident ${from.incidentId}`,
    observedAt,
    subject: {
      principal: finding.followUp.principal, ...(finding.target.topic ? { topics: [finding.target.topic] } : {}), ...(from.cluster ? { cluster: from.cluster } : {}),
    },
    labels: {
      [FOLLOW_UP_OF]: from.incidentId, 'kafka-ir.step': from.step, 'kafka-ir.finding': finding.kind,
      ...(finding.by ? { 'kafka-ir.made-by': finding.by } : {}), ...(finding.at ? { 'kafka-ir.made-at': finding.at } : {}),
    },
    fingerprint: finding.fingerprint,
  };
}
