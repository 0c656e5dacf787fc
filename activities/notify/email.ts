// notifyEmail: the mails a notice makes, through adapters/email; an SMTP failure that retrying cannot fix is final.
import { ApplicationFailure } from '@temporalio/common';
import type { Notice } from '../../src/model/notice.js';
import { createMailer, EmailError, type MailerSettings } from '../../adapters/email/mailer.js';

/** `email` is unset when SMTP_URL is. */
export interface EmailActivityDeps { email?: Pick<MailerSettings, 'smtpUrl' | 'from' | 'to'>; publicUrl: string; linkSecret?: string }

export function emailActivities({ email, publicUrl, linkSecret }: EmailActivityDeps) {
  const mailer = email && createMailer({ ...email, publicUrl, linkSecret });
  return {
    async notifyEmail({ notice }: { notice: Notice }): Promise<{ sent: number }> {
      if (!mailer) throw ApplicationFailure.nonRetryable('email is not configured on this worker: set SMTP_URL and EMAIL_FROM', 'EmailConfiguration');
      try {
        return await mailer.send(notice);
      } catch (err) {
        // A refused login, TLS failure or refused recipient is configuration: retrying sends nothing more.
        if (err instanceof EmailError && !err.retryable) throw ApplicationFailure.nonRetryable(err.message, 'EmailRejected');
        throw err;
      }
    },
  };
}
