// Local PagerDuty Events API v2 and Opsgenie Alert API for tests, answering with the vendors' documented bodies
// (test/fixtures/pagerduty, test/fixtures/opsgenie) and checking requests against what those documents require.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Fixture { status: number; body: Record<string, unknown> }
const read = (vendor: 'pagerduty' | 'opsgenie', name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/${vendor}/${name}.json`, import.meta.url), 'utf8'));
/** A documented API answer, `{ status, body }`. */
export const pagerFixture = (vendor: 'pagerduty' | 'opsgenie', name: string) => read(vendor, name) as Fixture;
/** A documented webhook body, as the vendor posts it (`webhook-*.json`). */
export const webhookSample = (vendor: 'pagerduty' | 'opsgenie', name: string) => read(vendor, name) as Record<string, any>;

/** One request as the vendor received it: which API call, the page's key, and the body. */
export interface PagerCall { vendor: 'pagerduty' | 'opsgenie'; action: 'trigger' | 'acknowledge' | 'resolve'; key: string; credential: string; body: Record<string, any> }

export interface PagerStandIns {
  /** PAGERDUTY_EVENTS_URL and OPSGENIE_API_URL for the engine. */
  env: { PAGERDUTY_EVENTS_URL: string; OPSGENIE_API_URL: string };
  calls: PagerCall[];
  /** Calls for one page key, in arrival order, as `vendor:action`. */
  actionsFor(key: string): string[];
  close(): Promise<void>;
}

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const SEVERITIES = ['critical', 'error', 'warning', 'info'];

/** Why a PagerDuty event is invalid (as "Send an Alert Event" specifies it), or undefined. */
function pagerDutyProblem(e: Record<string, any>): string | undefined {
  if (typeof e.routing_key !== 'string' || e.routing_key.length !== 32) return "Length of 'routing_key' is incorrect (should be 32 characters)";
  if (!['trigger', 'acknowledge', 'resolve'].includes(e.event_action)) return "'event_action' is invalid";
  if (typeof e.dedup_key === 'string' && e.dedup_key.length > 255) return "'dedup_key' is longer than 255 characters";
  if (e.event_action !== 'trigger') return typeof e.dedup_key === 'string' ? undefined : "'dedup_key' is missing";
  const p = e.payload ?? {};
  if (typeof p.summary !== 'string' || !p.summary || p.summary.length > 1024) return "'payload.summary' is missing or longer than 1024 characters";
  if (typeof p.source !== 'string' || !p.source) return "'payload.source' is missing";
  if (!SEVERITIES.includes(p.severity)) return "'payload.severity' is invalid";
  return undefined;
}

export async function startPagerStandIns(): Promise<PagerStandIns> {
  const calls: PagerCall[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      const text = await bodyOf(req);
      const answer = (f: Fixture, patch: Record<string, unknown> = {}) => {
        res.writeHead(f.status, { 'content-type': 'application/json' }).end(JSON.stringify({ ...f.body, ...patch }));
      };
      let body: Record<string, any>;
      try {
        body = JSON.parse(text) as Record<string, any>;
      } catch {
        return answer(pagerFixture('pagerduty', 'event-invalid'), { errors: ['Invalid JSON'] });
      }
      if (req.method === 'POST' && url.pathname === '/v2/enqueue') {
        const problem = pagerDutyProblem(body);
        if (problem) return answer(pagerFixture('pagerduty', 'event-invalid'), { errors: [problem] });
        calls.push({ vendor: 'pagerduty', action: body.event_action, key: body.dedup_key, credential: body.routing_key, body });
        return answer(pagerFixture('pagerduty', 'event-accepted'), { dedup_key: body.dedup_key });
      }
      const auth = /^GenieKey (\S+)$/.exec(String(req.headers.authorization ?? ''));
      if (!auth) return res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Could not authenticate', took: 0, requestId: 'stand-in' }));
      if (req.method === 'POST' && url.pathname === '/v2/alerts') {
        if (typeof body.message !== 'string' || !body.message || body.message.length > 130) return answer(pagerFixture('opsgenie', 'request-unprocessable'));
        calls.push({ vendor: 'opsgenie', action: 'trigger', key: String(body.alias), credential: auth[1]!, body });
        return answer(pagerFixture('opsgenie', 'request-accepted'));
      }
      const m = /^\/v2\/alerts\/([^/]+)\/(acknowledge|close)$/.exec(url.pathname);
      if (req.method === 'POST' && m && url.searchParams.get('identifierType') === 'alias') {
        calls.push({ vendor: 'opsgenie', action: m[2] === 'close' ? 'resolve' : 'acknowledge', key: decodeURIComponent(m[1]!), credential: auth[1]!, body });
        return answer(pagerFixture('opsgenie', 'request-accepted'));
      }
      res.writeHead(404).end();
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    env: { PAGERDUTY_EVENTS_URL: `${base}/v2/enqueue`, OPSGENIE_API_URL: base },
    calls,
    actionsFor: (key) => calls.filter((c) => c.key === key).map((c) => `${c.vendor}:${c.action}`),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
