// The questions people ask after the 3 a.m. call, answered from the incidents' views: what was read, what was planted, how fast.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IncidentView } from '../model/incident.js';
import { classifiedText, coverageText, messagesText, rangesText } from '../report/answer-lines.js';
import { buildReport } from '../report/build-report.js';
import { IncidentReport, type AnsweredRead, type ReportAnswers } from '../model/incident-report.js';
import { renderReport } from '../report/render-report.js';
import type { DemoEngine } from './demo-engine.js';

export interface DemoAnswers {
  incidents: { exfiltration: string; backdoor: string | null };
  /** Per topic read, from the post-mortem's answers: messages (bounds), offsets delivered per partition, clients, hosts, groups. */
  topicsRead: AnsweredRead[];
  /** How complete the records behind topicsRead are: exact, or an estimate naming what is missing. */
  coverage: ReportAnswers['coverage'];
  /** yes (which topics), not seen (with the coverage behind it), at risk (readable, no record of a read). */
  classifiedDataTouched: ReportAnswers['classified'];
  /** The SCRAM user the hunt found the attacker made (and raised as its own incident), or null. */
  backdoor: string | null;
  /** Opened → DENY applied, in seconds (the workflow's clock; the post-mortem's time to contain). */
  timeToContainSeconds: number | null;
  /** The captured evidence (NDJSON, manifest, custody log). */
  evidence: string | null;
  /** The post-mortems as Markdown (an HTML page with the pictures lies beside each). */
  reports: { exfiltration: string; backdoor: string | null };
  /** The folder holding the rotated password (a 0600 file); the password itself is never printed. */
  newCredential: string;
}

/**
 * The incident's post-mortem as the engine serves it (GET /v1/incidents/:id/report, built from the history), else
 * built here from its view; saved as Markdown and as HTML (with the pictures) in the demo's folder.
 */
export async function saveReport(engine: DemoEngine, view: IncidentView): Promise<{ file: string; report: IncidentReport }> {
  const served = await engine.text(`/v1/incidents/${view.id}/report?format=json`).catch(() => undefined);
  const report = served?.status === 200 ? IncidentReport.parse(JSON.parse(served.text)) : buildReport(view, undefined);
  const file = join(engine.dir, `report-${view.id}.md`);
  writeFileSync(file, renderReport(report, 'md').body, { mode: 0o600 });
  writeFileSync(file.replace(/\.md$/, '.html'), renderReport(report, 'html').body, { mode: 0o600 });
  return { file, report };
}

export function answersOf(
  exfiltration: IncidentReport, backdoorIncident: string | null, backdoor: string | null, reports: DemoAnswers['reports'], newCredential: string,
): DemoAnswers {
  const a = exfiltration.answers;
  return {
    incidents: { exfiltration: exfiltration.incident.id, backdoor: backdoorIncident },
    topicsRead: a.topicsRead,
    coverage: a.coverage,
    classifiedDataTouched: a.classified,
    backdoor,
    timeToContainSeconds: a.timeToContainMs === null ? null : a.timeToContainMs / 1000,
    evidence: exfiltration.evidence[0]?.dir ?? null,
    reports,
    newCredential,
  };
}

const INDENT = ' '.repeat(27);

/** The answers as people read them at the end of the demo. */
export function renderAnswers(a: DemoAnswers, principal: string): string {
  const read = a.topicsRead.map((t) => `${t.topic}: ${messagesText(t.messages)} message(s)${t.ranges.length ? `, offsets ${rangesText(t)}` : ''}`
    + `${a.coverage.basis === 'records' ? ` (${t.groups.length ? `group ${t.groups.join(', ')}` : 'no group: assign'})` : ''}`);
  const rows: [string, string][] = [
    ['Topics read', read.length ? `${read.join(`\n${INDENT}`)}\n${INDENT}— by ${principal}` : `nothing seen — by ${principal}`],
    ['Coverage', `${coverageText({ ...a.coverage, missing: a.coverage.missing.slice(0, 1) })}${a.coverage.missing.length > 1 ? `; and ${a.coverage.missing.length - 1} more (in the report)` : ''}`],
    ['Classified data touched', classifiedText(a.classifiedDataTouched)],
    ['Backdoor found', a.backdoor ? `${a.backdoor} (a SCRAM user made with the stolen password; the engine's follow-up incident ${a.incidents.backdoor ?? 'was not raised'})` : 'none'],
    ['Time to contain', a.timeToContainSeconds === null ? 'not contained' : `${a.timeToContainSeconds.toFixed(1)} s (incident opened → DENY applied)`],
    ['Evidence', a.evidence ?? 'none captured'],
    ['Report', [a.reports.exfiltration, a.reports.backdoor].filter(Boolean).map((f) => `${f} (and .html, with pictures)`).join(`\n${INDENT}`)],
    ['New password', `in ${a.newCredential} (never printed)`],
  ];
  return ['', 'The answers', ...rows.map(([k, v]) => `  ${`${k}:`.padEnd(25)}${v}`), ''].join('\n');
}
