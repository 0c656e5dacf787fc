// The answers in words, one line per question, shared by the Markdown and HTML renderings (each escapes them its own way).
import { durationText } from '../model/duration.js';
import type { AnsweredRead, ReportAnswers } from '../model/incident-report.js';

export const messagesText = (m: AnsweredRead['messages']): string =>
  m.atMost === null ? `≥ ${m.atLeast}` : m.atLeast === m.atMost ? String(m.atLeast) : `${m.atLeast}–${m.atMost}`;

/** Offsets as people count them (inclusive): proven up to where the reader asked next, possibly up to the high watermark. */
export const rangesText = (t: AnsweredRead): string => t.ranges.map((r) => {
  const proven = r.provenTo > r.from ? `${r.from}–${r.provenTo - 1}` : `from ${r.from}`;
  const possible = r.possibleTo > Math.max(r.provenTo, r.from + 1) ? `, possibly to ${r.possibleTo - 1}` : '';
  return `p${r.partition} ${proven}${possible}`;
}).join('; ');

/** A gap as people read it: its reason usually names the broker and where its records begin, which the window completes. */
export const gapText = (g: ReportAnswers['coverage']['missing'][number]): string => {
  const who = g.broker === undefined ? 'every broker' : `broker ${g.broker}`;
  return g.reason.includes(who) ? g.reason : `${who}: ${g.reason} (${g.from} → ${g.to})`;
};

export function coverageText(c: ReportAnswers['coverage']): string {
  const window = c.window ? ` ${c.window.from} → ${c.window.to}` : '';
  const basis = c.basis === 'records' ? 'the brokers\' access records' : c.basis === 'offsets' ? 'committed group offsets' : 'nothing';
  const head = c.answer === 'exact' ? `exact: every broker's access records cover the window${window}` : `${c.answer}, from ${basis}${window}`;
  return [head, ...(c.missing.length ? [`missing: ${c.missing.map(gapText).join('; ')}`] : []), ...(c.note ? [c.note] : [])].join('; ');
}

export function classifiedText(c: ReportAnswers['classified']): string {
  const topics = c.topics.map((t) => `${t.topic} [${t.label}]`).join(', ');
  return `${c.answer}${topics ? `: ${topics}` : ''} (${c.because})`;
}

export function backdoorsText(a: ReportAnswers): string {
  const b = a.backdoors;
  if (!b) return 'not looked for: no baseline diff ran to the end';
  const users = b.users.map((u) => `${u.user} (new SCRAM user${u.grants.length ? `, ${u.grants.length} ALLOW grant(s)` : ', no grants'})`);
  const allows = b.allows.map((g) => `ALLOW ${g.principal} ${g.operation} on ${g.resourceType} ${g.resourceName}${g.patternType === 'prefixed' ? '*' : ''}`);
  const found = [...users, ...allows];
  const other = b.otherChanges ? `; ${b.otherChanges} other change(s) since the baseline` : '';
  return `${found.length ? found.join('; ') : 'none'}${other} (against ${b.baseline})`;
}

/** The topics-read table: offsets, who (client ids and hosts) and through which groups; offsets alone name neither. */
export function topicRows(a: ReportAnswers): { head: string[]; rows: string[][] } {
  const records = a.coverage.basis === 'records';
  return {
    head: ['topic read', 'messages', 'offsets read', 'clients and hosts', 'groups'],
    rows: a.topicsRead.map((t) => [
      t.topic, messagesText(t.messages), rangesText(t) || '— (offsets name no ranges)',
      [...t.clientIds, ...t.hosts].join(', ') || '—', records ? t.groups.join(', ') || 'none (assign, no group)' : '—',
    ]),
  };
}

/** Question and answer, in the order a post-mortem opens with; findings that are empty are left out, the four questions never. */
export function answerLines(a: ReportAnswers): [string, string][] {
  const read = a.topicsRead.map((t) => `${t.topic} (${messagesText(t.messages)} message(s))`).join(', ');
  const lines: [string, string][] = [
    ['Topics read', `${read || 'none seen'}${a.blastRadius ? ` — ${a.blastRadius.principal}` : ''}`],
    ['Coverage', coverageText(a.coverage)],
    ['Classified data touched', classifiedText(a.classified)],
  ];
  if (a.written.length) lines.push(['Topics written', a.written.map((w) => `${w.topic} (${w.requests} request(s), ${w.bytes} bytes)`).join(', ')]);
  if (a.denied.length) lines.push(['Denied attempts', a.denied.map((d) => `${d.operation} ${d.resource} (${d.request}) ×${d.count}`).join(', ')]);
  if (a.sharedGroups.length) lines.push(['Shared groups, not attributed', a.sharedGroups.map((g) => `${g.group} (also ${g.sharedWith.join(', ')})`).join(', ')]);
  lines.push(['Backdoors found', backdoorsText(a)], ['Time to contain', a.timeToContainMs === null ? 'not contained' : durationText(a.timeToContainMs)]);
  return lines;
}
