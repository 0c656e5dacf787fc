// A whole incident run from email alone, on real Temporal and Kafka with a real SMTP server: approval mails with
// signed one-time links, a confirmation page that decides nothing, two approvers, the DENY on the broker, the summary
// mail; every tampered, expired, reused or late link refused, recorded, and changing nothing.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParsedMail } from 'mailparser';
import { eventually, startTestEngine, type TestEngine } from '../support/engine.js';
import { unique } from '../support/infra.js';
import { admin, bindingsOf } from '../support/kafka.js';
import { linksIn, startSmtp, type SmtpCatcher } from '../support/smtp.js';
import { signLink } from '../../adapters/email/approval-link.js';

const LINK_SECRET = 'test-link-secret-0123456789abcdef0123456789';
let smtp: SmtpCatcher;
let engine: TestEngine;
const kafka = admin();
beforeAll(async () => {
  smtp = await startSmtp();
  // Refusals reach the timeline aggregated per interval (src/server/refusal-reports.ts): a short one shows each here.
  engine = await startTestEngine({ SMTP_URL: smtp.url, EMAIL_FROM: 'kafka-ir@test.local', EMAIL_TO: 'soc@test.local', KAFKA_IR_LINK_SECRET: LINK_SECRET, KAFKA_IR_REFUSAL_INTERVAL: '0.05' });
});
afterAll(async () => { await engine?.close(); await smtp?.close(); await kafka.close(); });

const alert = (kind: string, principal: string) => ({
  kind, severity: 'high', summary: `${principal} reads supply`, source: 'siem', observedAt: new Date().toISOString(), subject: { principal },
});
const to = (m: ParsedMail) => (Array.isArray(m.to) ? m.to : [m.to]).flatMap((a) => a?.value.map((v) => v.address) ?? []);
/** The approval mail of an incident to one person, and its link (pointing at the engine under test). */
async function linkFor(id: string, address: string): Promise<string> {
  const mail = await smtp.waitFor((m) => to(m).includes(address) && (m.subject ?? '').includes(id) && linksIn(m).length > 0, 20_000);
  const [link] = linksIn(mail);
  return `${engine.url}${new URL(link!).pathname}`;
}
const page = async (url: string, form?: Record<string, string>) => {
  const res = await fetch(url, form ? { method: 'POST', body: new URLSearchParams(form) } : {});
  return { status: res.status, html: await res.text() };
};
const refusals = async (id: string) => ((await engine.view(id)).timeline as { type: string; reason?: string; channel?: string }[])
  .filter((t) => t.type === 'decision.refused');
async function open(kind: string) {
  const principal = `User:${unique('mail')}`;
  const id = (await engine.post('/v1/alerts', alert(kind, principal))).body.incidents[0].id as string;
  await engine.waitForStep(id, 'deny', 'awaiting_approval', 20_000);
  return { id, principal };
}

describe('email', () => {
  it('runs an incident from email alone: each approver gets a link, GET only confirms, two POSTs deny on the broker, a summary at close', { timeout: 180_000 }, async () => {
    const { id, principal } = await open('test.approve-deny');
    const alice = await linkFor(id, 'alice@example.com');
    const bob = await linkFor(id, 'bob@example.com');
    const mail = smtp.mails.find((m) => to(m).includes('alice@example.com') && (m.subject ?? '').includes(id))!;
    expect(mail.subject).toContain(`[kafka-ir] high ${id}`);
    expect(mail.text).toContain(`DENY ${principal} all on topic *`);

    // A browser opening the link (a person, or a mail scanner's pre-click) shows the plan and the buttons, and decides nothing.
    const profile = await mkdtemp(join(tmpdir(), 'kafka-ir-chromium-'));
    try {
      const { stdout: dom } = await promisify(execFile)('/usr/bin/chromium', [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', `--user-data-dir=${profile}`, '--dump-dom', bob,
      ], { timeout: 90_000, maxBuffer: 10 * 1024 * 1024 });
      expect(dom).toContain(`DENY ${principal} all on topic *`);
      expect(dom).toMatch(/<button[^>]*value="approve"[^>]*>Approve<\/button>/);
    } finally {
      await rm(profile, { recursive: true, force: true });
    }
    const confirm = await page(alice);
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain(principal);
    expect(confirm.html).toMatch(/<form[^>]+method="post"/i);
    expect((await engine.stepOf(id, 'deny')).approvals.votes).toEqual([]);

    const decided = await page(alice, { decision: 'approve' });
    expect(decided.status).toBe(200);
    expect((await engine.stepOf(id, 'deny')).approvals.votes).toMatchObject([{ person: 'alice', channel: 'email', decision: 'approve' }]);
    expect(await bindingsOf(kafka, principal)).toEqual([]);

    expect((await page(bob, { decision: 'approve' })).status).toBe(200);
    await eventually(async () => ((await bindingsOf(kafka, principal)).length === 4 ? true : undefined), 20_000, 'the DENY on the broker');
    const summary = await smtp.waitFor((m) => to(m).includes('soc@test.local') && (m.subject ?? '').includes(id), 20_000);
    expect(summary.text).toMatch(/alice[^\n]*approve/);
    expect(summary.text).toMatch(/bob[^\n]*approve/);
    expect(summary.text).toContain(`/v1/incidents/${id}/report?format=html`);
  });

  it('refuses tampered, expired, reused and late links with a clear page, records each, and changes nothing', async () => {
    const { id, principal } = await open('test.approve-then-hold');
    const alice = await linkFor(id, 'alice@example.com');
    const dave = await linkFor(id, 'dave@example.com');

    // Tampered: the claims changed (another person), the signature kept.
    const [body, signature] = new URL(alice).pathname.split('/').at(-1)!.split('.');
    const claims = JSON.parse(Buffer.from(body!, 'base64url').toString());
    const forged = `${engine.url}/v1/approvals/${Buffer.from(JSON.stringify({ ...claims, person: 'carol' })).toString('base64url')}.${signature}`;
    const tampered = await page(forged, { decision: 'approve' });
    expect(tampered.status).toBe(400);
    expect(tampered.html).toContain('not valid');
    // Expired: a genuine link whose time is up.
    const expired = `${engine.url}/v1/approvals/${signLink(LINK_SECRET, { ...claims, expires: new Date(Date.now() - 60_000).toISOString() })}`;
    const late = await page(expired, { decision: 'approve' });
    expect(late.status).toBe(410);
    expect(late.html).toContain('expired');
    await eventually(async () => ((await refusals(id)).length >= 2 ? true : undefined), 10_000, 'both refusals in the timeline');
    expect((await engine.stepOf(id, 'deny')).approvals.votes).toEqual([]);

    // Used once: approved; used again: refused, whatever it asks.
    expect((await page(alice, { decision: 'approve' })).status).toBe(200);
    await eventually(async () => ((await bindingsOf(kafka, principal)).length === 4 ? true : undefined), 20_000, 'the DENY on the broker');
    const reused = await page(alice, { decision: 'reject', reason: 'again' });
    expect(reused.html).toContain('already been used');
    // Dave's link came too late: the step is no longer waiting.
    const tooLate = await page(dave, { decision: 'reject', reason: 'wait' });
    expect(tooLate.html).toContain('not waiting for a decision');

    const reasons = (await refusals(id)).map((r) => `${r.channel}: ${r.reason}`);
    expect(reasons).toEqual([
      expect.stringMatching(/^email: tampered email approval link/),
      expect.stringMatching(/^email: expired email approval link/),
      'email: this approval link has already been used; each link decides once',
      'email: step "deny" is not waiting for a decision (it is done)',
    ]);
    const v = await engine.view(id);
    expect(v.steps[0]).toMatchObject({ status: 'done', approvals: { votes: [{ person: 'alice', channel: 'email', decision: 'approve' }] } });
    // The runbook's own email.notify step mails EMAIL_TO; its slack.notify is off here (no Slack).
    const told = await smtp.waitFor((m) => to(m).includes('soc@test.local') && (m.subject ?? '').endsWith(`denied ${principal}`), 10_000);
    expect(told.text).toContain(`Denied ${principal} on every broker.`);
    expect(v.steps.find((s: { id: string }) => s.id === 'tell-slack').output).toEqual({ queued: false, note: 'Slack is not configured: nothing was sent' });
    await engine.post(`/v1/incidents/${id}/notes`, { text: 'done', lessons: true });
  });

  it('emails the escalation to the people it names', async () => {
    const principal = `User:${unique('mail')}`;
    const id = (await engine.post('/v1/alerts', alert('test.approval-timeout', principal))).body.incidents[0].id as string;
    const escalation = await smtp.waitFor((m) => to(m).includes('carol@example.com') && (m.subject ?? '').includes(id), 20_000);
    expect(escalation.text).toContain('snapshot');
    await smtp.waitFor((m) => to(m).includes('soc@test.local') && (m.subject ?? '').includes(id), 30_000);
  });
});
