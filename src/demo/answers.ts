// The questions people ask after the 3 a.m. call, answered from the incidents' views: what was read, what was planted, how fast.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { backdoorFindings, type BaselineDiff } from '../model/baseline.js';
import type { BlastRadius, EvidenceCapture } from '../model/actions/forensics.js';
import type { IncidentView } from '../model/incident.js';
import type { DemoEngine } from './demo-engine.js';

export interface DemoAnswers {
  incidents: { exfiltration: string; backdoor: string | null };
  /** From the blast radius: topics its consumer groups read since the alert's window began, with message counts. */
  topicsRead: { topic: string; messages: number }[];
  classifiedDataTouched: boolean;
  /** Classified topics it could read but did not (as far as group offsets show). */
  classifiedAtRisk: { topic: string; label: string }[];
  /** The SCRAM user the baseline diff found, or null. */
  backdoor: string | null;
  /** Alert → DENY applied, in seconds (the workflow's clock). */
  timeToContainSeconds: number | null;
  /** The captured evidence (NDJSON, manifest, custody log). */
  evidence: string | null;
  /** The post-mortem report, or the incident's JSON view where the engine has no report endpoint. */
  reports: { exfiltration: string; backdoor: string | null };
  /** The folder holding the rotated password (a 0600 file); the password itself is never printed. */
  newCredential: string;
}

const output = <T>(v: IncidentView, step: string) => v.steps.find((s) => s.id === step && s.status !== 'failed')?.output as T | undefined;
const at = (v: IncidentView, pick: (e: IncidentView['timeline'][number]) => boolean) => {
  const e = v.timeline.find(pick);
  return e ? Date.parse(e.at) : undefined;
};

/** The new SCRAM users the diff found that also gained grants: the backdoor candidates. */
export function backdoorsIn(diff: BaselineDiff | undefined): string[] {
  return diff ? backdoorFindings(diff).users.filter((u) => u.grants.length > 0).map((u) => u.user) : [];
}

/** Saves the report (GET /v1/incidents/:id/report) where the engine serves one, else the incident's JSON view. */
export async function saveReport(engine: DemoEngine, view: IncidentView): Promise<string> {
  const report = await engine.text(`/v1/incidents/${view.id}/report?format=md`).catch(() => undefined);
  const [file, body] = report?.status === 200
    ? [join(engine.dir, `report-${view.id}.md`), report.text]
    : [join(engine.dir, `incident-${view.id}.json`), `${JSON.stringify(view, null, 2)}\n`];
  writeFileSync(file, body, { mode: 0o600 });
  return file;
}

export function answersOf(
  exfiltration: IncidentView, backdoorIncident: IncidentView | undefined, backdoor: string | null,
  reports: DemoAnswers['reports'], newCredential: string,
): DemoAnswers {
  const blast = output<BlastRadius>(exfiltration, 'blast-radius');
  const alerted = at(exfiltration, (e) => e.type === 'alert');
  const denied = at(exfiltration, (e) => e.type === 'step.done' && e.step === 'deny');
  return {
    incidents: { exfiltration: exfiltration.id, backdoor: backdoorIncident?.id ?? null },
    topicsRead: blast?.consumed ?? [],
    classifiedDataTouched: blast?.classified.some((c) => c.status === 'read') ?? false,
    classifiedAtRisk: blast?.classified.filter((c) => c.status === 'atRisk').map(({ topic, label }) => ({ topic, label })) ?? [],
    backdoor,
    timeToContainSeconds: alerted !== undefined && denied !== undefined ? (denied - alerted) / 1000 : null,
    evidence: output<EvidenceCapture>(exfiltration, 'evidence')?.dir ?? null,
    reports,
    newCredential,
  };
}

/** The answers as people read them at the end of the demo. */
export function renderAnswers(a: DemoAnswers, principal: string): string {
  const read = a.topicsRead.map((t) => `${t.topic} (${t.messages} message${t.messages === 1 ? '' : 's'})`).join(', ') || 'nothing seen';
  const atRisk = a.classifiedAtRisk.map((c) => `${c.topic} [${c.label}]`).join(', ');
  const rows: [string, string][] = [
    ['Topics read', `${read} — by ${principal}'s consumer groups (a lower bound)`],
    ['Classified data touched', a.classifiedDataTouched ? 'YES' : `no${atRisk ? ` (readable but not read: ${atRisk})` : ''}`],
    ['Backdoor found', a.backdoor ? `${a.backdoor} (a SCRAM user added since the baseline; incident ${a.incidents.backdoor ?? 'not raised'})` : 'none'],
    ['Time to contain', a.timeToContainSeconds === null ? 'not contained' : `${a.timeToContainSeconds.toFixed(1)} s (alert → DENY applied)`],
    ['Evidence', a.evidence ?? 'none captured'],
    ['Report', [a.reports.exfiltration, a.reports.backdoor].filter(Boolean).join('\n' + ' '.repeat(27))],
    ['New password', `in ${a.newCredential} (never printed)`],
  ];
  return ['', 'The answers', ...rows.map(([k, v]) => `  ${`${k}:`.padEnd(25)}${v}`), ''].join('\n');
}
