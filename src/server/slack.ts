// Slack interactions (approval card clicks, the reject-reason modal): POST /v1/slack/interactions authenticated at the edge,
// or Socket Mode when SLACK_INTERACTIONS=socket; both take one decision path (docs/design.md §4, §6).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SlackSettings } from '../model/connections.js';
import type { Logger } from '../logger.js';
import type { Roster } from '../model/roster.js';
import type { IncidentService } from '../temporal/incidents.js';
import { slackClient, type WebClient } from '../../adapters/slack/slack-client.js';
import { socketModeInteractions } from '../../adapters/slack/slack-socket.js';
import type { RefusalReports } from './refusal-reports.js';
import { temporalRefusal } from '../temporal/temporal-unavailable.js';

/** Slack's window for request timestamps, either way (Slack's own guidance; Bolt only checks the past). */
const SKEW_S = 5 * 60;
const REJECT_CALLBACK = 'kafka-ir.reject';
/** How long a modal submission waits for the vote before answering Slack (which allows 3 s). */
const ANSWER_WITHIN_MS = 2_000;

interface Target { i: string; s: string; h?: string }
/** A card's buttons: approve and reject on an approval card; retry, skip and abort on a failed step's question. */
type Decision = 'approve' | 'reject' | 'retry' | 'skip' | 'abort';
interface Interaction {
  type?: string;
  user?: { id?: string };
  team?: { id?: string } | null;
  api_app_id?: string;
  trigger_id?: string;
  actions?: { action_id?: string; value?: string }[];
  view?: { callback_id?: string; private_metadata?: string; state?: { values?: Record<string, Record<string, { value?: string | null }>> } };
}

export interface SlackDeps { slack?: SlackSettings; incidents: IncidentService; roster: Roster; log: Logger; refusals: RefusalReports }

function parseJson<T>(text: string | undefined): T | undefined {
  try {
    return text === undefined ? undefined : (JSON.parse(text) as T);
  } catch {
    return undefined;
  }
}

/** The incident and step a payload claims to be about (untrusted until the signature holds; used to record refusals). */
function targetOf(p: Interaction | undefined): Target | undefined {
  const t = p?.type === 'view_submission' ? parseJson<Target>(p.view?.private_metadata) : parseJson<Target>(p?.actions?.[0]?.value);
  return typeof t?.i === 'string' && typeof t.s === 'string' ? t : undefined;
}

/** Signatures seen in the last ten minutes: a captured request sent again is refused. */
class SeenSignatures {
  private readonly seen = new Map<string, number>();
  add(signature: string, now: number): boolean {
    for (const [s, until] of this.seen) if (until < now) this.seen.delete(s);
    if (this.seen.has(signature)) return false;
    this.seen.set(signature, now + 2 * SKEW_S * 1000);
    return true;
  }
}

/** Why a request is not Slack's, or undefined when its signature and timestamp hold. */
function authenticator(signingSecret: string): (request: FastifyRequest, raw: string) => string | undefined {
  const seen = new SeenSignatures();
  return (request, raw) => {
    const ts = Number(request.headers['x-slack-request-timestamp']);
    const signature = String(request.headers['x-slack-signature'] ?? '');
    if (!Number.isInteger(ts) || !signature.startsWith('v0=')) return 'request is not signed by Slack';
    const skew = Math.floor(Date.now() / 1000) - ts;
    if (skew > SKEW_S) return `request timestamp is ${skew} s old (more than 5 minutes)`;
    if (skew < -SKEW_S) return `request timestamp is ${-skew} s in the future (more than 5 minutes)`;
    const expected = Buffer.from(`v0=${createHmac('sha256', signingSecret).update(`v0:${ts}:${raw}`).digest('hex')}`);
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'Slack signature does not match (check SLACK_SIGNING_SECRET)';
    if (!seen.add(signature, Date.now())) return 'request was already received once (replayed)';
    return undefined;
  };
}

export function slackRoutes(app: FastifyInstance, deps: SlackDeps): void {
  const { slack } = deps;
  if (!slack) return;
  const client: WebClient = slackClient(slack);
  const log = deps.log.child({ component: 'slack' });

  /** Reports a refusal to the incident the payload names, aggregated (src/server/refusal-reports.ts). */
  const refuse = (target: Target | undefined, reason: string, slackUser?: string) => {
    deps.refusals.add(target?.i, { channel: 'slack', reason, ...(target ? { step: target.s } : {}), ...(slackUser ? { person: `slack:${slackUser}` } : {}) });
  };

  /** Only the clicker sees it, in the incident channel where the card is. */
  const tellClicker = (slackUser: string, text: string) => client.chat.postEphemeral({ channel: slack.channel, user: slackUser, text })
    .catch((err: unknown) => log.error({ err: err instanceof Error ? err.message : String(err) }, 'slack chat.postEphemeral failed'));

  /**
   * Sends the vote; resolves to what the clicker must be told when it could not be recorded (Temporal unreachable or
   * busy, or the engine failed), else undefined (recorded, or refused by the incident, which the card then shows).
   */
  const decide = async (target: Target, slackUser: string, person: string, decision: Decision, reason?: string): Promise<string | undefined> => {
    let result;
    try {
      result = await deps.incidents.decide(target.i, {
        person, channel: 'slack', step: target.s, decision, ...(reason ? { reason } : {}), ...(target.h ? { planHash: target.h } : {}),
      });
    } catch (err) {
      const temporal = temporalRefusal(err);
      if (!temporal) log.error({ err, incident: target.i, step: target.s }, 'slack decision failed');
      const why = !temporal ? 'the incident engine failed' : temporal.status === 503 ? 'the incident engine cannot reach Temporal right now' : 'the incident is busy with other requests';
      const what = decision === 'approve' ? 'approval' : decision === 'reject' ? 'rejection' : `answer (${decision})`;
      const cli = decision === 'approve' || decision === 'reject' ? `kafka-ir ${decision} ${target.i} --step ${target.s}` : `kafka-ir answer ${target.i} ${decision} --step ${target.s}`;
      return `Your ${what} of step \`${target.s}\` on incident ${target.i} was NOT recorded: ${why}. Try again in a moment, or use the CLI: ${cli}`;
    }
    if (!result) refuse(target, `no incident ${target.i}`, slackUser);
    log.info({ incident: target.i, step: target.s, person, decision, accepted: result?.accepted, reason: result?.reason }, 'slack decision');
    return undefined;
  };

  /**
   * One interaction payload, from an authenticated source (a signed HTTP post, or the Socket Mode connection): the
   * workspace and app are checked, the Slack user is mapped through the roster, and the vote goes to the incident,
   * which applies the step's approval rules. Answers the HTTP status and, for a modal, the body Slack shows.
   */
  const handle = async (payload: Interaction | undefined): Promise<{ status: number; body?: Record<string, unknown> }> => {
    const target = targetOf(payload);
    const slackUser = payload?.user?.id;
    const teamId = payload?.team?.id;
    if (teamId !== slack.teamId || payload?.api_app_id !== slack.appId) {
      const reason = `interaction from workspace ${teamId ?? '?'} / app ${payload?.api_app_id ?? '?'}, not this deployment's (SLACK_TEAM_ID, SLACK_APP_ID)`;
      refuse(target, reason, slackUser);
      return { status: 403, body: { error: reason } };
    }
    if (!target || !slackUser) return { status: 200 }; // not one of our buttons: nothing to do
    const person = Object.entries(deps.roster.people).find(([, p]) => p.slack === slackUser)?.[0];
    if (!person) {
      refuse(target, `Slack user ${slackUser} is not in the roster`, slackUser);
      return { status: 200 };
    }

    if (payload.type === 'view_submission' && payload.view?.callback_id === REJECT_CALLBACK) {
      const reason = Object.values(payload.view.state?.values ?? {}).flatMap((b) => Object.values(b)).find((v) => v.value)?.value ?? undefined;
      // Slack waits 3 s for the answer: a failure known by then keeps the modal open with the error under the reason.
      const deciding = decide(target, slackUser, person, 'reject', reason);
      const early = await Promise.race([deciding, new Promise<'slow'>((r) => setTimeout(() => r('slow'), ANSWER_WITHIN_MS))]);
      if (early === 'slow') void deciding.then(async (failed) => { if (failed) await tellClicker(slackUser, failed); });
      else if (early) return { status: 200, body: { response_action: 'errors', errors: { reason: early } } };
      return { status: 200 };
    }
    const action = payload.actions?.[0]?.action_id;
    if (action === 'approve' || action === 'retry' || action === 'skip' || action === 'abort') {
      // Acknowledge within Slack's 3 s; the workflow records the vote and updates the card, or the clicker is told it was not recorded.
      void decide(target, slackUser, person, action).then(async (failed) => { if (failed) await tellClicker(slackUser, failed); });
    } else if (action === 'reject' && payload.trigger_id) {
      void client.views.open({
        trigger_id: payload.trigger_id,
        view: {
          type: 'modal', callback_id: REJECT_CALLBACK, private_metadata: JSON.stringify(target),
          title: { type: 'plain_text', text: 'Reject step' },
          submit: { type: 'plain_text', text: 'Reject' },
          close: { type: 'plain_text', text: 'Cancel' },
          blocks: [
            { type: 'section', text: { type: 'mrkdwn', text: `Reject step \`${target.s}\` of incident ${target.i}? A rejection vetoes the step.` } },
            { type: 'input', block_id: 'reason', label: { type: 'plain_text', text: 'Why?' }, element: { type: 'plain_text_input', action_id: 'reason', multiline: true } },
          ],
        },
      }).catch((err: unknown) => log.error({ err: err instanceof Error ? err.message : String(err) }, 'slack views.open failed'));
    }
    return { status: 200 };
  };

  if (slack.interactions.mode === 'socket') {
    // No public URL: the engine opens the connection, Slack authenticated it with the app-level token, and the
    // acknowledgement carries what an HTTP answer would (a modal's errors).
    const socket = socketModeInteractions({ appToken: slack.interactions.appToken, apiUrl: slack.apiUrl }, log,
      async (payload) => {
        const { body } = await handle(payload as Interaction);
        return body && 'response_action' in body ? body : undefined; // a refusal's { error } is for HTTP callers only
      });
    // Not awaited: the engine serves (health, intake, CLI decisions) while the connection is retried.
    app.addHook('onReady', async () => {
      void socket.start().catch((err: unknown) => log.error({ err: err instanceof Error ? err.message : String(err) }, 'slack socket mode did not connect (check SLACK_APP_TOKEN and its connections:write scope)'));
    });
    app.addHook('onClose', async () => { await socket.stop(); });
    return;
  }
  const authenticate = authenticator(slack.interactions.signingSecret);
  app.register(async (scope) => {
    // Slack posts form-encoded `payload=<json>`; the signature covers the raw bytes, so the body is kept as a string.
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => done(null, body));

    scope.post('/v1/slack/interactions', async (request, reply) => {
      const raw = typeof request.body === 'string' ? request.body : '';
      const payload = parseJson<Interaction>(new URLSearchParams(raw).get('payload') ?? undefined);
      const unauthenticated = authenticate(request, raw);
      if (unauthenticated) {
        refuse(targetOf(payload), unauthenticated);
        return reply.code(401).send({ error: unauthenticated });
      }
      const { status, body } = await handle(payload);
      return body ? reply.code(status).send(body) : reply.code(status).send();
    });
  });
}
