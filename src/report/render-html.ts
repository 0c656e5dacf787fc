// The post-mortem as one self-contained HTML page: inline CSS, no scripts, no external assets, readable on paper (@media print).
import { durationText } from '../model/duration.js';
import { answerLines, topicRows } from './answer-lines.js';
import { esc } from './html-escape.js';
import type { IncidentReport } from '../model/incident-report.js';
import { offsetsSvg } from './svg-offsets.js';
import { statechartSvg } from './svg-statechart.js';
import { timelineSvg } from './svg-timeline.js';

const table = (cls: string, head: string[], rows: string[][]) =>
  `<table class="${cls}"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${
    rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('\n')}</tbody></table>`;

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d232a;max-width:1100px;margin:2rem auto;padding:0 1rem}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;border-bottom:1px solid #d0d7de;padding-bottom:.2rem;margin-top:1.8rem}
.meta{color:#57606a}.status{display:inline-block;padding:0 .5rem;border-radius:.6rem;background:#eaeef2;font-weight:600}
.status.closed{background:#dafbe1}.status.aborted{background:#ffebe9}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{text-align:left;vertical-align:top;padding:.25rem .5rem;border-bottom:1px solid #eaeef2}
th{background:#f6f8fa}td:first-child{white-space:nowrap;font-variant-numeric:tabular-nums}code{font-size:.9em;word-break:break-all}
.metrics{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:.5rem}.metric{border:1px solid #d0d7de;border-radius:6px;padding:.5rem}
.metric b{display:block;font-size:1.2rem}
.answers{border:2px solid #0969da;border-radius:8px;padding:.4rem 1rem .8rem;margin-top:1rem}.answers h2{margin-top:.4rem;border:0}
.answers dl{display:grid;grid-template-columns:max-content 1fr;gap:.35rem 1.2rem;margin:.3rem 0}.answers dt{font-weight:600}.answers dd{margin:0}
.answer-yes{color:#cf222e;font-weight:700}.answer-at-risk{color:#9a6700;font-weight:700}.answer-not-seen{color:#1a7f37;font-weight:600}
figure{margin:.6rem 0}figcaption{color:#57606a;font-size:.9em}svg{display:block;max-width:100%;height:auto}
@media print{body{margin:0;max-width:none;font-size:11px}h2{break-after:avoid}tr,figure,.answers{break-inside:avoid}.metric{border-color:#999}a{color:inherit}}
`;

function answers(r: IncidentReport): string {
  const a = r.answers;
  const cls = `answer-${a.classified.answer.replace(/ /g, '-')}`;
  const rows = answerLines(a).map(([q, text]) => `<dt>${esc(q)}</dt><dd${q === 'Classified data touched' ? ` class="${cls}"` : ''}>${esc(text)}</dd>`);
  const read = topicRows(a);
  const topics = read.rows.length ? table('topics-read', read.head, read.rows) : '';
  const offsets = offsetsSvg(a.topicsRead);
  const picture = offsets ? `<figure>${offsets}<figcaption>Offsets the brokers delivered, per topic and partition (hover for times).</figcaption></figure>` : '';
  return `<section class="answers"><h2>The answers</h2><dl>${rows.join('')}</dl>${topics}${picture}</section>`;
}

function flowCaption(r: IncidentReport): string {
  const path = r.flow.phases.filter((p) => p.entered).map((p) => p.phase).join(' → ');
  const source = r.flow.from === 'runbook' ? `runbook ${r.incident.runbook.id} v${r.incident.runbook.version}` : 'the steps the incident view lists (the pinned runbook was not available)';
  return `The statechart of ${source}; bold: the path this incident took (${path || 'no phase entered'} → ${r.flow.end}).`;
}

function drillSections(r: IncidentReport): string[] {
  const d = r.drill;
  if (!d) return [];
  return [
    '<h2>DRILL score</h2>',
    table('drill', ['step', 'asked', 'outcome', 'time to decision', 'answered by', 'reached, no answer'], d.decisions.map((x) => [
      x.step, x.kind === 'failure' ? 'failure: retry/skip/abort' : 'approval', x.outcome, durationText(x.timeToDecisionMs),
      x.answeredBy.map((a) => `${a.person} ${a.decision} via ${a.channel} after ${durationText(a.afterMs)}`).join('; ') || 'nobody',
      [...x.silent, ...(x.escalatedTo.length ? [`(escalated to ${x.escalatedTo.join(', ')})`] : [])].join(', ') || '—',
    ])),
    '<h3>What a real incident would have changed</h3>',
    d.wouldHaveChanged.length
      ? `<ul>${d.wouldHaveChanged.map((w) => `<li><b>${esc(w.step)}</b> (${esc(w.action)}): ${esc(w.summary)}<ul>${w.changes.map((c) => `<li>${esc(c)}</li>`).join('')}</ul></li>`).join('')}</ul>`
      : '<p><i>no plan had changes</i></p>',
  ];
}

export function renderHtml(r: IncidentReport): string {
  const i = r.incident;
  const m = r.metrics;
  const metric = (label: string, ms: number | null) => `<div class="metric">${esc(label)}<b>${esc(durationText(ms))}</b></div>`;
  const sections = [
    i.drill ? `<h1>DRILL report: ${esc(i.id)}</h1>` : `<h1>Post-mortem: ${esc(i.id)}</h1>`,
    ...(i.drill ? ['<p class="notice"><b>DRILL</b>: a rehearsal with the real people, channels and timers. No Kafka change was made: plans were shown, never applied.</p>'] : []),
    `<p class="meta">Runbook <b>${esc(i.runbook.id)}</b> v${i.runbook.version} · cluster ${esc(i.cluster ?? 'default')} · subject <code>${esc(i.subject)}</code> · severity ${esc(i.severity)} · `
      + `<span class="status ${esc(i.status)}">${esc(i.status)}</span>${i.drill ? ' (DRILL)' : i.dryRun ? ' (dry run)' : ''} · ${i.alerts} alert(s)<br>`
      + `Opened ${esc(i.openedAt)}${i.closedAt ? ` · ended ${esc(i.closedAt)}` : ''} · built from the ${r.builtFrom === 'history' ? 'workflow history' : 'incident view'} at ${esc(r.generatedAt)}</p>`,
    ...drillSections(r),
    answers(r),
    '<h2>Metrics</h2>',
    `<div class="metrics">${[
      metric('time to triage', m.timeToTriageMs), metric('time to contain', m.timeToContainMs), metric('time to recover', m.timeToRecoverMs), metric('time to close', m.timeToCloseMs),
      ...m.phases.map((p) => metric(`phase ${p.phase}`, p.durationMs)), ...Object.entries(m.approvalWaitMs).map(([s, ms]) => metric(`approval wait: ${s}`, ms)),
    ].join('')}</div>`,
    '<h2>Path through the runbook</h2>',
    `<figure>${statechartSvg(r.flow)}<figcaption>${esc(flowCaption(r))}</figcaption></figure>`,
    '<h2>Timeline</h2>',
    `<figure>${timelineSvg(r)}<figcaption>Phases, approval waits, activity runs and decisions on the incident's clock; hover for details.</figcaption></figure>`,
    table('timeline', ['time', 'event', 'step', 'who', 'what'], r.timeline.map((e) => [e.at, e.type, e.step ?? e.phase ?? '', e.person ? `${e.person} (${e.channel})` : '', e.summary])),
  ];
  if (r.approvals.length) {
    sections.push('<h2>Approvals</h2>', table('approvals', ['step', 'outcome', 'quorum', 'waited', 'votes', 'refusals'], r.approvals.map((a) => [
      a.step, a.outcome, String(a.quorum), durationText(a.waitMs),
      a.votes.map((v) => `${v.person} ${v.decision} via ${v.channel} at ${v.at}`).join('; '), a.refusals.map((f) => `${f.person}: ${f.reason}`).join('; '),
    ])));
  }
  sections.push('<h2>Actions</h2>', table('actions', ['step', 'phase', 'action', 'status', 'plan / result', 'time'], r.actions.map((a) => [
    a.step, a.phase, a.action, a.undone ? `${a.status} (by ${a.undone.by})` : a.status,
    [a.plan?.summary, a.changed ? `${a.changed.length} changed, ${a.alreadyInPlace ?? 0} already in place` : '', a.error ?? '', a.note ?? ''].filter(Boolean).join('; '),
    a.runs.map((run) => `${run.role} ${durationText(run.durationMs)}`).join(', '),
  ])));
  if (r.blastRadius) {
    const b = r.blastRadius;
    sections.push('<h2>Blast radius</h2>', `<p>Principal <code>${esc(b.principal)}</code> reads ${esc(b.readableTopics.join(', ') || 'nothing')}; writes ${esc(b.writableTopics.join(', ') || 'nothing')}.</p>`,
      table('blast', ['topic', 'consumed (lower bound)'], b.consumed.map((c) => [c.topic, String(c.messages)])), `<p><i>${esc(b.caveat)}</i></p>`);
  }
  if (r.evidence.length) {
    sections.push('<h2>Evidence</h2>', table('evidence', ['step', 'file', 'sha256', 'bytes'], r.evidence.flatMap((e) => [
      ...e.files.map((f) => [e.step, `${e.dir}/${f.path}`, f.sha256, String(f.bytes)]), [e.step, 'custody head', e.custodyHead, ''],
    ])));
  }
  sections.push('<h2>Lessons learned</h2>', r.lessons.length
    ? `<ul>${r.lessons.map((l) => `<li>${esc(l.text)} — ${esc(l.person)} (${esc(l.channel)}), ${esc(l.at)}</li>`).join('')}</ul>` : '<p><i>none recorded</i></p>');
  if (r.notes.length) sections.push('<h2>Notes</h2>', `<ul>${r.notes.map((n) => `<li>${esc(n.text)} — ${esc(n.person)} (${esc(n.channel)}), ${esc(n.at)}</li>`).join('')}</ul>`);
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`
    + `<title>Post-mortem ${esc(i.id)}</title><style>${CSS}</style></head>\n<body>\n${sections.join('\n')}\n</body></html>\n`;
}
