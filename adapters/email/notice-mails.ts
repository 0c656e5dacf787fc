// What each notice emails: approval requests with a signed link per person, escalations, the closing summary, a runbook's own message.
import { createHash } from 'node:crypto';
import { durationText } from '../../src/model/duration.js';
import type { ApprovalNotice, Notice, NoticeIncident, NoticePerson } from '../../src/model/notice.js';
import { describeChange } from '../../src/model/plan.js';
import { linkNonce, signLink } from './approval-link.js';
import type { MailBlock } from './mail-blocks.js';

export interface NoticeMailSettings {
  /** The sender (EMAIL_FROM); its domain names the Message-IDs. */
  from: string;
  /** Who gets the closing summary (EMAIL_TO). */
  to: string[];
  /** The engine's public base URL (KAFKA_IR_PUBLIC_URL): approval links and report links point there. */
  publicUrl: string;
  /** Signs approval links (KAFKA_IR_LINK_SECRET); unset: approval emails say to decide with the CLI. */
  linkSecret?: string;
  /** How long a link lives when the approval has no deadline; default 24 h. */
  linkTtlMs?: number;
}

export interface NoticeMail { to: string[]; subject: string; blocks: MailBlock[]; messageId: string }

const DAY_MS = 24 * 60 * 60 * 1000;
/** An approval email lists this many changes; the incident view has them all. */
const MAX_CHANGES = 50;

/** The mails one notice makes; none for a notice email does not carry. */
export function noticeMails(notice: Notice, settings: NoticeMailSettings): NoticeMail[] {
  const publicUrl = settings.publicUrl.replace(/\/+$/, '');
  const domain = /@([^\s>]+)/.exec(settings.from)?.[1] ?? 'kafka-ir.invalid';

  /** The same for a retry, so it is recognisable; a new plan for the step is a new message, not a duplicate to drop. */
  const messageId = (incident: string, kind: string, step = '', person = '', planHash = '') =>
    `<${createHash('sha256').update([incident, kind, step, person, planHash].join('\n')).digest('hex').slice(0, 32)}.kafka-ir@${domain}>`;

  /** The blocks that let one person decide: their own signed link, or the CLI when links are off. */
  function decideBlocks(incident: NoticeIncident, approval: ApprovalNotice, person: NoticePerson): MailBlock[] {
    const { ask } = approval;
    const cli = ask ? `kafka-ir answer ${incident.id} retry|skip|abort --step ${approval.step}` : `kafka-ir approve ${incident.id} --step ${approval.step}`;
    if (!settings.linkSecret) {
      return [{ p: `Email approval links are off on this engine, so decide with the CLI: ${cli}${ask ? '' : ` (or kafka-ir reject ${incident.id} --step ${approval.step} --reason "…")`}, with your personal token in KAFKA_IR_TOKEN.` }];
    }
    // A question's link carries no plan hash, and its nonce differs from the approval's and from an earlier question's.
    const planHash = ask ? '' : approval.plan?.hash ?? '';
    const expires = approval.deadline ?? new Date(Date.now() + (settings.linkTtlMs ?? DAY_MS)).toISOString();
    const token = signLink(settings.linkSecret, {
      incident: incident.id, step: approval.step, planHash, person: person.handle, expires,
      nonce: linkNonce(settings.linkSecret, incident.id, approval.step, ask ? `failure ${expires}` : planHash, person.handle),
    });
    const buttons = ask ? 'Retry, Skip or Abort' : 'Approve or Reject';
    return [
      { link: ask ? 'See the failure and retry, skip or abort' : 'Review the plan and approve or reject', url: `${publicUrl}/v1/approvals/${token}` },
      { p: `This link is yours (${person.handle}): it works once, until ${expires}. Opening it only shows the step; nothing is decided until you press ${buttons}. You can also decide with the CLI: ${cli}` },
    ];
  }

  const { incident } = notice;
  const subject = (what: string) => `[kafka-ir] ${incident.drill ? 'DRILL ' : ''}${incident.severity} ${incident.id}${incident.dryRun && !incident.drill ? ' (dry run)' : ''}: ${what}`;
  switch (notice.kind) {
    case 'approval': {
      const a = notice.approval;
      if (a.ask) {
        return a.waitingOn.filter((p) => p.email).map((person) => ({
          to: [person.email!], subject: subject(`step "${a.step}" failed: retry, skip or abort?`), messageId: messageId(incident.id, 'failure', a.step, person.handle, a.deadline),
          blocks: [
            { p: `Step "${a.step}" (${a.action}) failed and the runbook asks what to do${person.name ? `, ${person.name}` : ''}: ${a.ask!.error}` },
            ...incidentBlocks(incident),
            { p: 'Retry runs the step again; Skip goes on without it; Abort ends the incident, keeping what was done so far. Without an answer by the deadline the incident aborts.' },
            ...decideBlocks(incident, a, person),
          ],
        }));
      }
      return a.waitingOn.filter((p) => p.email).map((person) => ({
        to: [person.email!], subject: subject(`approve step "${a.step}" (${a.action})`), messageId: messageId(incident.id, 'approval', a.step, person.handle, a.plan?.hash),
        blocks: [{ p: `Step "${a.step}" (${a.action}) needs your decision${person.name ? `, ${person.name}` : ''}.` }, ...incidentBlocks(incident), ...approvalBlocks(a), ...decideBlocks(incident, a, person)],
      }));
    }
    case 'escalated': {
      const a = notice.approval;
      return notice.people.filter((p) => p.email).map((person) => {
        const approver = a.waitingOn.some((w) => w.handle === person.handle);
        return {
          to: [person.email!], subject: subject(`escalated: step "${a.step}" still waits for approval`), messageId: messageId(incident.id, 'escalated', a.step, person.handle, a.plan?.hash),
          blocks: [
            { p: `Step "${a.step}" (${a.action}) is still waiting for approval, so it was escalated to ${notice.to.join(', ')}.` },
            ...incidentBlocks(incident), ...approvalBlocks(a),
            ...(approver ? decideBlocks(incident, a, person) : [{ p: `Reach the people it waits on, or follow the incident with: kafka-ir status ${incident.id}` }]),
          ],
        };
      });
    }
    case 'closed': {
      const s = notice.summary;
      if (!settings.to.length) return [];
      return [{
        to: settings.to, subject: subject(`${incident.status} — summary`), messageId: messageId(incident.id, 'closed'),
        blocks: [
          { p: `Incident ${incident.id} is ${incident.status}.` },
          ...incidentBlocks(incident),
          { facts: [['Opened', s.openedAt], ['Closed', s.closedAt ?? '—'], ['Time to contain', s.timeToContainMs === undefined ? 'nothing was contained' : durationText(s.timeToContainMs)]] },
          { list: 'Steps', items: s.steps.length ? s.steps.map((st) => `${st.id} (${st.action}): ${st.status}${st.summary ? ` — ${st.summary}` : ''}`) : ['none'] },
          { list: 'Decisions', items: s.decisions.length ? s.decisions.map((d) => `${d.at} ${d.person} (${d.channel}) ${d.decision} ${d.step}`) : ['none'] },
          { link: 'The post-mortem report', url: `${publicUrl}/v1/incidents/${encodeURIComponent(incident.id)}/report?format=html` },
        ],
      }];
    }
    case 'message': {
      const to = notice.to ?? settings.to;
      return to.length ? [{
        to, subject: subject(notice.subject ?? notice.step), messageId: messageId(incident.id, 'message', notice.step),
        blocks: [{ p: notice.text }, ...incidentBlocks(incident), { link: 'The incident', url: `${publicUrl}/v1/incidents/${encodeURIComponent(incident.id)}` }],
      }] : [];
    }
    default:
      return [];
  }
}

function incidentBlocks(i: NoticeIncident): MailBlock[] {
  return [{
    facts: [
      ['Incident', i.id], ['Runbook', `${i.runbook.id} v${i.runbook.version}`], ['Severity', i.severity], ['Subject', i.subject],
      ['Phase', i.phase], ['Alert', `${i.alert.summary} (${i.alert.kind}${i.alert.source ? `, from ${i.alert.source}` : ''})`],
      ...(i.drill ? [['DRILL', 'a rehearsal: real people, channels and timers; Kafka actions stop at their plans'] as [string, string]]
        : i.dryRun ? [['Dry run', 'yes: Kafka actions stop at their plans'] as [string, string]] : []),
    ],
  }];
}

function approvalBlocks(a: ApprovalNotice): MailBlock[] {
  const changes = a.plan?.changes ?? [];
  const shown = changes.slice(0, MAX_CHANGES).map(describeChange);
  if (changes.length > MAX_CHANGES) shown.push(`… and ${changes.length - MAX_CHANGES} more (see the incident view)`);
  return [
    ...(a.plan
      ? [{ p: `Plan: ${a.plan.summary}` }, { list: 'Changes', items: shown.length ? shown : ['none: everything is already as planned'] }, ...(a.plan.notes.length ? [{ list: 'Read before approving', items: a.plan.notes }] : [])]
      : [{ p: 'This step has no plan to show: it makes no Kafka change.' }]),
    ...(a.why.length ? [{ list: 'Why', items: a.why }] : []),
    {
      facts: [
        ['Undo', a.undo], ['Who decides', a.from.join(', ')], ['Quorum', `${a.quorum} distinct approval(s); any reject vetoes`],
        ['Deadline', a.deadline ?? 'none'],
        ['Votes so far', a.votes.length ? a.votes.map((v) => `${v.person} ${v.decision === 'approve' ? 'approved' : 'rejected'} (${v.channel}, ${v.at})`).join('; ') : 'none'],
        ['Waiting on', a.waitingOn.map((p) => p.handle).join(', ') || 'nobody'],
        ...(a.plan ? [['Plan hash', a.plan.hash] as [string, string]] : []),
      ],
    },
  ];
}
