// Slack messages for incident notices: the incident's first message, its thread updates, and the Block Kit approval card.
import type { KnownBlock } from '@slack/web-api';
import { describeChange } from '../../src/model/plan.js';
import { durationText } from '../../src/model/duration.js';
import type { ApprovalNotice, IncidentSummary, Notice, NoticeIncident, NoticePerson } from '../../src/model/notice.js';

/** Slack's mrkdwn reserves &, < and >: everything from alerts and plans is escaped. */
export const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const clip = (text: string, max = 2900) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: clip(text) } });
const context = (text: string): KnownBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text: clip(text) }] });
const slackTime = (iso: string) => `<!date^${Math.floor(Date.parse(iso) / 1000)}^{date_short_pretty} {time_secs}|${iso}>`;

/** A person as Slack shows them: a mention when the roster knows their Slack user. */
const who = (handle: string, people: readonly NoticePerson[]) => {
  const p = people.find((x) => x.handle === handle);
  return p?.slack ? `<@${p.slack}> (${esc(handle)})` : esc(handle);
};

function headline(i: NoticeIncident, url: string): string {
  const mode = i.drill ? ' · *DRILL: no Kafka change is made*' : i.dryRun ? ' · *dry run*' : '';
  return `*<${url}|${esc(i.id)}>* · ${esc(i.severity)} · runbook \`${esc(i.runbook.id)}\` v${i.runbook.version}${mode}`;
}

const drillMark = (i: NoticeIncident) => (i.drill ? 'DRILL · ' : '');

export function openedMessage(i: NoticeIncident, url: string): { text: string; blocks: KnownBlock[] } {
  return {
    text: `${drillMark(i)}Incident ${i.id} opened (${i.severity}): ${i.alert.summary}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: clip(`${i.drill ? '🎯 DRILL' : '🚨'} ${i.severity.toUpperCase()}: ${i.alert.summary}`, 150) } },
      section(headline(i, url)),
      section(`*Subject:* \`${esc(i.subject)}\`\n*Alert:* ${esc(i.alert.kind)}${i.alert.source ? ` from ${esc(i.alert.source)}` : ''}`),
      context('Phase changes, action results and escalations follow in this thread.'),
    ],
  };
}

/** A failed step's question (`onFailure: ask`): the error, what the step would do, and retry / skip / abort. */
function askCard(i: NoticeIncident, a: ApprovalNotice, url: string): { text: string; blocks: KnownBlock[] } {
  const answer = a.votes[0];
  const state = a.state === 'waiting' ? '❓ Failed: retry, skip or abort?' : answer ? `Answered: ${answer.decision}` : '⌛ No longer waiting';
  const people = a.deciders;
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(`${drillMark(i)}${state}: ${a.step}`, 150) } },
    section(`${headline(i, url)}\n*Step* \`${esc(a.step)}\` (${esc(a.action)}, ${esc(a.phase)}) *failed:* ${esc(a.ask!.error)}`),
    ...(a.plan ? [section(`*Its plan:* ${esc(a.plan.summary)}`)] : []),
    section([
      '*Retry* runs the step again · *Skip* goes on without it · *Abort* ends the incident, keeping what was done so far.',
      ...(a.deadline ? [`*Deadline:* ${slackTime(a.deadline)} (then the incident aborts)`] : []),
      ...(a.waitingOn.length ? [`*Who answers:* ${a.waitingOn.map((p) => who(p.handle, people)).join(', ')}`] : []),
    ].join('\n')),
  ];
  if (answer) blocks.push(section(`${who(answer.person, people)} answered *${esc(answer.decision)}* via ${esc(answer.channel)} at ${slackTime(answer.at)}`));
  if (a.state === 'waiting') {
    const value = JSON.stringify({ i: i.id, s: a.step });
    blocks.push({
      type: 'actions',
      block_id: 'kafka-ir.answer',
      elements: [
        { type: 'button', action_id: 'retry', style: 'primary', text: { type: 'plain_text', text: 'Retry' }, value },
        { type: 'button', action_id: 'skip', text: { type: 'plain_text', text: 'Skip' }, value },
        { type: 'button', action_id: 'abort', style: 'danger', text: { type: 'plain_text', text: 'Abort' }, value },
      ],
    });
  }
  return { text: `${drillMark(i)}${state}: step ${a.step} of incident ${i.id}`, blocks };
}

/** The approval card: what will change, why, whether it can be undone, who decides, by when; then the votes. */
export function approvalCard(i: NoticeIncident, a: ApprovalNotice, url: string): { text: string; blocks: KnownBlock[] } {
  if (a.ask) return askCard(i, a, url);
  const changes = a.plan?.changes ?? [];
  const shown = changes.slice(0, 15).map((c) => `• ${esc(describeChange(c))}`);
  if (changes.length > shown.length) shown.push(`… and ${changes.length - shown.length} more (full plan: <${url}|incident>)`);
  const state = { waiting: '⏳ Waiting for approval', approved: '✅ Approved', rejected: '⛔ Rejected', ended: '⌛ No longer waiting' }[a.state];
  const people = a.deciders;
  const approvals = a.votes.filter((v) => v.decision === 'approve').length;
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(`${drillMark(i)}${state}: ${a.step}`, 150) } },
    section(`${headline(i, url)}\n*Step* \`${esc(a.step)}\` (${esc(a.action)}, ${esc(a.phase)})`),
    section(`*Plan:* ${esc(a.plan?.summary ?? 'no plan')}\n${shown.join('\n') || '_no changes_'}`),
    ...(a.plan?.notes.length ? [section(`*Read before approving:*\n${a.plan.notes.map((n) => `• ${esc(n)}`).join('\n')}`)] : []),
    section(`*Why:*\n${a.why.map((w) => `• ${esc(w)}`).join('\n')}`),
    section(`*Undo:* ${esc(a.undo)}`),
    section([
      `*Who decides:* ${a.from.map(esc).join(' or ')} · quorum ${a.quorum} (${approvals}/${a.quorum} so far)`,
      ...(a.deadline ? [`*Deadline:* ${slackTime(a.deadline)}`] : []),
      ...(a.waitingOn.length ? [`*Waiting on:* ${a.waitingOn.map((p) => who(p.handle, people)).join(', ')}`] : []),
    ].join('\n')),
  ];
  if (a.votes.length) {
    blocks.push(section(a.votes.map((v) =>
      `${v.decision === 'approve' ? '✅' : '⛔'} ${who(v.person, people)} ${v.decision === 'approve' ? 'approved' : 'rejected'} via ${esc(v.channel)} at ${slackTime(v.at)}${v.reason ? `: “${esc(v.reason)}”` : ''}`).join('\n')));
  }
  if (a.state === 'waiting') {
    const value = JSON.stringify({ i: i.id, s: a.step, h: a.plan?.hash });
    blocks.push({
      type: 'actions',
      block_id: 'kafka-ir.decision',
      elements: [
        { type: 'button', action_id: 'approve', style: 'primary', text: { type: 'plain_text', text: 'Approve' }, value },
        { type: 'button', action_id: 'reject', style: 'danger', text: { type: 'plain_text', text: 'Reject…' }, value },
      ],
    });
  }
  if (a.refusals.length) {
    blocks.push(context(a.refusals.map((r) => `⚠️ Refused ${r.person ? `${who(r.person, people)} ` : ''}via ${esc(r.channel)} at ${slackTime(r.at)}: ${esc(r.reason)}`).join('\n')));
  }
  if (a.plan) blocks.push(context(`Plan hash \`${a.plan.hash.slice(0, 16)}…\`: an approval binds to exactly this plan.`));
  return { text: `${drillMark(i)}${state}: step ${a.step} of incident ${i.id}`, blocks };
}

const DECIDED: Record<string, string> = { approve: 'approved', reject: 'rejected', retry: 'answered retry on', skip: 'answered skip on', abort: 'answered abort on' };

function summaryText(i: NoticeIncident, s: IncidentSummary): string {
  return [
    `*${i.drill ? 'DRILL ' : ''}Incident ${i.status}.*${s.timeToContainMs !== undefined ? ` Time to contain: ${durationText(s.timeToContainMs)}.` : ''}`,
    ...s.steps.map((x) => `• \`${esc(x.id)}\` ${esc(x.status)}${x.summary ? `: ${esc(x.summary)}` : ''}`),
    ...s.decisions.map((d) => `• ${esc(d.person)} ${DECIDED[d.decision] ?? esc(d.decision)} \`${esc(d.step)}\` via ${esc(d.channel)}`),
  ].join('\n');
}

const STEP_MARK = { done: '✔️', failed: '❌', waiting: '⏳', unconfirmed: '⚠️' } as const;

/** A thread reply for every other notice. */
export function threadMessage(n: Exclude<Notice, { kind: 'opened' | 'approval' | 'decision' }>, reportUrl: string): { text: string; blocks: KnownBlock[] } {
  switch (n.kind) {
    case 'phase':
      return { text: `Phase: ${n.phase}`, blocks: [section(`➡️ Phase *${esc(n.phase)}*`)] };
    case 'step':
      return {
        text: `Step ${n.step} ${n.status}`,
        blocks: [section(`${STEP_MARK[n.status]} \`${esc(n.step)}\` (${esc(n.action)}) ${n.status}: ${esc(n.detail)}`)],
      };
    case 'escalated':
      return {
        text: `Escalated: step ${n.approval.step} is still waiting`,
        blocks: [section(`📣 Escalated to ${n.to.map(esc).join(', ')}: step \`${esc(n.approval.step)}\` is still waiting for a decision. ${n.people.map((p) => who(p.handle, n.people)).join(' ')}`)],
      };
    case 'closed':
      return { text: `Incident ${n.incident.id} ${n.incident.status}`, blocks: [section(summaryText(n.incident, n.summary)), context(`Post-mortem: <${reportUrl}|report>`)] };
    case 'message':
      return {
        text: n.text,
        blocks: [section(esc(n.text)), context(n.audience
          ? `To ${esc(n.audience)}, from the communication plan of runbook \`${esc(n.incident.runbook.id)}\` (incident ${esc(n.incident.id)})`
          : `From step \`${esc(n.step)}\` of runbook \`${esc(n.incident.runbook.id)}\``)],
      };
  }
}
