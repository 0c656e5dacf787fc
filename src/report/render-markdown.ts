// The post-mortem as Markdown: for a ticket, a wiki page or a pull request.
import { duration } from '../model/duration.js';
import type { IncidentReport } from './incident-report.js';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const table = (head: string[], rows: string[][]) =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');

export function renderMarkdown(r: IncidentReport): string {
  const i = r.incident;
  const m = r.metrics;
  const out = [
    `# Post-mortem: ${i.id}`,
    '',
    `Runbook **${i.runbook.id}** v${i.runbook.version} · subject \`${i.subject}\` · severity ${i.severity} · **${i.status}**${i.dryRun ? ' (dry run)' : ''} · ${i.alerts} alert(s)`,
    `Opened ${i.openedAt}${i.closedAt ? ` · ended ${i.closedAt}` : ''} · built from the ${r.builtFrom === 'history' ? 'workflow history' : 'incident view (history unavailable)'} at ${r.generatedAt}`,
    '',
    '## Metrics',
    '',
    table(['measure', 'value'], [
      ['time to triage', duration(m.timeToTriageMs)], ['time to contain', duration(m.timeToContainMs)],
      ['time to recover', duration(m.timeToRecoverMs)], ['time to close', duration(m.timeToCloseMs)],
      ...m.phases.map((p) => [`phase ${p.phase}`, duration(p.durationMs)]),
      ...Object.entries(m.approvalWaitMs).map(([step, ms]) => [`approval wait: ${step}`, duration(ms)]),
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
      out.push(`- **${a.step}**: ${a.outcome}, quorum ${a.quorum}, requested ${a.requestedAt}, waited ${duration(a.waitMs)}`);
      for (const v of a.votes) out.push(`  - ${v.person} ${v.decision} via ${v.channel} at ${v.at}${v.reason ? ` — ${v.reason}` : ''}`);
      for (const f of a.refusals) out.push(`  - refused ${f.person} via ${f.channel} at ${f.at}: ${f.reason}`);
    }
  }
  out.push('', '## Actions', '', table(['step', 'phase', 'action', 'status', 'plan / result', 'time'], r.actions.map((a) => [
    a.step, a.phase, a.action, a.undone ? `${a.status} (by ${a.undone.by})` : a.status,
    [a.plan?.summary, a.changed ? `${a.changed.length} changed, ${a.alreadyInPlace ?? 0} already in place` : '', a.error ?? ''].filter(Boolean).join('; '),
    a.runs.map((run) => `${run.role} ${duration(run.durationMs)}`).join(', '),
  ])));
  const changes = r.actions.filter((a) => a.changed?.length);
  if (changes.length) {
    out.push('', '### Changes applied', '');
    for (const a of changes) out.push(`- ${a.step}:`, ...a.changed!.map((c) => `  - \`${JSON.stringify(c)}\``));
  }
  if (r.blastRadius) {
    const b = r.blastRadius;
    out.push('', '## Blast radius', '', `Principal \`${b.principal}\`${b.superUser === true ? ' (super user)' : ''}: reads ${b.readableTopics.join(', ') || 'nothing'}; writes ${b.writableTopics.join(', ') || 'nothing'}.`,
      ...b.consumed.map((c) => `- consumed from ${c.topic}: ≥ ${c.messages} message(s)`), ...b.classified.map((c) => `- classified ${c.topic} (${c.label}): ${c.status}`), '', `_${b.caveat}_`);
  }
  if (r.evidence.length) {
    out.push('', '## Evidence', '');
    for (const e of r.evidence) {
      out.push(`- ${e.step}: \`${e.dir}\`, ${e.messages} message(s)${e.truncated ? ' (truncated)' : ''}, manifest sha256 \`${e.manifestSha256}\`, custody head \`${e.custodyHead}\``,
        ...e.files.map((f) => `  - ${f.path} — sha256 \`${f.sha256}\`, ${f.bytes} bytes`));
    }
  }
  out.push('', '## Lessons learned', '', ...(r.lessons.length ? r.lessons.map((l) => `- ${l.text} — ${l.person} (${l.channel}), ${l.at}`) : ['_none recorded_']));
  if (r.notes.length) out.push('', '## Notes', '', ...r.notes.map((n) => `- ${n.text} — ${n.person} (${n.channel}), ${n.at}`));
  return `${out.join('\n')}\n`;
}
