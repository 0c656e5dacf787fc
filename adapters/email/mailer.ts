// Email over SMTP (nodemailer): sends the mails a notice makes; a failure says what to check in SMTP_URL, never the password.
import type { Transporter } from 'nodemailer';
import type { Notice } from '../../src/model/notice.js';
import { renderHtml, renderText } from './mail-blocks.js';
import { noticeMails, type NoticeMailSettings } from './notice-mails.js';

export interface MailerSettings extends NoticeMailSettings {
  smtpUrl: string;
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

export function createMailer(settings: MailerSettings): Mailer {
  const server = URL.canParse(settings.smtpUrl) ? new URL(settings.smtpUrl) : undefined;
  // Node's URL error carries the input, password included: say what is wrong without it.
  if (!server) throw new EmailError('SMTP_URL is not a URL: expected smtp://[user:password@]host:port or smtps://…', false);
  // nodemailer is loaded with the first mail: an engine that sends none never loads it.
  let transport: Promise<Transporter> | undefined;
  const open = () => (transport ??= import('nodemailer').then(({ createTransport }) =>
    createTransport({ url: settings.smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 })));

  return {
    async send(notice) {
      let sent = 0;
      for (const mail of noticeMails(notice, settings)) {
        try {
          await (await open()).sendMail({
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
    close: () => void transport?.then((t) => t.close()),
  };
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
