// The synthetic alert a drill runs its runbook on (`kafka-ir drill`): the runbook's own kind at its highest severity, about a made-up subject.
import type { Alert, AlertSubject } from './alert.js';
import type { Runbook } from './runbook.js';

const ORDER = ['low', 'medium', 'high', 'critical'] as const;

/** Subjects a drill uses when none is given: a principal and a client id no one has, a documentation address (RFC 5737). */
const DEFAULT_SUBJECT: AlertSubject = { principal: 'User:kafka-ir-drill', clientId: 'kafka-ir-drill', host: '192.0.2.1' };

/** The alert, or why there is none (the runbook keys on a broker id and none was given). */
export function drillAlert(runbook: Runbook, given: AlertSubject, now: Date, nonce: string): { alert: Alert } | { problem: string } {
  const subject = { ...DEFAULT_SUBJECT, ...given };
  if (runbook.subject === 'brokerId' && subject.brokerId === undefined) {
    return { problem: `runbook ${runbook.id} is about a broker: give the broker to rehearse on (--broker-id); nothing is changed on it` };
  }
  const severity = [...runbook.match.severity].sort((a, b) => ORDER.indexOf(b) - ORDER.indexOf(a))[0]!;
  return {
    alert: {
      kind: runbook.match.kind[0]!, severity, source: 'kafka-ir drill', observedAt: now.toISOString(),
      summary: `DRILL: rehearsal of runbook ${runbook.id} (no Kafka change is made)`,
      subject, labels: { 'kafka-ir.drill': 'true' }, fingerprint: `drill-${nonce}`,
    },
  };
}
