// The email approval link over HTTP (fastify inject, an in-memory incident service): GET only shows, POST decides with
// the link's nonce, and bad links get a page, a refusal in the timeline and no decision.
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import type { DecisionRequest, EdgeRefusal } from '../../../../src/model/incident-requests.js';
import type { DecisionResult } from '../../../../workflows/messages.js';
import { createLogger } from '../../../../src/logger.js';
import type { IncidentView, StepView } from '../../../../src/model/incident.js';
import { linkNonce, signLink, type LinkClaims } from '../../../../adapters/email/approval-link.js';
import { approvalRoutes } from '../../../../src/server/approvals.js';
import { RefusalReports } from '../../../../src/server/refusal-reports.js';
import type { IncidentService } from '../../../../src/temporal/incidents.js';

const SECRET = 'route-link-secret-0123456789abcdef-unit';
const INCIDENT = 'ir-data-exfiltration-00112233aabbccdd-0badcafe';
const HASH = 'd'.repeat(64);
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

function step(over: Partial<StepView> = {}): StepView {
  return {
    id: 'deny', phase: 'containment', action: 'kafka.acl.deny', status: 'awaiting_approval',
    plan: {
      action: 'kafka.acl.deny', summary: 'deny User:eve <everything>', hash: HASH, notes: ['User:bob loses access to orders'], inverse: [],
      changes: [{ op: 'acl.create', binding: { resourceType: 'topic', resourceName: 'orders', patternType: 'literal', principal: 'User:eve', host: '*', operation: 'all', permission: 'deny' } }],
    },
    approvals: { quorum: 2, votes: [{ person: 'bob', channel: 'slack', decision: 'approve', at: '2031-05-01T09:50:00.000Z' }], waitingOn: ['alice', 'carol'] },
    ...over,
  };
}

function view(s: StepView = step()): IncidentView {
  return {
    id: INCIDENT, runbook: { id: 'data-exfiltration', version: 3 }, subject: 'User:eve', severity: 'critical', status: 'open', phase: 'containment',
    dryRun: false, openedAt: '2031-05-01T09:00:00.000Z', alerts: 1, steps: [s], timeline: [],
  };
}

/** An incident service holding one incident, recording every decision and refusal it is given. */
function setup(options: { linkSecret?: string | null; step?: StepView; answer?: DecisionResult; rootFormParser?: boolean } = {}) {
  const decided: { id: string; request: DecisionRequest }[] = [];
  const refused: { id: string; refusal: EdgeRefusal }[] = [];
  const incidents = {
    async view(id: string) { return id === INCIDENT ? view(options.step) : undefined; },
    async decide(id: string, request: DecisionRequest) {
      if (id !== INCIDENT) return undefined;
      decided.push({ id, request });
      return options.answer ?? { accepted: true };
    },
    async refuse(id: string, refusal: EdgeRefusal) { refused.push({ id, refusal }); },
  } as unknown as IncidentService;
  const app = Fastify();
  // As another route (Slack interactivity) might: a server-wide parser that keeps the raw body.
  if (options.rootFormParser) app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_r, body, done) => done(null, body));
  const log = createLogger({ level: 'silent' });
  const refusals = new RefusalReports(incidents, 60_000, log);
  approvalRoutes(app, { incidents, linkSecret: options.linkSecret === null ? undefined : (options.linkSecret ?? SECRET), log, refusals });
  return { app, decided, refused };
}

function claims(over: Partial<LinkClaims> = {}): LinkClaims {
  const c = { incident: INCIDENT, step: 'deny', planHash: HASH, person: 'alice', expires: '2031-05-02T00:00:00.000Z', ...over };
  return { ...c, nonce: linkNonce(SECRET, c.incident, c.step, c.planHash, c.person) };
}
const url = (c: LinkClaims = claims(), secret = SECRET) => `/v1/approvals/${signLink(secret, c)}`;

describe('GET /v1/approvals/:token', () => {
  it('shows the step, its plan and votes with an Approve/Reject form, and decides nothing', async () => {
    const { app, decided, refused } = setup();
    const res = await app.inject({ method: 'GET', url: url() });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    for (const expected of [
      INCIDENT, 'User:eve', 'critical', 'deny (kafka.acl.deny)', 'awaiting approval', 'deny User:eve &#60;everything&#62;',
      'add DENY User:eve all on topic orders from *', 'User:bob loses access to orders', 'bob approved (slack, 2031-05-01T09:50:00.000Z)',
      'Waiting on: alice, carol', 'Deciding as</th><td>alice', '<form method="post">', 'name="reason"',
      '<button type="submit" name="decision" value="approve">Approve</button>', 'name="decision" value="reject"',
    ]) expect(res.body).toContain(expected);
    expect(res.body).not.toContain('<everything>');
    expect(res.body).not.toMatch(/<(script|link|img)\b|src=|https?:\/\//);
    expect(decided).toEqual([]);
    expect(refused).toEqual([]);
  });

  it('says a step that no longer waits for a decision cannot be changed, and shows no form', async () => {
    const { app } = setup({ step: step({ status: 'running' }) });
    const res = await app.inject({ method: 'GET', url: url() });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Step &#34;deny&#34; is no longer waiting for a decision (it is running)');
    expect(res.body).not.toContain('<form');
  });

  it('shows no form to someone who already voted, nor for a plan that changed since the email', async () => {
    const voted = await setup().app.inject({ method: 'GET', url: url(claims({ person: 'bob' })) });
    expect(voted.body).toContain('You (bob) already approved this step');
    expect(voted.body).not.toContain('<form');
    const stale = await setup().app.inject({ method: 'GET', url: url(claims({ planHash: 'e'.repeat(64) })) });
    expect(stale.body).toContain('The plan changed since this email was sent');
    expect(stale.body).not.toContain('<form');
  });

  it('answers 404 for an incident this engine does not have', async () => {
    const other = 'ir-data-exfiltration-99999999aaaaaaaa-12345678';
    const res = await setup().app.inject({ method: 'GET', url: url(claims({ incident: other })) });
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain(`no incident <code>${other}</code>`);
  });
});

describe('POST /v1/approvals/:token', () => {
  it('decides as the link\'s person, over email, bound to its plan and nonce', async () => {
    const { app, decided } = setup();
    const c = claims();
    const res = await app.inject({ method: 'POST', url: url(c), headers: FORM, payload: 'decision=approve&reason=seen+the+blast+radius+%26+agree' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Your approval of step "deny" is recorded');
    expect(decided).toEqual([{
      id: INCIDENT,
      request: { person: 'alice', channel: 'email', step: 'deny', decision: 'approve', reason: 'seen the blast radius & agree', planHash: HASH, nonce: c.nonce },
    }]);
  });

  it('shows the reason the incident refused a decision', async () => {
    const { app, decided } = setup({ answer: { accepted: false, reason: 'this approval link was already used' } });
    const res = await app.inject({ method: 'POST', url: url(), headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' }, payload: 'decision=reject' });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('Your rejection of step "deny" was not recorded: this approval link was already used.');
    expect(decided[0]!.request).toMatchObject({ decision: 'reject', reason: undefined });
  });

  it('decides nothing without a decision in the form', async () => {
    const { app, decided } = setup();
    const res = await app.inject({ method: 'POST', url: url(), headers: FORM, payload: 'decision=maybe' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Choose Approve or Reject');
    expect(decided).toEqual([]);
  });

  it('parses its form even when the server parses url-encoded bodies its own way elsewhere', async () => {
    const { app, decided } = setup({ rootFormParser: true });
    const res = await app.inject({ method: 'POST', url: url(), headers: FORM, payload: 'decision=approve' });
    expect(res.statusCode).toBe(200);
    expect(decided).toHaveLength(1);
  });
});

describe('links that are not valid', () => {
  it.each(['GET', 'POST'] as const)('%s with a tampered link: a 400 page, a refusal on the incident, no decision', async (method) => {
    const { app, decided, refused } = setup();
    const [, signature] = signLink(SECRET, claims()).split('.');
    const forged = Buffer.from(JSON.stringify({ ...claims(), step: 'rotate' })).toString('base64url');
    const res = await app.inject({ method, url: `/v1/approvals/${forged}.${signature}`, ...(method === 'POST' ? { headers: FORM, payload: 'decision=approve' } : {}) });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('does not carry a valid signature');
    expect(res.body).not.toContain('<form');
    expect(decided).toEqual([]);
    expect(refused).toEqual([{ id: INCIDENT, refusal: { channel: 'email', step: 'rotate', person: 'alice', reason: 'tampered email approval link (its claims are unverified)', count: 1, samples: [expect.objectContaining({ reason: 'tampered email approval link (its claims are unverified)' })] } }]);
  });

  it('refuses a link signed with another secret', async () => {
    const { app, decided, refused } = setup();
    const res = await app.inject({ method: 'POST', url: url(claims(), 'some-other-secret-0123456789abcdef-xyz'), headers: FORM, payload: 'decision=approve' });
    expect(res.statusCode).toBe(400);
    expect(decided).toEqual([]);
    expect(refused).toHaveLength(1);
  });

  it.each(['GET', 'POST'] as const)('%s with an expired link: a 410 page saying what to do, a refusal, no decision', async (method) => {
    const { app, decided, refused } = setup();
    const res = await app.inject({ method, url: url(claims({ expires: '2020-01-01T00:00:00.000Z' })), ...(method === 'POST' ? { headers: FORM, payload: 'decision=approve' } : {}) });
    expect(res.statusCode).toBe(410);
    expect(res.body).toContain('This approval link has expired');
    expect(res.body).toContain(`kafka-ir approve ${INCIDENT} --step deny`);
    expect(decided).toEqual([]);
    expect(refused).toEqual([{ id: INCIDENT, refusal: { channel: 'email', step: 'deny', person: 'alice', reason: 'expired email approval link (it expired at 2020-01-01T00:00:00.000Z)', count: 1, samples: [expect.objectContaining({ reason: 'expired email approval link (it expired at 2020-01-01T00:00:00.000Z)' })] } }]);
  });

  it('answers a garbage link with a 400 page and files nothing', async () => {
    const { app, decided, refused } = setup();
    const res = await app.inject({ method: 'GET', url: '/v1/approvals/not-a-link' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('incomplete or damaged');
    expect(decided).toEqual([]);
    expect(refused).toEqual([]);
  });

  it('says email links are off when no link secret is configured', async () => {
    const { app, decided, refused } = setup({ linkSecret: null });
    for (const method of ['GET', 'POST'] as const) {
      const res = await app.inject({ method, url: url(), ...(method === 'POST' ? { headers: FORM, payload: 'decision=approve' } : {}) });
      expect(res.statusCode).toBe(404);
      expect(res.body).toContain('Email approval links are off');
    }
    expect(decided).toEqual([]);
    expect(refused).toEqual([]);
  });
});

describe('a failed step that asks, by email link', () => {
  const failed = step({ status: 'awaiting_answer', error: 'broker 2 unreachable', ask: { error: 'broker 2 unreachable', waitingOn: ['alice'] } });
  const question = claims({ planHash: '' });

  it('shows the failure with Retry, Skip and Abort, and posts the answer as the link\'s person', async () => {
    const { app, decided } = setup({ step: failed });
    const page = await app.inject({ method: 'GET', url: url(question) });
    for (const expected of ['broker 2 unreachable', 'value="retry">Retry', 'value="skip">Skip', 'value="abort" class="reject">Abort']) expect(page.body).toContain(expected);
    const res = await app.inject({ method: 'POST', url: url(question), headers: FORM, payload: 'decision=retry' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Your answer (retry) of step "deny" is recorded');
    expect(decided).toEqual([{ id: INCIDENT, request: { person: 'alice', channel: 'email', step: 'deny', decision: 'retry', nonce: question.nonce } }]);
  });

  it('does not let an approval link answer the question', async () => {
    const page = await setup({ step: failed }).app.inject({ method: 'GET', url: url() });
    expect(page.body).toContain('is no longer waiting for a decision (it is awaiting answer)');
    expect(page.body).not.toContain('<form');
  });
});
