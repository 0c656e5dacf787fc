// Email notices through a real in-process SMTP server: approval mails with a link bound to each person, escalations,
// the closing summary, escaping, and failures that say what to check without the password.
import { randomBytes } from 'node:crypto';
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer, EmailError, type MailerSettings } from '../../../../adapters/email/mailer.js';
import type { ApprovalNotice, NoticeIncident } from '../../../../src/model/notice.js';
import { verifyLink } from '../../../../adapters/email/approval-link.js';
import { linksIn, startSmtp, type SmtpCatcher } from '../../../support/smtp.js';

const LINK_SECRET = 'email-link-secret-0123456789abcdef-unit';
const SMTP_PASSWORD = 'smtp-pass-w0rd-that-must-not-leak';
const PUBLIC_URL = 'https://ir.example.test';
const DEADLINE = '2031-05-01T10:00:00.000Z';

let smtp: SmtpCatcher;
beforeAll(async () => { smtp = await startSmtp({ users: { mailer: SMTP_PASSWORD } }); });
afterAll(async () => { await smtp.close(); });

const smtpUrl = () => smtp.url.replace('smtp://', `smtp://mailer:${encodeURIComponent(SMTP_PASSWORD)}@`);
const settings = (over: Partial<MailerSettings> = {}): MailerSettings => ({
  smtpUrl: smtpUrl(), from: 'kafka-ir <ir@example.test>', to: ['soc@example.test', 'lead@example.test'], publicUrl: PUBLIC_URL, linkSecret: LINK_SECRET, ...over,
});

function incident(): NoticeIncident {
  return {
    id: `ir-data-exfiltration-${randomBytes(8).toString('hex')}-${randomBytes(4).toString('hex')}`,
    runbook: { id: 'data-exfiltration', version: 3 }, subject: 'User:eve', severity: 'high', status: 'open', phase: 'containment',
    alert: { kind: 'data-exfiltration', summary: 'eve reads <script>alert("x")</script> & more', source: 'siem' }, dryRun: false,
  };
}

function approval(over: Partial<ApprovalNotice> = {}): ApprovalNotice {
  return {
    step: 'deny', action: 'kafka.acl.deny', phase: 'containment',
    plan: {
      summary: 'deny User:eve everything on the cluster', hash: 'c'.repeat(64), notes: ['User:bob loses access to orders too'],
      changes: [
        { op: 'acl.create', binding: { resourceType: 'topic', resourceName: 'orders', patternType: 'literal', principal: 'User:eve', host: '*', operation: 'all', permission: 'deny' } },
        { op: 'acl.create', binding: { resourceType: 'group', resourceName: '', patternType: 'prefixed', principal: 'User:eve', host: '*', operation: 'all', permission: 'deny' } },
      ],
    },
    why: ['eve read 1.2 GB from orders in 10 minutes'], undo: 'remove exactly these DENY bindings (recovery: lift deny)',
    from: ['kafka-oncall', 'secops'], quorum: 2, deadline: DEADLINE, votes: [],
    waitingOn: [{ handle: 'alice', name: 'Alice', email: 'alice@example.test' }, { handle: 'bob', email: 'bob@example.test' }, { handle: 'carol' }],
    deciders: [{ handle: 'alice', email: 'alice@example.test' }, { handle: 'bob', email: 'bob@example.test' }, { handle: 'carol' }],
    state: 'waiting', refusals: [], ...over,
  };
}

const to = (m: ParsedMail) => (Array.isArray(m.to) ? m.to : m.to ? [m.to] : []).flatMap((a) => a.value.map((v) => v.address));
const about = (id: string) => (m: ParsedMail) => m.subject?.includes(id) ?? false;
const mailsAbout = (id: string) => smtp.mails.filter(about(id));

describe('email notices', () => {
  it('sends each waiting person with an address their own approval mail, with the plan and one link bound to them', async () => {
    const i = incident();
    const mailer = createMailer(settings());
    expect(await mailer.send({ kind: 'approval', incident: i, approval: approval() })).toEqual({ sent: 2 });
    mailer.close();
    const mails = mailsAbout(i.id);
    expect(mails.map(to).sort()).toEqual([['alice@example.test'], ['bob@example.test']]);
    for (const [mail, person] of [[mails.find((m) => to(m)[0] === 'alice@example.test')!, 'alice'], [mails.find((m) => to(m)[0] === 'bob@example.test')!, 'bob']] as const) {
      expect(mail.subject).toBe(`[kafka-ir] high ${i.id}: approve step "deny" (kafka.acl.deny)`);
      const text = mail.text!;
      for (const expected of [
        'Plan: deny User:eve everything on the cluster', '  - add DENY User:eve all on topic orders from *', '  - add DENY User:eve all on group * from *',
        'User:bob loses access to orders too', 'eve read 1.2 GB from orders in 10 minutes', 'Undo: remove exactly these DENY bindings',
        'Who decides: kafka-oncall, secops', 'Quorum: 2 distinct approval(s)', `Deadline: ${DEADLINE}`, 'Waiting on: alice, bob, carol',
      ]) expect(text).toContain(expected);
      const links = linksIn(mail);
      expect(links).toHaveLength(1);
      expect(links[0]!.startsWith(`${PUBLIC_URL}/v1/approvals/`)).toBe(true);
      const verdict = verifyLink(LINK_SECRET, links[0]!.slice(`${PUBLIC_URL}/v1/approvals/`.length));
      expect(verdict).toMatchObject({ ok: true, claims: { incident: i.id, step: 'deny', planHash: 'c'.repeat(64), person, expires: DEADLINE } });
      expect(mail.html).toContain(`href="${links[0]}"`);
    }
  });

  it('gives a retried send the same message ids and links, and each person their own', async () => {
    const i = incident();
    const mailer = createMailer(settings());
    await mailer.send({ kind: 'approval', incident: i, approval: approval() });
    await mailer.send({ kind: 'approval', incident: i, approval: approval() });
    mailer.close();
    const mails = mailsAbout(i.id);
    expect(mails).toHaveLength(4);
    const byPerson = (address: string) => mails.filter((m) => to(m)[0] === address);
    const [alice1, alice2] = byPerson('alice@example.test');
    const [bob1] = byPerson('bob@example.test');
    expect(alice1!.messageId).toMatch(/^<[0-9a-f]{32}\.kafka-ir@example\.test>$/);
    expect(alice2!.messageId).toBe(alice1!.messageId);
    expect(linksIn(alice2!)).toEqual(linksIn(alice1!));
    expect(bob1!.messageId).not.toBe(alice1!.messageId);
  });

  it('links without a deadline expire after the configured time', async () => {
    const i = incident();
    const mailer = createMailer(settings({ linkTtlMs: 60 * 60 * 1000 }));
    const before = Date.now();
    await mailer.send({ kind: 'approval', incident: i, approval: approval({ deadline: undefined, waitingOn: [{ handle: 'alice', email: 'alice@example.test' }] }) });
    mailer.close();
    const [mail] = mailsAbout(i.id);
    const verdict = verifyLink(LINK_SECRET, linksIn(mail!)[0]!.split('/v1/approvals/')[1]!);
    expect(verdict.ok).toBe(true);
    const expires = verdict.ok ? Date.parse(verdict.claims.expires) : 0;
    expect(expires).toBeGreaterThanOrEqual(before + 60 * 60 * 1000);
    expect(expires).toBeLessThan(before + 2 * 60 * 60 * 1000);
  });

  it('without a link secret says links are off and how to decide with the CLI', async () => {
    const i = incident();
    const mailer = createMailer(settings({ linkSecret: undefined }));
    expect(await mailer.send({ kind: 'approval', incident: i, approval: approval({ waitingOn: [{ handle: 'alice', email: 'alice@example.test' }] }) })).toEqual({ sent: 1 });
    mailer.close();
    const [mail] = mailsAbout(i.id);
    expect(linksIn(mail!)).toEqual([]);
    expect(mail!.text).toContain('Email approval links are off');
    expect(mail!.text).toContain(`kafka-ir approve ${i.id} --step deny`);
    expect(mail!.html).not.toContain('/v1/approvals/');
  });

  it('escalates to each person with an address; those the step waits on get their link', async () => {
    const i = incident();
    const mailer = createMailer(settings());
    const sent = await mailer.send({
      kind: 'escalated', incident: i, approval: approval({ votes: [{ person: 'bob', channel: 'slack', decision: 'approve', at: '2031-05-01T09:50:00.000Z' }], waitingOn: [{ handle: 'alice', email: 'alice@example.test' }] }),
      to: ['incident-commanders'], people: [{ handle: 'dave', email: 'dave@example.test' }, { handle: 'alice', email: 'alice@example.test' }, { handle: 'erin' }],
    });
    mailer.close();
    expect(sent).toEqual({ sent: 2 });
    const dave = mailsAbout(i.id).find((m) => to(m)[0] === 'dave@example.test')!;
    const alice = mailsAbout(i.id).find((m) => to(m)[0] === 'alice@example.test')!;
    expect(dave.subject).toBe(`[kafka-ir] high ${i.id}: escalated: step "deny" still waits for approval`);
    expect(dave.text).toContain('it was escalated to incident-commanders');
    expect(dave.text).toContain('bob approved (slack, 2031-05-01T09:50:00.000Z)');
    expect(linksIn(dave)).toEqual([]);
    expect(linksIn(alice)).toHaveLength(1);
    expect(verifyLink(LINK_SECRET, linksIn(alice)[0]!.split('/v1/approvals/')[1]!)).toMatchObject({ ok: true, claims: { person: 'alice' } });
    expect(dave.messageId).not.toBe(alice.messageId);
  });

  it('sends the closing summary to EMAIL_TO with the report link', async () => {
    const i = { ...incident(), status: 'closed' as const, phase: 'lessons' };
    const mailer = createMailer(settings());
    expect(await mailer.send({
      kind: 'closed', incident: i,
      summary: {
        openedAt: '2031-05-01T09:00:00.000Z', closedAt: '2031-05-01T11:00:00.000Z', timeToContainMs: 252_000,
        steps: [{ id: 'deny', action: 'kafka.acl.deny', status: 'done', summary: '31 DENY bindings' }, { id: 'verify', action: 'kafka.access.verify', status: 'done' }],
        decisions: [{ step: 'deny', person: 'alice', channel: 'email', decision: 'approve', at: '2031-05-01T09:10:00.000Z' }],
      },
    })).toEqual({ sent: 1 });
    mailer.close();
    const [mail] = mailsAbout(i.id);
    expect(to(mail!)).toEqual(['soc@example.test', 'lead@example.test']);
    expect(mail!.subject).toBe(`[kafka-ir] high ${i.id}: closed — summary`);
    for (const expected of [
      'Opened: 2031-05-01T09:00:00.000Z', 'Closed: 2031-05-01T11:00:00.000Z', 'Time to contain: 4 min', 'deny (kafka.acl.deny): done — 31 DENY bindings',
      'verify (kafka.access.verify): done', '2031-05-01T09:10:00.000Z alice (email) approve deny', `${PUBLIC_URL}/v1/incidents/${i.id}/report?format=html`,
    ]) expect(mail!.text).toContain(expected);
  });

  it('sends nothing for notices that are not emailed', async () => {
    const i = incident();
    const mailer = createMailer(settings());
    expect(await mailer.send({ kind: 'opened', incident: i })).toEqual({ sent: 0 });
    expect(await mailer.send({ kind: 'decision', incident: i, approval: approval() })).toEqual({ sent: 0 });
    expect(await mailer.send({ kind: 'step', incident: i, step: 'deny', action: 'kafka.acl.deny', status: 'done', detail: 'ok' })).toEqual({ sent: 0 });
    mailer.close();
    expect(mailsAbout(i.id)).toEqual([]);
  });

  it('escapes what alerts and plans say in the HTML body', async () => {
    const i = incident();
    const mailer = createMailer(settings());
    await mailer.send({ kind: 'approval', incident: i, approval: approval({ why: ['<img src=x onerror=alert(1)>'], waitingOn: [{ handle: 'alice', email: 'alice@example.test' }] }) });
    mailer.close();
    const [mail] = mailsAbout(i.id);
    expect(mail!.html).not.toContain('<script>');
    expect(mail!.html).not.toContain('<img');
    expect(mail!.html).toContain('eve reads &#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; more');
    expect(mail!.text).toContain('eve reads <script>alert("x")</script> & more');
  });

  it('puts neither the link secret nor the SMTP password in any mail', async () => {
    const i = incident();
    const mailer = createMailer(settings());
    await mailer.send({ kind: 'approval', incident: i, approval: approval() });
    await mailer.send({ kind: 'escalated', incident: i, approval: approval(), to: ['incident-commanders'], people: [{ handle: 'alice', email: 'alice@example.test' }] });
    await mailer.send({ kind: 'closed', incident: i, summary: { openedAt: '2031-05-01T09:00:00.000Z', steps: [], decisions: [] } });
    mailer.close();
    expect(mailsAbout(i.id)).toHaveLength(4);
    // Every mail of this file went through a login with the password, and its links were signed with the secret.
    for (const mail of smtp.mails) {
      const everything = JSON.stringify(mail);
      expect(everything).not.toContain(LINK_SECRET);
      expect(everything).not.toContain(SMTP_PASSWORD);
      expect(everything).not.toContain(encodeURIComponent(SMTP_PASSWORD));
    }
  });

  it('says to check SMTP_URL when the login is refused, without the password', async () => {
    const mailer = createMailer(settings({ smtpUrl: smtp.url.replace('smtp://', 'smtp://mailer:wrong-secret-password@') }));
    const err = await mailer.send({ kind: 'approval', incident: incident(), approval: approval() }).catch((e: unknown) => e);
    mailer.close();
    expect(err).toBeInstanceOf(EmailError);
    expect((err as EmailError).message).toMatch(/refused the login .*check the user name and password in SMTP_URL/);
    expect((err as EmailError).message).toContain(`smtp://mailer@127.0.0.1:`);
    expect((err as EmailError).message).not.toContain('wrong-secret-password');
    expect((err as EmailError).retryable).toBe(false);
  });

  it('refuses an SMTP_URL that is not a URL without repeating it', () => {
    expect(() => createMailer(settings({ smtpUrl: `smtp://mailer:${SMTP_PASSWORD}@bad host:25` }))).toThrow(/^SMTP_URL is not a URL: expected smtp:\/\/\[user:password@\]host:port/);
    expect(() => createMailer(settings({ smtpUrl: `smtp://mailer:${SMTP_PASSWORD}@bad host:25` }))).not.toThrow(SMTP_PASSWORD);
  });

  it('says to check the host and port in SMTP_URL when nothing listens there', async () => {
    const closed = await startSmtp();
    await closed.close();
    const mailer = createMailer(settings({ smtpUrl: closed.url.replace('smtp://', `smtp://mailer:${SMTP_PASSWORD}@`) }));
    const err = await mailer.send({ kind: 'approval', incident: incident(), approval: approval() }).catch((e: unknown) => e);
    mailer.close();
    expect(err).toBeInstanceOf(EmailError);
    expect((err as EmailError).message).toMatch(/cannot reach the SMTP server smtp:\/\/mailer@127\.0\.0\.1:\d+ .*check the host and port in SMTP_URL/);
    expect((err as EmailError).message).not.toContain(SMTP_PASSWORD);
    expect((err as EmailError).retryable).toBe(true);
  });
});
