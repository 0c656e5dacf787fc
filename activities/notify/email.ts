// Email notices (DESIGN §4, §6): approval requests with a signed link per person, escalations, the closing summary. SMTP via nodemailer.
import { createHash } from 'node:crypto';
import { createTransport } from 'nodemailer';
import type { ApprovalNotice, Notice, NoticeIncident, NoticePerson } from '../../src/model/notice.js';
import { describeChange } from '../../src/model/plan.js';
import { linkNonce, signLink } from '../../adapters/email/approval-link.js';
import { durationText } from '../../src/model/duration.js';

export interface MailerSettings {
  smtpUrl: string;
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

export interface Mailer {
  send(notice: Notice): Promise<{ sent: number }>;
  close(): void;
}

/** An SMTP failure said as what to check; `retryable` tells whether Temporal's retry can help (an unreachable server) or not (a refused login). */
export class EmailError extends Error {
  override name = 'EmailError';
  constructor(message: string, readonly retryable: boolean, readonly code?: string) {
    super(message);
  }
}

interface Mail { to: string[]; subject: string; blocks: Block[]; messageId: string }

/** The parts a body is made of, rendered once as text and once as (escaped) HTML. */
type Block =
  | { p: string }
  | { facts: [string, string][] }
  | { list: string; items: string[] }
  | { link: string; url: string };

const DAY_MS = 24 * 60 * 60 * 1000;
/** An approval email lists this many changes; the incident view has them all. */
const MAX_CHANGES = 50;

export function createMailer(settings: MailerSettings): Mailer {
  const server = URL.canParse(settings.smtpUrl) ? new URL(settings.smtpUrl) : undefined;
  // Node's URL error carries the input, password included: say what is wrong without it.
  if (!server) throw new EmailError('SMTP_URL is not a URL: expected smtp://[user:password@]host:port or smtps://…', false);
  const transport = createTransport({ url: settings.smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
  const publicUrl = settings.publicUrl.replace(/\/+$/, '');
  const domain = /@([^\s>]+)/.exec(settings.from)?.[1] ?? 'kafka-ir.invalid';

  /** The same for a retry, so it is recognisable; a new plan for the step is a new message, not a duplicate to drop. */
  const messageId = (incident: string, kind: string, step = '', person = '', planHash = '') =>
    `<${createHash('sha256').update([incident, kind, step, person, planHash].join('\n')).digest('hex').slice(0, 32)}.kafka-ir@${domain}>`;

  /** The blocks that let one person decide: their own signed link, or the CLI when links are off. */
  function decideBlocks(incident: NoticeIncident, approval: ApprovalNotice, person: NoticePerson): Block[] {
    const cli = `kafka-ir approve ${incident.id} --step ${approval.step}`;
    if (!settings.linkSecret) {
      return [{ p: `Email approval links are off on this engine, so decide with the CLI: ${cli} (or kafka-ir reject ${incident.id} --step ${approval.step} --reason "…"), with your personal token in KAFKA_IR_TOKEN.` }];
    }
    const planHash = approval.plan?.hash ?? '';
    const expires = approval.deadline ?? new Date(Date.now() + (settings.linkTtlMs ?? DAY_MS)).toISOString();
    const token = signLink(settings.linkSecret, {
      incident: incident.id, step: approval.step, planHash, person: person.handle, expires,
      nonce: linkNonce(settings.linkSecret, incident.id, approval.step, planHash, person.handle),
    });
    return [
      { link: 'Review the plan and approve or reject', url: `${publicUrl}/v1/approvals/${token}` },
      { p: `This link is yours (${person.handle}): it works once, until ${expires}. Opening it only shows the plan; nothing is decided until you press Approve or Reject. You can also decide with the CLI: ${cli}` },
    ];
  }

  function mails(notice: Notice): Mail[] {
    const { incident } = notice;
    const subject = (what: string) => `[kafka-ir] ${incident.severity} ${incident.id}${incident.dryRun ? ' (dry run)' : ''}: ${what}`;
    switch (notice.kind) {
      case 'approval': {
        const a = notice.approval;
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

  return {
    async send(notice) {
      let sent = 0;
      for (const mail of mails(notice)) {
        try {
          await transport.sendMail({
            from: settings.from, to: mail.to, subject: mail.subject, messageId: mail.messageId,
            text: renderText(mail.blocks), html: renderHtml(mail.subject, mail.blocks),
          });
        } catch (err) {
          throw explain(err, server);
        }
        sent++;
      }
      return { sent };
    },
    close: () => transport.close(),
  };
}

function incidentBlocks(i: NoticeIncident): Block[] {
  return [{
    facts: [
      ['Incident', i.id], ['Runbook', `${i.runbook.id} v${i.runbook.version}`], ['Severity', i.severity], ['Subject', i.subject],
      ['Phase', i.phase], ['Alert', `${i.alert.summary} (${i.alert.kind}${i.alert.source ? `, from ${i.alert.source}` : ''})`],
      ...(i.dryRun ? [['Dry run', 'yes: Kafka actions stop at their plans'] as [string, string]] : []),
    ],
  }];
}

function approvalBlocks(a: ApprovalNotice): Block[] {
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

function renderText(blocks: Block[]): string {
  return `${blocks.map((b) =>
    'p' in b ? b.p
    : 'facts' in b ? b.facts.map(([k, v]) => `${k}: ${v}`).join('\n')
    : 'list' in b ? [`${b.list}:`, ...b.items.map((i) => `  - ${i}`)].join('\n')
    : `${b.link}:\n${b.url}`).join('\n\n')}\n`;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function renderHtml(title: string, blocks: Block[]): string {
  const body = blocks.map((b) =>
    'p' in b ? `<p>${esc(b.p)}</p>`
    : 'facts' in b ? `<table>${b.facts.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>`
    : 'list' in b ? `<p><b>${esc(b.list)}</b></p><ul>${b.items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>`
    : `<p><a class="button" href="${esc(b.url)}">${esc(b.link)}</a></p>`).join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title><style>
body{font:14px/1.45 system-ui,sans-serif;color:#1d232a;max-width:760px}th{text-align:left;padding-right:1em;vertical-align:top;white-space:nowrap}
.button{display:inline-block;padding:.5em 1em;background:#0969da;color:#fff;border-radius:6px;text-decoration:none;font-weight:600}
</style></head><body>\n${body}\n</body></html>\n`;
}

/** An SMTP failure as what to check in SMTP_URL; neither the password nor the whole URL is ever part of it. */
function explain(err: unknown, server: URL): EmailError {
  const e = err as { code?: string; responseCode?: number; message?: string };
  const where = `${server.protocol}//${server.username ? `${decodeURIComponent(server.username)}@` : ''}${server.host}`;
  const password = server.password ? [server.password, decodeURIComponent(server.password)] : [];
  const detail = password.reduce((text, p) => text.split(p).join('[redacted]'), String(e.message ?? err).split('\n')[0]!.trim());
  if (e.code === 'EAUTH' || e.code === 'ENOAUTH' || e.responseCode === 535) {
    return new EmailError(`the SMTP server ${where} refused the login (${detail}): check the user name and password in SMTP_URL`, false, e.code);
  }
  if (e.code === 'ETLS' || /\b(SSL|TLS)\b|wrong version number/i.test(detail)) {
    return new EmailError(`TLS with the SMTP server ${where} failed (${detail}): check smtp:// (STARTTLS) versus smtps:// and the port in SMTP_URL`, false, e.code);
  }
  if (e.code === 'EENVELOPE') {
    return new EmailError(`the SMTP server ${where} refused the sender or a recipient (${detail}): check EMAIL_FROM, EMAIL_TO and the roster's email addresses`, false, e.code);
  }
  if (e.code === 'ESOCKET' || e.code === 'ECONNECTION' || e.code === 'ETIMEDOUT' || e.code === 'EDNS') {
    return new EmailError(`cannot reach the SMTP server ${where} (${detail}): check the host and port in SMTP_URL and that the server is running`, true, e.code);
  }
  return new EmailError(`sending email through ${where} failed (${detail}): check SMTP_URL and the SMTP server's log`, (e.responseCode ?? 0) < 500, e.code);
}
