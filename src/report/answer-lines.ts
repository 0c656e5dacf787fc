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

type HuntFinding = NonNullable<ReportAnswers['hunt']>['findings'][number];

/** A finding with who made it, when and from where, and the follow-up incident it raised (or why none). */
function findingText(f: HuntFinding): string {
  const when = f.at ? ` at ${f.at}${f.host ? ` from ${f.host}` : ''}` : '';
  const follow = f.followUp?.incident ? ` → follow-up incident ${f.followUp.incident} (${f.followUp.runbook ?? 'runbook'}, ${f.followUp.status})`
    : f.followUp ? ` → follow-up ${f.followUp.status}${f.followUp.reason ? `: ${f.followUp.reason}` : ''}`
    : f.why ? ` (no follow-up: ${f.why})` : '';
  return `${f.says}${when}${follow}`;
}

/** The hunt's findings (what was done, by whom, with their follow-up incidents), then the baseline diff's. */
export function backdoorsText(a: ReportAnswers): string {
  const parts: string[] = [];
  if (a.hunt) {
    const h = a.hunt;
    const basis = h.coverage === 'none' ? 'the baseline diff only, no records' : `${h.requests} administrative request(s) in the records, ${h.coverage}`;
    parts.push(`${h.findings.length ? h.findings.map(findingText).join('; ') : 'none'} (hunt ${h.window.from} → ${h.window.to}: ${basis})`);
  }
  const b = a.backdoors;
  if (b) {
    const users = b.users.map((u) => `${u.user} (new SCRAM user${u.grants.length ? `, ${u.grants.length} ALLOW grant(s)` : ', no grants'})`);
    const allows = b.allows.map((g) => `ALLOW ${g.principal} ${g.operation} on ${g.resourceType} ${g.resourceName}${g.patternType === 'prefixed' ? '*' : ''}`);
    const tokens = b.tokens.map((t) => `delegation token ${t.tokenId} of ${t.owner}`);
    const found = [...users, ...allows, ...tokens];
    const other = b.otherChanges ? `; ${b.otherChanges} other change(s) since the baseline` : '';
    parts.push(`${a.hunt ? 'baseline diff: ' : ''}${found.length ? found.join('; ') : 'none'}${other} (against ${b.baseline})`);
  }
  return parts.length ? parts.join(' — ') : 'not looked for: no hunt or baseline diff ran to the end';
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
