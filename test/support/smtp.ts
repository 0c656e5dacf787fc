// A real SMTP server in the test process (smtp-server, no TLS), keeping every message it receives parsed by mailparser.
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SmtpCatcher {
  /** smtp://127.0.0.1:<port>, without credentials (add user:password@ to log in). */
  url: string;
  /** Every message received, in arrival order. */
  mails: ParsedMail[];
  waitFor(pred: (m: ParsedMail) => boolean, timeoutMs?: number): Promise<ParsedMail>;
  close(): Promise<void>;
}

export interface SmtpOptions {
  /** Logins the server accepts; a client that logs in otherwise is refused with 535 (unset: any login is accepted). */
  users?: Record<string, string>;
}

export async function startSmtp(options: SmtpOptions = {}): Promise<SmtpCatcher> {
  const mails: ParsedMail[] = [];
  const waiters = new Set<() => void>();
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      const expected = options.users?.[auth.username ?? ''];
      if (options.users && (expected === undefined || expected !== auth.password)) {
        callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
        return;
      }
      callback(null, { user: auth.username });
    },
    onData(stream, _session, callback) {
      simpleParser(stream).then((mail) => {
        mails.push(mail);
        for (const wake of waiters) wake();
        callback();
      }, (err: Error) => callback(err));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    waitFor(pred, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = mails.find(pred);
          if (!found) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching mail within ${timeoutMs} ms; received: ${mails.map((m) => JSON.stringify(m.subject)).join(', ') || 'none'}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The approval links (…/v1/approvals/<token>) in a mail's text body, in order. */
export function linksIn(mail: ParsedMail): string[] {
  return [...(mail.text ?? '').matchAll(/https?:\/\/\S+\/v1\/approvals\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g)].map((m) => m[0]);
}
