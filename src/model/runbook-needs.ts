// What each runbook step needs from the engine's settings (a secret sink, Splunk HEC, …), checked before any incident starts. Pure.
import type { Runbook } from './runbook.js';
import { isUndoStep, stepsOf } from './runbook-steps.js';
import type { ActionName } from './actions.js';

/** What an engine has set up, as far as runbook steps care. */
export interface Facilities {
  secretSink: boolean;
  /** SPLUNK_HEC_URL and SPLUNK_HEC_TOKEN. */
  hec: boolean;
  /** SMTP_URL and EMAIL_FROM. */
  email: boolean;
  slack: boolean;
  accessLog: boolean;
  /** A baseline schedule (baseline.every). */
  baseline: boolean;
  /** authorizer.allowEveryoneIfNoAclFound is declared. */
  authorizerDeclared: boolean;
  /** The evidence folder (KAFKA_IR_EVIDENCE_DIR), and why it cannot be written, if it cannot. */
  evidence: { dir: string; problem?: string };
}

/**
 * A setting a step lacks. `required`: without it the step cannot do its job, or its failure would stop the incident (the
 * runbook is then disabled on this engine); otherwise the step runs with less (advice, logged at start-up).
 */
export interface UnmetNeed { runbook: string; step: string; action: string; setting: string; fix: string; required: boolean }

type Check = (f: Facilities, stopsIncident: boolean) => Omit<UnmetNeed, 'runbook' | 'step' | 'action'> | undefined;

const evidence: Check = (f) => (f.evidence.problem
  ? { setting: 'KAFKA_IR_EVIDENCE_DIR', fix: `the evidence folder ${f.evidence.dir} ${f.evidence.problem}: set KAFKA_IR_EVIDENCE_DIR to a folder the engine can write`, required: true }
  : undefined);

const baseline: Check = (f, stopsIncident) => (f.baseline
  ? undefined
  : { setting: 'baseline.every', fix: 'fails until a baseline exists: set baseline: { every: 6h } in the settings file (the first is taken at start-up)', required: stopsIncident });

const authorizer: Check = (f) => (f.authorizerDeclared
  ? undefined
  : { setting: 'authorizer', fix: 'Kafka hides super.users and allow.everyone.if.no.acl.found: declare them under authorizer: { superUsers: [...], allowEveryoneIfNoAclFound: … } in the settings file, or plans assume the worst', required: false });

const NEEDS: Partial<Record<ActionName, Check[]>> = {
  'kafka.credentials.rotate': [
    (f) => (f.secretSink ? undefined : { setting: 'secretSink', fix: 'the new secret has nowhere to go: set secretSink: { type: file, dir: /path } (or { type: command, command: [...] }) in the settings file', required: true }),
    authorizer,
  ],
  'siem.export': [
    (f) => (f.hec ? undefined : { setting: 'SPLUNK_HEC_URL', fix: 'nowhere to send: set SPLUNK_HEC_URL and SPLUNK_HEC_TOKEN (Splunk: Settings > Data inputs > HTTP Event Collector)', required: true }),
    evidence,
  ],
  'email.notify': [(f) => (f.email ? undefined : { setting: 'SMTP_URL', fix: 'sends nothing: set SMTP_URL and EMAIL_FROM', required: false })],
  'slack.notify': [(f) => (f.slack ? undefined : { setting: 'SLACK_BOT_TOKEN', fix: 'posts nothing: set SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_CHANNEL, SLACK_TEAM_ID and SLACK_APP_ID', required: false })],
  'kafka.evidence.capture': [evidence],
  'kafka.baseline.snapshot': [evidence],
  'kafka.baseline.diff': [evidence, baseline],
  'kafka.admin.audit': [
    evidence,
    (f, stopsIncident) => (f.accessLog || f.baseline
      ? undefined
      : { setting: 'accessLog', fix: "has nothing to hunt with: set accessLog (the brokers' request logs, docs/access-records.md) and baseline: { every: 6h } in the settings file", required: stopsIncident }),
  ],
  'kafka.blastRadius': [(f) => (f.accessLog ? undefined : { setting: 'accessLog', fix: "answers from committed group offsets only (a lower bound): set accessLog to the brokers' request logs (docs/access-records.md)", required: false })],
  'kafka.acl.deny': [authorizer],
  'kafka.acl.revoke': [authorizer],
  'kafka.access.verify': [authorizer],
};

/** Every setting the runbook's steps lack on an engine with these facilities. */
export function unmetNeeds(runbook: Runbook, facilities: Facilities): UnmetNeed[] {
  return stepsOf(runbook).flatMap(({ step }) => {
    if (isUndoStep(step)) return [];
    return (NEEDS[step.action] ?? []).flatMap((check) => {
      const unmet = check(facilities, step.onFailure === 'abort');
      return unmet ? [{ runbook: runbook.id, step: step.id, action: step.action, ...unmet }] : [];
    });
  });
}

/** What a step lacks, which setting, and what to set: for a line that already names the runbook (or its file). */
export const describeStepNeed = (n: UnmetNeed) => `step ${n.step} (${n.action}) needs ${n.setting}: ${n.fix}`;

/** Advice, one line per runbook and missing setting (several steps often lack the same one). */
export function describeAdvice(needs: readonly UnmetNeed[]): string[] {
  const lines = new Map<string, { steps: string[]; need: UnmetNeed }>();
  for (const n of needs.filter((x) => !x.required)) {
    const key = `${n.runbook}\u0000${n.fix}`;
    const line = lines.get(key) ?? { steps: [], need: n };
    line.steps.push(`${n.step} (${n.action})`);
    lines.set(key, line);
  }
  return [...lines.values()].map(({ steps, need }) => `runbook ${need.runbook}, step${steps.length > 1 ? 's' : ''} ${steps.join(', ')}: ${need.fix}`);
}

/** The runbooks that cannot run on this engine, each with why: an alert for one is refused with that reason. */
export function disabledRunbooks(needs: readonly UnmetNeed[]): Map<string, string> {
  const disabled = new Map<string, string>();
  for (const n of needs.filter((x) => x.required)) {
    const before = disabled.get(n.runbook);
    disabled.set(n.runbook, before ? `${before}; ${describeStepNeed(n)}` : `runbook ${n.runbook} is disabled on this engine: ${describeStepNeed(n)}`);
  }
  return disabled;
}
