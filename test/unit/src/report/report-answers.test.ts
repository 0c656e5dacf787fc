// The post-mortem opens with the answers (found by action, not step id), draws the runbook's path, and keeps free text inert in Markdown.
import { describe, expect, it } from 'vitest';
import type { IncidentView } from '../../../../src/model/incident.js';
import type { Runbook } from '../../../../src/model/runbook.js';
import { buildReport } from '../../../../src/report/build-report.js';
import { renderHtml } from '../../../../src/report/render-html.js';
import { renderMarkdown } from '../../../../src/report/render-markdown.js';
import { reportFlow } from '../../../../src/report/report-flow.js';

const at = (s: number) => new Date(Date.UTC(2026, 0, 5, 3, 7, s)).toISOString();
const acl = (principal: string, permission: 'allow' | 'deny') =>
  ({ resourceType: 'topic', resourceName: '*', patternType: 'literal', principal, host: '*', operation: 'all', permission }) as const;

const ref = (broker: number, says: string) => ({ broker, at: at(3), source: `kafka-request.log:${broker}`, says });
const window = { from: at(-86_400), to: at(20) };
/** What the brokers' records showed: purchasing read through a group, supply with assign() (no group); broker 3's records end early. */
const blast = {
  principal: 'User:sergei', superUser: false, readableTopics: ['customers', 'purchasing', 'supply'], writableTopics: [], groups: [],
  consumed: [{ topic: 'purchasing', messages: 5 }, { topic: 'supply', messages: 2 }], readTopics: ['purchasing', 'supply'],
  classified: [{ topic: 'customers', label: 'pii', status: 'atRisk' }], caveat: 'from records', notes: [],
  reads: [
    { topic: 'purchasing', ranges: [{ partition: 0, from: 0, provenTo: 5, possibleTo: 5, firstAt: at(2), lastAt: at(3) }], firstAt: at(2), lastAt: at(3),
      clientIds: ['backup-tool'], hosts: ['10.0.0.9'], groups: ['sergei-sync'], messages: { atLeast: 5, atMost: 5 }, proof: { atLeast: [ref(1, 'commit 5')], atMost: [ref(1, 'fetch')] } },
    { topic: 'supply', ranges: [{ partition: 0, from: 0, provenTo: 2, possibleTo: 3, firstAt: at(2), lastAt: at(4) }, { partition: 1, from: 7, provenTo: 7, possibleTo: 9, firstAt: at(4), lastAt: at(4) }],
      firstAt: at(2), lastAt: at(4), clientIds: ['rdkafka'], hosts: ['10.0.0.9'], groups: [], messages: { atLeast: 2, atMost: 5 }, proof: { atLeast: [ref(2, 'fetch 2')], atMost: [ref(2, 'fetch hw 3')] },
      extent: [{ partition: 0, start: 0, end: 3 }, { partition: 1, start: 4, end: 20 }] },
  ],
  unnamedReads: [], ranges: [], written: [], groupsUsed: [], sharedGroups: [{ group: 'reporting', sharedWith: ['User:reporting'], note: 'shared — not attributed' }],
  denied: [{ operation: 'Describe', resource: 'Topic:LITERAL:payroll', request: 'METADATA', count: 3, hosts: ['10.0.0.9'], firstAt: at(1), lastAt: at(2), proof: ref(1, 'denied') }],
  classifiedTouched: { answer: 'atRisk', topics: [{ topic: 'customers', label: 'pii' }], because: 'readable, and broker 3\'s records do not cover the window' },
  coverage: {
    basis: 'records', answer: 'estimate', window, brokers: [{ broker: 1, covered: true }, { broker: 2, covered: true }, { broker: 3, covered: false }],
    missing: [{ broker: 3, from: window.from, to: window.to, reason: 'no records from this broker' }], lines: { records: 40, other: 0, garbage: 0, truncated: 0 }, sources: ['/var/log/kafka/*.log'],
  },
};
const diff = {
  baseline: 'baselines/latest.json',
  added: { acls: [acl('User:svc-backup', 'allow'), acl('User:sergei', 'deny')], scramUsers: [{ user: 'svc-backup', mechanisms: ['SCRAM-SHA-512'] }], quotas: [], configs: [] },
  removed: { acls: [], scramUsers: [], quotas: [], configs: [] },
  changed: { scramUsers: [], quotas: [], configs: [] },
};

/** An incident as the API shows it, with hostile free text wherever people or alerts supply it. */
function incident(): IncidentView {
  return {
    id: 'ir-data-exfiltration-0123456789abcdef-01234567', runbook: { id: 'data-exfiltration', version: 1 }, subject: 'User:sergei',
    severity: 'critical', status: 'closed', phase: 'closed', dryRun: false, openedAt: at(0), closedAt: at(40), alerts: 1,
    steps: [
      // Named unlike the built-in runbook's steps: the answers are found by action.
      { id: 'measure', phase: 'detection', action: 'kafka.blastRadius', status: 'done', output: blast },
      { id: 'cut-off', phase: 'containment', action: 'kafka.acl.deny', status: 'done', approvals: { quorum: 1, votes: [], waitingOn: [] } },
      { id: 'hunt', phase: 'eradication', action: 'kafka.baseline.diff', status: 'done', output: diff },
    ],
    timeline: [
      { at: at(0), type: 'alert', kind: 'data-exfiltration', summary: 'reads\n# Forged heading\n[click here](https://evil.example/x) <img src=x onerror=alert(1)>', source: 'siem' },
      ...['preparation', 'detection', 'containment', 'eradication', 'recovery', 'lessons'].map((phase, k) => ({ at: at(k * 5), type: 'phase', phase })),
      { at: at(12), type: 'approval.requested', step: 'cut-off', from: ['secops'], quorum: 1 },
      { at: at(14), type: 'decision', step: 'cut-off', person: 'ana', channel: 'slack', decision: 'approve', reason: 'ok | **bold** ![x](https://evil.example/p.png)' },
      { at: at(15), type: 'step.done', step: 'cut-off' },
      { at: at(30), type: 'note', person: 'ben', channel: 'api', text: '1. not a list\n- nor this\n<script>alert(1)</script> www.evil.example' },
      { at: at(31), type: 'lessons', person: 'ivy', channel: 'api', text: '## Lessons\n[x]: https://evil.example "ref"' },
      { at: at(40), type: 'closed' },
    ],
  };
}

describe('the answers come first', () => {
  const report = buildReport(incident(), undefined, new Date(at(50)));

  it('are read from whichever steps ran kafka.blastRadius and kafka.baseline.diff', () => {
    const a = report.answers;
    expect(a.blastRadius).toEqual({ step: 'measure', principal: 'User:sergei' });
    expect(a.topicsRead.map((t) => [t.topic, t.messages, t.ranges.length, t.groups])).toEqual([
      ['purchasing', { atLeast: 5, atMost: 5 }, 1, ['sergei-sync']], ['supply', { atLeast: 2, atMost: 5 }, 2, []],
    ]);
    expect(a.coverage).toEqual({ answer: 'estimate', basis: 'records', window, missing: blast.coverage.missing, note: null });
    expect(a.classified).toEqual({ answer: 'at risk', topics: [{ topic: 'customers', label: 'pii' }], because: 'readable, and broker 3\'s records do not cover the window' });
    expect(a.denied).toEqual([{ operation: 'Describe', resource: 'Topic:LITERAL:payroll', request: 'METADATA', count: 3 }]);
    expect(a.sharedGroups).toEqual([{ group: 'reporting', sharedWith: ['User:reporting'] }]);
    expect(a.backdoors).toMatchObject({ step: 'hunt', baseline: 'baselines/latest.json', users: [{ user: 'svc-backup', grants: [acl('User:svc-backup', 'allow')] }], allows: [] });
    // The containment's own DENY is a change since the baseline, not a way back in.
    expect(a.backdoors!.otherChanges).toBe(1);
    expect(a.timeToContainMs).toBe(report.metrics.timeToContainMs);
  });

  it('from an offsets-only output say so: a lower bound, no ranges, an estimate', () => {
    const older = incident();
    const { reads: _r, unnamedReads: _u, ranges: _g, written: _w, groupsUsed: _gu, sharedGroups: _s, denied: _d, classifiedTouched: _c, coverage: _v, ...offsetsOnly } = blast;
    older.steps[0]!.output = { ...offsetsOnly, caveat: 'a lower bound from committed group offsets' };
    const a = buildReport(older, undefined, new Date(at(50))).answers;
    expect(a.topicsRead.map((t) => [t.topic, t.messages, t.ranges])).toEqual([['purchasing', { atLeast: 5, atMost: null }, []], ['supply', { atLeast: 2, atMost: null }, []]]);
    expect(a.coverage).toEqual({ answer: 'estimate', basis: 'offsets', window: null, missing: [], note: 'a lower bound from committed group offsets' });
    expect(a.classified.answer).toBe('at risk');
    expect(renderHtml(buildReport(older, undefined, new Date(at(50))))).not.toContain('offsets-chart');
  });

  it('open the JSON, the Markdown and the HTML, before metrics and timeline', () => {
    const keys = Object.keys(JSON.parse(JSON.stringify(report)) as object);
    expect(keys.indexOf('answers')).toBeLessThan(keys.indexOf('metrics'));
    expect(keys.indexOf('answers')).toBeLessThan(keys.indexOf('timeline'));
    const md = renderMarkdown(report);
    const headings = md.split('\n').filter((l) => l.startsWith('#'));
    expect(headings.slice(0, 4)).toEqual([`# Post-mortem: ${report.incident.id}`, '## The answers', '## Metrics', '## Timeline']);
    expect(md).toContain('| Topics read | purchasing (5 message(s)), supply (2–5 message(s)) — User:sergei |');
    expect(md).toContain('| purchasing | 5 | p0 0–4 | backup-tool, 10.0.0.9 | sergei-sync |');
    expect(md).toContain('| supply | 2–5 | p0 0–1, possibly to 2; p1 from 7, possibly to 8 | rdkafka, 10.0.0.9 | none (assign, no group) |');
    expect(md).toContain(`| Coverage | estimate, from the brokers' access records ${window.from} → ${window.to}; missing: broker 3: no records from this broker (${window.from} → ${window.to}) |`);
    expect(md).toContain('| Classified data touched | at risk: customers \\[pii\\] (readable, and broker 3\'s records do not cover the window) |');
    expect(md).toContain('| Denied attempts | Describe Topic:LITERAL:payroll (METADATA) ×3 |');
    expect(md).toContain('| Backdoors found | svc-backup (new SCRAM user, 1 ALLOW grant(s)); 1 other change(s) since the baseline (against baselines/latest.json) |');
    const html = renderHtml(report);
    const order = ['<h2>The answers</h2>', '<h2>Metrics</h2>', '<h2>Path through the runbook</h2>', '<h2>Timeline</h2>'].map((h) => html.indexOf(h));
    expect(order.every((i) => i > 0)).toBe(true);
    expect(order).toEqual([...order].sort((x, y) => x - y));
    expect(html).toContain('<dd class="answer-at-risk">');
    // Per topic and partition, the delivered offsets against the partition as the fetches showed it.
    const offsets = /<svg class="offsets-chart"[\s\S]*?<\/svg>/.exec(html)![0];
    expect(html.indexOf(offsets)).toBeLessThan(html.indexOf('<h2>Metrics</h2>'));
    expect([...offsets.matchAll(/<g class="topic"><text[^>]*>([^<]+)</g)].map((m) => m[1])).toEqual(['purchasing', 'supply']);
    expect([...offsets.matchAll(/<rect class="proven"/g)]).toHaveLength(2); // supply p1 proves nothing past its first offset
    expect(offsets).toContain('<title>delivered (proven): offsets 0–4, ');
    // Against each partition's log when measured: supply p1 holds 4–19, retention had deleted 0–3.
    expect(offsets).toContain('<title>partition 1: offsets 4–19 in the log when measured</title>');
    expect(offsets).toContain('<title>offsets 0–3: deleted by retention when measured</title>');
    expect(offsets).toContain('<title>partition 0: offsets 0–4 as far as the fetches showed</title>'); // purchasing: no extent
  });
});

describe('the hunt in the answers', () => {
  const finding = (kind: string, says: string, principal: string, fingerprint: string) => ({
    kind, says, by: 'User:sergei', at: at(8), host: '10.0.0.9', clientId: 'adminclient-1', broker: 2, target: { principal },
    source: 'kafka-request.log:7', fingerprint, followUp: { kind: 'unauthorized-access', principal },
  });
  const audit = {
    window: { from: at(-86_400), to: at(30) }, since: at(-86_400), baseline: null, requestsLeftOut: 0, coverage: null, notes: [],
    requests: [
      { at: at(8), broker: 2, principal: 'User:sergei', clientId: 'adminclient-1', host: '10.0.0.9', request: 'AlterUserScramCredentials', outcome: 'ok', what: ['x'], source: 's' },
      { at: at(9), broker: 2, principal: 'User:sergei', clientId: 'adminclient-1', host: '10.0.0.9', request: 'CreateAcls', outcome: 'refused', what: ['y'], source: 's' },
    ],
    findings: [
      finding('scram.created', 'User:sergei created SCRAM user svc-backup (SCRAM-SHA-512)', 'User:svc-backup', 'scram.created|svc-backup'),
      { ...finding('acl.granted', 'User:sergei granted ALLOW User:* read on topic x', 'User:*', 'acl.granted|k'), followUp: null, why: 'it names every principal (User:*)' },
    ],
    followUps: [{ fingerprint: 'scram.created|svc-backup', kind: 'unauthorized-access', principal: 'User:svc-backup', status: 'started', incident: 'ir-unauthorized-access-00000000000000aa-0000000b', runbook: 'unauthorized-access' }],
  };
  const view = incident();
  view.steps.splice(2, 0, { id: 'audit', phase: 'eradication', action: 'kafka.admin.audit', status: 'done', output: audit });
  view.timeline.splice(7, 0, { at: at(21), type: 'followUp', step: 'audit', kind: 'unauthorized-access', principal: 'User:svc-backup', status: 'started', incident: 'ir-unauthorized-access-00000000000000aa-0000000b', runbook: 'unauthorized-access' });
  const report = buildReport(view, undefined, new Date(at(50)));

  it('name who did what, when and from where, and the follow-up incident each finding raised, or why none', () => {
    expect(report.answers.hunt).toMatchObject({
      step: 'audit', coverage: 'none', requests: 2, refused: 1,
      findings: [
        { kind: 'scram.created', by: 'User:sergei', at: at(8), followUp: { status: 'started', incident: 'ir-unauthorized-access-00000000000000aa-0000000b', runbook: 'unauthorized-access', reason: null }, why: null },
        { kind: 'acl.granted', followUp: null, why: 'it names every principal (User:*)' },
      ],
    });
    const md = renderMarkdown(report);
    const answer = md.split('\n').find((l) => l.startsWith('| Backdoors found |'))!;
    expect(answer).toContain(`User:sergei created SCRAM user svc-backup (SCRAM-SHA-512) at ${at(8)} from 10.0.0.9 → follow-up incident ir-unauthorized-access-00000000000000aa-0000000b (unauthorized-access, started)`);
    expect(answer).toContain('(no follow-up: it names every principal (User:\\*))');
    // The diff stays as the second view.
    expect(answer).toContain('baseline diff: svc-backup (new SCRAM user, 1 ALLOW grant(s))');
  });

  it('and the timeline names each follow-up incident', () => {
    expect(report.timeline).toContainEqual(expect.objectContaining({
      type: 'followUp', step: 'audit', summary: 'follow-up incident ir-unauthorized-access-00000000000000aa-0000000b (unauthorized-access, started): unauthorized-access about User:svc-backup',
    }));
  });
});

describe('Markdown keeps free text inert', () => {
  const md = renderMarkdown(buildReport(incident(), undefined, new Date(at(50))));

  it('forges no heading, list, link, image or HTML from alerts, reasons and notes', () => {
    const lines = md.split('\n');
    // Only the report's own headings, each once.
    expect(lines.filter((l) => /^\s*#/.test(l))).toEqual([
      '# Post-mortem: ir-data-exfiltration-0123456789abcdef-01234567', '## The answers', '## Metrics', '## Timeline', '## Approvals', '## Actions',
      '## Blast radius', '## Lessons learned', '## Notes',
    ]);
    expect(md).not.toMatch(/(^|[^\\])\[[^\]]*[^\\]\]\(/m); // no [text](url) a renderer would link
    expect(md).not.toMatch(/(^|[^\\])<(img|script)/);
    expect(md).not.toMatch(/https:\/\//); // no bare autolink either
    expect(md).not.toMatch(/(^|[^\\])www\./);
    expect(md).not.toMatch(/^\s*\[x\]:/m); // no link reference definition
    expect(md).toContain('| alert |  |  | data-exfiltration: reads \\# Forged heading \\[click here\\](https\\://evil.example/x) \\<img src=x onerror=alert(1)\\> (siem) |');
    expect(md).toContain('- 1\\. not a list - nor this \\<script\\>alert(1)\\</script\\> www\\.evil.example — ben (api), 2026-01-05T03:07:30.000Z');
    expect(md).toContain('ana voted approve via slack: ok \\| \\*\\*bold\\*\\* !\\[x\\](https\\://evil.example/p.png)');
    // A table row stays one row: every cell's pipe is escaped.
    const vote = lines.find((l) => l.includes('ana voted approve'))!;
    expect(vote.split(/(?<!\\)\|/)).toHaveLength(7);
  });
});

describe('the path through the runbook', () => {
  const runbook: Runbook = {
    id: 'two-at-once', version: 3, title: 't', match: { kind: ['k'], severity: ['high'] }, priority: 0, subject: 'principal',
    phases: {
      containment: [
        { parallel: [
          { id: 'deny', action: 'kafka.acl.deny', with: {}, safe: false, onFailure: 'abort', approval: { from: ['secops'], quorum: 2, timeout: '15m', onTimeout: 'abort' } },
          { id: 'snapshot', action: 'kafka.acl.snapshot', with: {}, safe: true, onFailure: 'abort' },
        ] },
        { id: 'verify', action: 'kafka.access.verify', with: {}, safe: true, onFailure: 'abort' },
      ],
      eradication: [{ id: 'rotate', action: 'kafka.credentials.rotate', with: {}, safe: false, onFailure: 'abort' }],
      recovery: [{ id: 'restore', undo: 'deny', safe: false, onFailure: 'abort' }],
    },
  };
  const view: IncidentView = {
    ...incident(), runbook: { id: 'two-at-once', version: 3 }, status: 'aborted', phase: 'aborted',
    steps: [
      { id: 'deny', phase: 'containment', action: 'kafka.acl.deny', status: 'undone' },
      { id: 'snapshot', phase: 'containment', action: 'kafka.acl.snapshot', status: 'done' },
      { id: 'verify', phase: 'containment', action: 'kafka.access.verify', status: 'failed' },
      { id: 'rotate', phase: 'eradication', action: 'kafka.credentials.rotate', status: 'pending' },
      { id: 'restore', phase: 'recovery', action: 'undo:deny', status: 'pending' },
    ],
    timeline: ['preparation', 'detection', 'containment'].map((phase) => ({ at: at(0), type: 'phase', phase })).concat([{ at: at(9), type: 'aborted' } as never]),
  };

  it('keeps parallel groups, gates and kinds from the pinned runbook, and where the abort left from', () => {
    const flow = reportFlow(view, { runbook });
    expect(flow).toMatchObject({ from: 'runbook', end: 'aborted', lastPhase: 'containment' });
    const containment = flow.phases.find((p) => p.phase === 'containment')!;
    expect(containment.items.map((i) => [i.parallel, i.steps.map((s) => `${s.id}:${s.kind}:${s.status}`)])).toEqual([
      [true, ['deny:change:undone', 'snapshot:read:done']], [false, ['verify:read:failed']],
    ]);
    expect(containment.items[0]!.steps[0]!.approval).toEqual({ quorum: 2 });
    expect(containment.gate).toEqual({ kind: 'verified', forced: false });
    expect(flow.phases.find((p) => p.phase === 'recovery')!.items[0]!.steps[0]).toMatchObject({ action: 'undo:deny', kind: 'undo', status: 'pending' });
    expect(flow.phases.map((p) => p.entered)).toEqual([true, true, true, false, false, false]);
  });

  it('falls back to the view\'s steps, one after another, without the runbook', () => {
    const flow = reportFlow(view, undefined);
    expect(flow.from).toBe('view');
    expect(flow.phases.find((p) => p.phase === 'containment')!.items.map((i) => i.steps.map((s) => s.id))).toEqual([['deny'], ['snapshot'], ['verify']]);
  });

  it('draws it as inline SVG: each step with its status, the path taken and the abort edge, nothing external', () => {
    const html = renderHtml({ ...buildReport(view, undefined, new Date(at(50))), flow: reportFlow(view, { runbook }) });
    const svg = /<svg class="statechart"[\s\S]*?<\/svg>/.exec(html)![0];
    expect(svg).not.toMatch(/<(script|image|foreignObject|a)\b|href=|src=/i);
    expect([...svg.matchAll(/<g class="step (\w+)">/g)].map((m) => m[1])).toEqual(['undone', 'done', 'failed', 'pending', 'pending']);
    expect(svg).toContain('<g class="final aborted reached">');
    expect(svg).toContain('>parallel</text>');
    expect(svg).toContain('gate: verified');
    expect(html).toMatch(/<svg class="timeline-chart"/);
  });
});
