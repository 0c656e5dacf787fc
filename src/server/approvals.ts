// GET/POST /v1/approvals/:token, the email approval link (docs/design.md §6): GET only shows the step (mail scanners pre-click), POST decides.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import type { IncidentView, StepView } from '../model/incident.js';
import { describeChange } from '../model/plan.js';
import { verifyLink, type LinkClaims } from '../../adapters/email/approval-link.js';
import type { IncidentService } from '../temporal/incidents.js';
import type { RefusalReports } from './refusal-reports.js';
import { temporalRefusal } from '../temporal/temporal-unavailable.js';

export interface ApprovalDeps { incidents: IncidentService; linkSecret?: string; log: Logger; refusals: RefusalReports }

const FORM = 'application/x-www-form-urlencoded';
/**
 * A wildcard, not `:token`: a link's token is a few hundred characters, and fastify's router answers 404 for a
 * parameter longer than `maxParamLength` (100). The URL is the same.
 */
const ROUTE = '/v1/approvals/*';
type Route = { Params: { '*': string } };

const DecisionForm = z.object({
  decision: z.enum(['approve', 'reject', 'retry', 'skip', 'abort'], { error: 'choose Approve or Reject (Retry, Skip or Abort on a failed step)' }),
  reason: z.string().trim().max(2000).optional().transform((r) => r || undefined),
});

const CLI = (incident = '<incident>', step = '<step>') => `kafka-ir approve ${incident} --step ${step}`;

export function approvalRoutes(app: FastifyInstance, deps: ApprovalDeps): void {
  const log = deps.log.child({ component: 'approvals' });

  /** The link's claims once verified; otherwise the page is sent, and the refusal filed on the incident the link names. */
  async function open(token: string, reply: FastifyReply): Promise<LinkClaims | undefined> {
    if (!deps.linkSecret) {
      void send(reply, 404, 'Email approval links are off', `<p>This engine has no link secret (KAFKA_IR_LINK_SECRET), so it neither sends nor accepts approval links. Nothing was decided.</p>
<p>Decide with the CLI instead: <code>${esc(CLI())}</code>, with your personal token in KAFKA_IR_TOKEN.</p>`);
      return undefined;
    }
    const verdict = verifyLink(deps.linkSecret, token);
    if (verdict.ok) return verdict.claims;
    const { claims = {} } = verdict;
    const reason = verdict.reason === 'expired' ? `expired email approval link (it expired at ${claims.expires})`
      : `${verdict.reason} email approval link (its claims are unverified)`;
    // Reported to the incident the link names, aggregated with others (src/server/refusal-reports.ts); never one update each.
    deps.refusals.add(claims.incident, { channel: 'email', reason, ...(claims.step ? { step: claims.step } : {}), ...(claims.person ? { person: claims.person } : {}) });
    const title = verdict.reason === 'expired' ? 'This approval link has expired' : 'This approval link is not valid';
    void send(reply, verdict.reason === 'expired' ? 410 : 400, title, `<p>${esc(verdict.message)}</p>`);
    return undefined;
  }

  /** Temporal unreachable or busy is a page with Retry-After, like the JSON API's 503 and 429. */
  const guarded = (work: (token: string, reply: FastifyReply, body: unknown) => Promise<unknown>) =>
    async (request: { params: { '*': string }; body?: unknown }, reply: FastifyReply) => {
      try {
        return await work(request.params['*'], reply, request.body);
      } catch (err) {
        const temporal = temporalRefusal(err);
        if (!temporal) throw err;
        reply.header('Retry-After', String(temporal.retryAfterS));
        return send(reply, temporal.status, 'Try again in a moment', temporal.status === 503
          ? '<p>The incident engine cannot reach Temporal right now, so nothing was shown or decided. Reload this page in a few seconds.</p>'
          : '<p>The incident is busy with other requests right now, so nothing was decided. Reload this page in a few seconds.</p>');
      }
    };

  const notFound = (reply: FastifyReply, incident: string) => send(reply, 404, 'No such incident',
    `<p>This engine has no incident <code>${esc(incident)}</code>: it may have been archived, or it belongs to another kafka-ir. Nothing was decided.</p>`);

  void app.register(async (scope) => {
    // Browsers post forms url-encoded; the parser lives in this scope only, whatever the rest of the server parses.
    if (scope.hasContentTypeParser(FORM)) scope.removeContentTypeParser(FORM);
    scope.addContentTypeParser(FORM, { parseAs: 'string', bodyLimit: 16 * 1024 }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });

    scope.get<Route>(ROUTE, guarded(async (token, reply) => {
      const claims = await open(token, reply);
      if (!claims) return reply;
      const view = await deps.incidents.view(claims.incident);
      if (!view) return notFound(reply, claims.incident);
      const step = view.steps.find((s) => s.id === claims.step);
      if (!step) return send(reply, 404, 'No such step', `<p>Incident <code>${esc(view.id)}</code> has no step "${esc(claims.step)}". Nothing was decided.</p>`);
      return send(reply, 200, `Step "${step.id}" of ${view.id}`, confirmation(view, step, claims));
    }));

    scope.post<Route>(ROUTE, guarded(async (token, reply, body) => {
      const claims = await open(token, reply);
      if (!claims) return reply;
      const form = DecisionForm.safeParse(body ?? {});
      if (!form.success) {
        return send(reply, 400, 'Nothing was decided', '<p>Choose Approve or Reject on the approval page (a reason is optional, at most 2000 characters).</p>');
      }
      const { decision, reason } = form.data;
      const result = await deps.incidents.decide(claims.incident, {
        person: claims.person, channel: 'email', step: claims.step, decision, reason,
        planHash: claims.planHash || undefined, nonce: claims.nonce,
      });
      if (!result) return notFound(reply, claims.incident);
      const what = decision === 'approve' ? 'approval' : decision === 'reject' ? 'rejection' : `answer (${decision})`;
      log.info({ incidentId: claims.incident, step: claims.step, person: claims.person, decision, accepted: result.accepted }, 'email decision');
      return result.accepted
        ? send(reply, 200, 'Decision recorded', `<p>Your ${what} of step "${esc(claims.step)}" is recorded on incident <code>${esc(claims.incident)}</code>, as ${esc(claims.person)}. You can close this page.</p>`)
        : send(reply, 409, 'Decision not recorded', `<p>Your ${what} of step "${esc(claims.step)}" was not recorded: ${esc(result.reason ?? 'the incident refused it')}.</p>
<p>The refusal is in the incident's timeline. To follow the incident: <code>kafka-ir status ${esc(claims.incident)}</code></p>`);
    }));
  });
}

function confirmation(view: IncidentView, step: StepView, claims: LinkClaims): string {
  const votes = step.approvals?.votes ?? [];
  const mine = votes.find((v) => v.person === claims.person);
  const stale = Boolean(claims.planHash && step.plan && step.plan.hash !== claims.planHash);
  // A link with a plan hash decides an approval; one without, on a step that failed and asks, answers the question.
  const asking = step.status === 'awaiting_answer' && !claims.planHash;
  const blocker = step.status !== 'awaiting_approval' && !asking
    ? `Step "${step.id}" is no longer waiting for a decision (it is ${step.status.replace('_', ' ')}), so this link cannot change it.`
    : asking ? undefined
    : mine ? `You (${claims.person}) already ${mine.decision === 'approve' ? 'approved' : 'rejected'} this step at ${mine.at}.`
    : stale ? `The plan changed since this email was sent: this link was for an earlier plan and cannot decide the current one. Look for a newer email, or use the CLI: ${CLI(view.id, step.id)}`
    : undefined;
  const plan = step.plan;
  return [
    `<p class="meta">${view.drill ? '<b>DRILL</b> · ' : ''}Incident <code>${esc(view.id)}</code> · severity <b>${esc(view.severity)}</b> · runbook ${esc(view.runbook.id)} v${view.runbook.version} · phase ${esc(view.phase)}${view.dryRun && !view.drill ? ' · dry run' : ''}</p>`,
    facts([
      ['Subject', view.subject], ['Step', `${step.id} (${step.action})`], ['Status', step.status.replace('_', ' ')],
      ['Deciding as', claims.person], ['Link valid until', claims.expires],
    ]),
    '<h2>Plan</h2>',
    plan
      ? `<p>${esc(plan.summary)}</p><ul>${plan.changes.map((c) => `<li>${esc(describeChange(c))}</li>`).join('') || '<li>no change: everything is already as planned</li>'}</ul>`
        + (plan.notes.length ? `<p><b>Read before approving</b></p><ul>${plan.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : '')
        + `<p class="meta">Plan hash <code>${esc(plan.hash)}</code></p>`
      : '<p>This step makes no Kafka change, so it has no plan.</p>',
    '<h2>Votes so far</h2>',
    votes.length
      ? `<ul>${votes.map((v) => `<li>${esc(v.person)} ${v.decision === 'approve' ? 'approved' : 'rejected'} (${esc(v.channel)}, ${esc(v.at)})</li>`).join('')}</ul>`
      : '<p>None yet.</p>',
    step.approvals ? `<p class="meta">Quorum ${step.approvals.quorum}; any reject vetoes. Waiting on: ${esc(step.approvals.waitingOn.join(', ') || 'nobody')}.</p>` : '',
    asking ? `<h2>Failed</h2><p class="notice">${esc(step.error ?? step.ask?.error ?? 'the step failed')}</p>` : '',
    blocker
      ? `<p class="notice">${esc(blocker)}</p>`
      : asking ? `<form method="post">
<label for="reason">Reason (optional, shown in the incident's timeline)</label>
<textarea id="reason" name="reason" rows="3" maxlength="2000"></textarea>
<p><button type="submit" name="decision" value="retry">Retry</button> <button type="submit" name="decision" value="skip">Skip</button> <button type="submit" name="decision" value="abort" class="reject">Abort</button></p>
</form>`
      : `<form method="post">
<label for="reason">Reason (optional, shown in the incident's timeline)</label>
<textarea id="reason" name="reason" rows="3" maxlength="2000"></textarea>
<p><button type="submit" name="decision" value="approve">Approve</button> <button type="submit" name="decision" value="reject" class="reject">Reject</button></p>
</form>`,
  ].join('\n');
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const facts = (rows: [string, string][]) => `<table>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>`;

const CSS = `body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d232a;max-width:720px;margin:2rem auto;padding:0 1rem}
h1{font-size:1.35rem}h2{font-size:1.05rem;margin-top:1.5rem}.meta{color:#57606a}code{word-break:break-all}
th{text-align:left;padding-right:1rem;vertical-align:top;white-space:nowrap}.notice{padding:.75rem;background:#fff8c5;border-radius:6px}
textarea{width:100%;box-sizing:border-box;font:inherit}label{display:block;margin-top:1rem}
button{font:inherit;font-weight:600;padding:.5rem 1.25rem;border:0;border-radius:6px;background:#1f883d;color:#fff;cursor:pointer}button.reject{background:#cf222e}`;

/**
 * A small self-contained page. The token is in the URL, so no referrer leaves and nothing is cached; the page loads
 * nothing and may only post back to itself.
 */
function send(reply: FastifyReply, status: number, title: string, body: string): FastifyReply {
  return reply.code(status)
    .type('text/html; charset=utf-8')
    .header('Cache-Control', 'no-store')
    .header('Referrer-Policy', 'no-referrer')
    .header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
    .send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">
<title>${esc(title)} · kafka-ir</title><style>${CSS}</style></head>
<body><h1>${esc(title)}</h1>
${body}
</body></html>
`);
}
