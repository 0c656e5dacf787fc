// The answers in words, one line per question, shared by the Markdown and HTML renderings (each escapes them its own way).
import type { ReportAnswers } from './incident-report.js';
import { durationText } from '../model/duration.js';

type TopicRead = ReportAnswers['topicsRead'][number];

export const messagesText = (m: TopicRead['messages']): string =>
  m.atMost === null ? `≥ ${m.atLeast}` : m.atLeast === m.atMost ? String(m.atLeast) : `${m.atLeast}–${m.atMost}`;

export const rangesText = (t: TopicRead): string =>
  t.partitions.map((p) => `p${p.partition}: ${p.ranges.map((r) => (r.from === r.to ? String(r.from) : `${r.from}–${r.to}`)).join(', ')}`).join('; ');

export function coverageText(a: ReportAnswers): string {
  if (a.coverage.level === 'exact') return 'exact: the brokers\' records cover the whole window';
  if (a.coverage.level === 'none') return `none: ${a.coverage.missing.join('; ')}`;
  return `estimate${a.coverage.missing.length ? `: ${a.coverage.missing.join('; ')}` : ''}`;
}

export function classifiedText(a: ReportAnswers): string {
  const list = (status: 'read' | 'atRisk') => a.classified.topics.filter((c) => c.status === status).map((c) => `${c.topic} [${c.label}]`).join(', ');
  switch (a.classified.answer) {
    case 'yes': return `yes: ${list('read')}`;
    case 'at risk': return `at risk: readable, no record of a read: ${list('atRisk')}`;
    case 'not seen': return `not seen (coverage ${a.coverage.level})`;
    case 'unknown': return 'unknown: no blast-radius step ran to the end';
  }
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

/** Question and answer, in the order a post-mortem opens with. */
export function answerLines(a: ReportAnswers): [string, string][] {
  const read = a.topicsRead.map((t) => `${t.topic} (${messagesText(t.messages)} message(s))`).join(', ');
  return [
    ['Topics read', `${read || 'none seen'}${a.blastRadius ? ` by ${a.blastRadius.principal}` : ''}; coverage ${coverageText(a)}`],
    ['Classified data touched', classifiedText(a)],
    ['Backdoors found', backdoorsText(a)],
    ['Time to contain', a.timeToContainMs === null ? 'not contained' : durationText(a.timeToContainMs)],
  ];
}
