// The post-mortem as Markdown, answers first: for a ticket, a wiki page or a pull request. Every value is escaped (markdown-escape.ts).
import { durationText } from '../model/duration.js';
import { answerLines, topicRows } from './answer-lines.js';
import type { IncidentReport } from '../model/incident-report.js';
import { mdCode, mdText } from './markdown-escape.js';

const table = (head: string[], rows: string[][]) =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(mdText).join(' | ')} |`)].join('\n');
const by = (x: { person: string; channel: string; at: string }) => `${mdText(x.person)} (${mdText(x.channel)}), ${mdText(x.at)}`;

function answers(r: IncidentReport): string[] {
  const a = r.answers;
  const topics = topicRows(a);
  return ['## The answers', '', table(['question', 'answer'], answerLines(a)), ...(topics.rows.length ? ['', table(topics.head, topics.rows)] : [])];
}

/** A drill's score, first: how fast each decision came, from whom, who stayed silent, what a real run would have changed. */
function drillScore(r: IncidentReport): string[] {
  const d = r.drill;
  if (!d) return [];
  return [
    '## DRILL score', '',
    table(['step', 'asked', 'outcome', 'time to decision', 'answered by', 'reached, no answer'], d.decisions.map((x) => [
      x.step, x.kind === 'failure' ? 'failure: retry/skip/abort' : 'approval', x.outcome, durationText(x.timeToDecisionMs),
      x.answeredBy.map((a) => `${a.person} ${a.decision} via ${a.channel} after ${durationText(a.afterMs)}`).join('; ') || 'nobody',
      [...x.silent, ...(x.escalatedTo.length ? [`(escalated to ${x.escalatedTo.join(', ')})`] : [])].join(', ') || '—',
    ])),
    '', '### What a real incident would have changed', '',
    ...(d.wouldHaveChanged.length
      ? d.wouldHaveChanged.flatMap((w) => [`- **${mdText(w.step)}** (${mdText(w.action)}): ${mdText(w.summary)}`, ...w.changes.map((c) => `  - ${mdText(c)}`)])
      : ['_no plan had changes_']),
    '',
  ];
}

export function renderMarkdown(r: IncidentReport): string {
  const i = r.incident;
  const m = r.metrics;
  const out = [
    i.drill ? `# DRILL report: ${mdText(i.id)}` : `# Post-mortem: ${mdText(i.id)}`,
    '',
    ...(i.drill ? ['**DRILL**: a rehearsal with the real people, channels and timers. No Kafka change was made: plans were shown, never applied.', ''] : []),
    `Runbook **${mdText(i.runbook.id)}** v${i.runbook.version} · cluster ${mdText(i.cluster ?? 'default')} · subject ${mdCode(i.subject)} · severity ${mdText(i.severity)} · **${mdText(i.status)}**${i.drill ? ' (DRILL)' : i.dryRun ? ' (dry run)' : ''} · ${i.alerts} alert(s)`,
    `Opened ${mdText(i.openedAt)}${i.closedAt ? ` · ended ${mdText(i.closedAt)}` : ''} · built from the ${r.builtFrom === 'history' ? 'workflow history' : 'incident view (history unavailable)'} at ${mdText(r.generatedAt)}`,
    '',
    ...drillScore(r),
    ...answers(r),
    '',
    '## Metrics',
    '',
    table(['measure', 'value'], [
      ['time to triage', durationText(m.timeToTriageMs)], ['time to contain', durationText(m.timeToContainMs)],
      ['time to recover', durationText(m.timeToRecoverMs)], ['time to close', durationText(m.timeToCloseMs)],
      ...m.phases.map((p) => [`phase ${p.phase}`, durationText(p.durationMs)]),
      ...Object.entries(m.approvalWaitMs).map(([step, ms]) => [`approval wait: ${step}`, durationText(ms)]),
    ]),
    '',
    '## Timeline',
    '',
    table(['time', 'event', 'step', 'who', 'what'], r.timeline.map((e) => [
      e.at, e.type, e.step ?? e.phase ?? '', e.person ? `${e.person} (${e.channel})` : '', e.summary,
    ])),
  ];
  if (r.approvals.length) {
    out.push('', '## Approvals', '');
    for (const a of r.approvals) {
      out.push(`- **${mdText(a.step)}**: ${mdText(a.outcome)}, quorum ${a.quorum}, requested ${mdText(a.requestedAt)}, waited ${durationText(a.waitMs)}`);
      for (const v of a.votes) out.push(`  - ${mdText(v.person)} ${v.decision} via ${mdText(v.channel)} at ${mdText(v.at)}${v.reason ? ` — ${mdText(v.reason)}` : ''}`);
      for (const f of a.refusals) out.push(`  - refused ${mdText(f.person)} via ${mdText(f.channel)} at ${mdText(f.at)}: ${mdText(f.reason)}`);
    }
  }
  out.push('', '## Actions', '', table(['step', 'phase', 'action', 'status', 'plan / result', 'time'], r.actions.map((a) => [
    a.step, a.phase, a.action, a.undone ? `${a.status} (by ${a.undone.by})` : a.status,
    [a.plan?.summary, a.changed ? `${a.changed.length} changed, ${a.alreadyInPlace ?? 0} already in place` : '', a.error ?? '', a.note ?? ''].filter(Boolean).join('; '),
    a.runs.map((run) => `${run.role} ${durationText(run.durationMs)}`).join(', '),
  ])));
  const changes = r.actions.filter((a) => a.changed?.length);
  if (changes.length) {
    out.push('', '### Changes applied', '');
    for (const a of changes) out.push(`- ${mdText(a.step)}:`, ...a.changed!.map((c) => `  - ${mdCode(JSON.stringify(c))}`));
  }
  if (r.blastRadius) {
    const b = r.blastRadius;
    out.push('', '## Blast radius', '', `Principal ${mdCode(b.principal)}${b.superUser === true ? ' (super user)' : ''}: reads ${mdText(b.readableTopics.join(', ') || 'nothing')}; writes ${mdText(b.writableTopics.join(', ') || 'nothing')}.`,
      ...b.consumed.map((c) => `- consumed from ${mdText(c.topic)}: ≥ ${c.messages} message(s)`), ...b.classified.map((c) => `- classified ${mdText(c.topic)} (${mdText(c.label)}): ${c.status}`), '', `_${mdText(b.caveat)}_`);
  }
  if (r.evidence.length) {
    out.push('', '## Evidence', '');
    for (const e of r.evidence) {
      out.push(`- ${mdText(e.step)}: ${mdCode(e.dir)}, ${e.messages} message(s)${e.truncated ? ' (truncated)' : ''}, manifest sha256 ${mdCode(e.manifestSha256)}, custody head ${mdCode(e.custodyHead)}`,
        ...e.files.map((f) => `  - ${mdText(f.path)} — sha256 ${mdCode(f.sha256)}, ${f.bytes} bytes`));
    }
  }
  out.push('', '## Lessons learned', '', ...(r.lessons.length ? r.lessons.map((l) => `- ${mdText(l.text)} — ${by(l)}`) : ['_none recorded_']));
  if (r.notes.length) out.push('', '## Notes', '', ...r.notes.map((n) => `- ${mdText(n.text)} — ${by(n)}`));
  return `${out.join('\n')}\n`;
}
