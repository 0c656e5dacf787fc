// A drill says DRILL wherever people meet it: the Slack card and thread, the emails, the CLI status and the report.
import { describe, expect, it } from 'vitest';
import { noticeMails } from '../../../adapters/email/notice-mails.js';
import { approvalCard, openedMessage } from '../../../adapters/slack/slack-blocks.js';
import { formatIncident } from '../../../src/cli/status.js';
import { Roster } from '../../../src/model/roster.js';
import { Runbook } from '../../../src/model/runbook.js';
import { drillAlert } from '../../../src/model/drill-alert.js';
import type { ApprovalNotice, NoticeIncident } from '../../../src/model/notice.js';
import type { IncidentView } from '../../../src/model/incident.js';
import { askNotice } from '../../../src/model/notices.js';
import { drillScore } from '../../../src/report/report-drill.js';
import { renderMarkdown } from '../../../src/report/render-markdown.js';
import { buildReport } from '../../../src/report/build-report.js';

const incident: NoticeIncident = {
  id: 'ir-x-0123456789abcdef-drill-0badc0de', runbook: { id: 'x', version: 1 }, subject: 'User:kafka-ir-drill', severity: 'critical',
  status: 'open', phase: 'containment', alert: { kind: 'k', summary: 'DRILL: rehearsal of runbook x' }, dryRun: true, drill: true,
};
const approval: ApprovalNotice = {
  step: 'deny', action: 'kafka.acl.deny', phase: 'containment', why: [], undo: 'Reversible', from: ['1 of kafka-oncall', '1 of secops'], quorum: 2,
  votes: [], deciders: [{ handle: 'ana', email: 'ana@example.com' }], waitingOn: [{ handle: 'ana', email: 'ana@example.com' }], state: 'waiting', refusals: [],
};
const at = (s: number) => new Date(Date.UTC(2026, 11, 7, 12, 0, s)).toISOString();
const view: IncidentView = {
  id: incident.id, runbook: incident.runbook, subject: incident.subject, severity: 'critical', status: 'closed', phase: 'closed', dryRun: true, drill: true,
  openedAt: at(0), closedAt: at(30), alerts: 1,
  steps: [{
    id: 'deny', phase: 'containment', action: 'kafka.acl.deny', status: 'planned',
    plan: { action: 'kafka.acl.deny', summary: 'deny User:kafka-ir-drill', notes: [], hash: 'h'.repeat(64), inverse: [], changes: [{ op: 'acl.create', binding: { resourceType: 'topic', resourceName: '*', patternType: 'literal', principal: 'User:kafka-ir-drill', host: '*', operation: 'all', permission: 'deny' } }] as never },
    approvals: { quorum: 2, votes: [{ person: 'ana', channel: 'slack', decision: 'approve', at: at(5) }, { person: 'sofia', channel: 'email', decision: 'approve', at: at(12) }], waitingOn: [] },
  }],
  timeline: [
    { at: at(1), type: 'approval.requested', step: 'deny', people: ['ana', 'ben', 'sofia'] },
    { at: at(5), type: 'decision', step: 'deny', person: 'ana', channel: 'slack', decision: 'approve' },
    { at: at(12), type: 'decision', step: 'deny', person: 'sofia', channel: 'email', decision: 'approve' },
  ],
};

describe('a drill is marked DRILL', () => {
  it('on the Slack thread and cards', () => {
    expect(openedMessage(incident, 'http://x').text).toMatch(/^DRILL · /);
    const card = approvalCard(incident, approval, 'http://x');
    expect(card.text).toMatch(/^DRILL · /);
    expect(JSON.stringify(card.blocks)).toContain('DRILL: no Kafka change is made');
  });

  it('in email subjects and facts', () => {
    const [mail] = noticeMails({ kind: 'approval', incident, approval }, { from: 'ir@example.com', to: [], publicUrl: 'http://x', linkSecret: 's'.repeat(32) });
    expect(mail!.subject).toMatch(/^\[kafka-ir\] DRILL critical /);
    expect(JSON.stringify(mail!.blocks)).toContain('DRILL');
  });

  it('in the CLI status and the report, which scores each decision', () => {
    expect(formatIncident(view)).toMatch(/^DRILL {2}ir-x-.* \(drill: no Kafka change\)/);
    const score = drillScore(view)!;
    expect(score.decisions).toEqual([{
      step: 'deny', kind: 'approval', requestedAt: at(1), outcome: 'approved', timeToDecisionMs: 11_000, escalatedTo: [], silent: ['ben'],
      answeredBy: [
        { person: 'ana', channel: 'slack', decision: 'approve', at: at(5), afterMs: 4_000 },
        { person: 'sofia', channel: 'email', decision: 'approve', at: at(12), afterMs: 11_000 },
      ],
    }]);
    expect(score.wouldHaveChanged[0]!.changes).toHaveLength(1);
    const md = renderMarkdown(buildReport(view, undefined, new Date(at(40))));
    expect(md).toMatch(/^# DRILL report: /);
    expect(md).toContain('## DRILL score');
  });
});

describe('a failed step that asks', () => {
  it('offers retry, skip and abort on its card and in its email', () => {
    const failed = { ...view.steps[0]!, status: 'awaiting_answer' as const, ask: { error: 'broker unreachable', waitingOn: ['ic'] } };
    const roster = Roster.parse({ people: { ic: { email: 'ic@example.com' } }, groups: { 'incident-commanders': ['ic'] } });
    const notice = askNotice({ ...view, steps: [failed] }, failed, ['ic'], roster, drillAlertOf());
    const card = JSON.stringify(approvalCard(incident, notice, 'http://x').blocks);
    for (const id of ['"retry"', '"skip"', '"abort"']) expect(card).toContain(`"action_id":${id}`);
    const [mail] = noticeMails({ kind: 'approval', incident, approval: notice }, { from: 'ir@example.com', to: [], publicUrl: 'http://x', linkSecret: 's'.repeat(32) });
    expect(mail!.subject).toContain('failed: retry, skip or abort?');
    expect(JSON.stringify(mail!.blocks)).toContain('/v1/approvals/');
  });
});

function drillAlertOf() {
  const runbook = Runbook.parse({ id: 'x', version: 1, title: 'x', match: { kind: ['k'], severity: ['medium', 'critical'] }, subject: 'principal', phases: {} });
  const made = drillAlert(runbook, {}, new Date(at(0)), 'n');
  if ('problem' in made) throw new Error(made.problem);
  expect(made.alert).toMatchObject({ kind: 'k', severity: 'critical', subject: { principal: 'User:kafka-ir-drill' } });
  return made.alert;
}
