// A seeded generator of invalid, unauthenticated or forged requests to the engine's HTTP surface (intake, decisions, Slack, links), for the fuzz test.
import { signLink } from '../../adapters/email/approval-link.js';
import { interactionBody, signSlackRequest } from './slack-signing.js';

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FuzzRequest { family: 'intake' | 'decisions' | 'slack' | 'links' | 'other'; method: string; path: string; headers: Record<string, string>; body?: string }

export interface FuzzTargets {
  /** Real incidents the forged requests name, and one of their steps. */
  incidents: { id: string; step: string }[];
  /** Tokens a caller might hold: the intake and API tokens, a person's token (all valid, used with invalid bodies only). */
  intakeToken: string; apiToken: string; personToken: string;
  slack: { secret: string; team: string; app: string; approver: string };
}

const STRINGS = ['', ' ', 'x', 'User:*', 'User:', '*', '../../etc/passwd', '<script>alert(1)</script>', '# heading\n[link](http://evil.example)',
  '\u0000', '\uffff', '😀'.repeat(50), 'a'.repeat(5000), '${alert.subject.principal}', 'null', '{}', '[]', '%00', 'ir-x-0123456789abcdef-deadbeef'];
const SEVERITIES_BAD = ['', 'urgent', 'HIGH', 'info', 1, null, ['high'], { level: 'high' }];

export function fuzzer(seed: number, t: FuzzTargets) {
  const r = prng(seed);
  const int = (n: number) => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const chance = (p: number) => r() < p;
  const junk = (depth = 0): unknown => {
    switch (int(depth > 2 ? 5 : 8)) {
      case 0: return pick(STRINGS);
      case 1: return int(2) ? int(1e9) - 5e8 : r() * 1e300;
      case 2: return chance(0.5);
      case 3: return null;
      case 4: return pick([NaN, -0, 1e21, 2 ** 53 + 1].map(String));
      case 5: return Array.from({ length: int(4) }, () => junk(depth + 1));
      case 6: return Object.fromEntries(Array.from({ length: int(4) }, () => [pick(['kind', 'subject', '__proto__', 'constructor', 'severity', pick(STRINGS)]), junk(depth + 1)]));
      // A real alert with one required field spoiled (null fits none of them).
      default: return { ...validAlert(), [pick(['kind', 'severity', 'summary', 'source', 'observedAt', 'subject'])]: null };
    }
  };
  const incident = () => pick(t.incidents);
  const anyId = () => (chance(0.6) ? incident().id : pick(['ir-nope-0123456789abcdef-00000000', 'nope', '%2e%2e', 'ir-hold-ffffffffffffffff-ffffffff', pick(STRINGS) || 'x']));

  /** A well-formed alert, to be broken: every use below removes or spoils a required field. */
  function validAlert(): Record<string, unknown> {
    return { kind: 'test.hold', severity: 'high', summary: 'fuzz', source: 'fuzz', observedAt: new Date().toISOString(), subject: { principal: `User:fuzz-${int(1e6)}` } };
  }
  function brokenAlert(): unknown {
    const a = validAlert();
    switch (int(7)) {
      case 0: delete a[pick(['kind', 'severity', 'summary', 'source', 'observedAt', 'subject'])]; return a;
      case 1: return { ...a, severity: pick(SEVERITIES_BAD) };
      case 2: return { ...a, subject: { principal: pick(['User:*', '', 'nobody', 42, null]) } };
      case 3: return { ...a, observedAt: pick(['yesterday', '', 12, '2026-13-45T99:99:99Z']) };
      case 4: return { ...a, kind: pick(['', 42, null, ['test.hold']]) };
      case 5: return { ...a, subject: pick([null, 'User:x', [], {}]) };
      default: return junk();
    }
  }
  const json = (v: unknown) => JSON.stringify(v) ?? 'null';
  const bearer = (good: string): Record<string, string> => pick<Record<string, string>>([{}, { authorization: `Bearer ${good.slice(0, -1)}x` }, { authorization: 'Bearer ' }, { authorization: good }, { authorization: `Basic ${good}` }]);

  function intake(): FuzzRequest {
    const path = pick(['/v1/alerts', '/v1/alerts?dryRun=true', '/v1/alerts/alertmanager', `/v1/alerts/splunk/${pick([t.intakeToken, 'wrong-token-0123456789', ''])}`]);
    const authed = chance(0.5);
    const headers: Record<string, string> = { 'content-type': pick(['application/json', 'application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1']), ...(authed ? { authorization: `Bearer ${t.intakeToken}` } : bearer(t.intakeToken)) };
    const body = pick([
      () => json(brokenAlert()),
      () => json(Array.from({ length: 1 + int(5) }, brokenAlert)),
      () => json(Array.from({ length: 51 + int(100) }, validAlert)), // over the per-request cap: refused whole
      () => json({ version: '4', status: 'firing', alerts: Array.from({ length: 1 + int(3) }, () => ({ status: pick(['firing', 'resolved', 'weird']), labels: junk(), annotations: junk() })) }),
      () => json({ result: junk(), search_name: junk() }),
      () => pick(['', '{', '[1,2', 'null', '"x"', '{"kind":']),
      () => json(junk()),
    ])();
    // An authenticated request still carries only broken alerts: nothing valid, so nothing may start.
    if (authed && path.startsWith('/v1/alerts/splunk/')) headers.authorization = 'Bearer nothing';
    return { family: 'intake', method: 'POST', path, headers, body };
  }

  function decisions(): FuzzRequest {
    const id = anyId();
    const notes = chance(0.3);
    const path = `/v1/incidents/${encodeURIComponent(id)}/${notes ? 'notes' : 'decisions'}`;
    const who = pick([{}, bearer(t.apiToken), { authorization: `Bearer ${t.apiToken}` }, { authorization: `Bearer ${t.personToken}` }]);
    const valid = who.authorization === `Bearer ${t.apiToken}` || who.authorization === `Bearer ${t.personToken}`;
    // With a real token, the body is always invalid; without one, anything goes (the token check comes first).
    const body = valid
      ? json(notes
        ? pick([{ text: '' }, { text: ' ' }, { text: 42 }, { lessons: true }, { text: ['x'] }, junk()].filter((b) => !(typeof b === 'object' && b && typeof (b as { text?: unknown }).text === 'string' && (b as { text: string }).text.trim())))
        : pick([{ decision: 'maybe', step: incident().step }, { decision: 'approve' }, { decision: 'approve', step: '' }, { decision: 'abort' }, { decision: 'abort', reason: ' ' }, { decision: 'force-advance', reason: '' }, { decision: 'reject', step: 42 }, { step: 'deny' }]))
      : json(pick([{ decision: 'approve', step: incident().step }, { text: 'closed by nobody', lessons: true }, { decision: 'abort', reason: 'nobody', rollback: true }, junk()]));
    return { family: 'decisions', method: 'POST', path, headers: { 'content-type': 'application/json', ...who }, body };
  }

  function slack(): FuzzRequest {
    const target = incident();
    const payload = {
      type: pick(['block_actions', 'view_submission', 'shortcut', 'block_actions']),
      user: { id: pick(['U0STRANGER', 'U0NOBODY1', t.slack.approver]) },
      team: { id: chance(0.8) ? t.slack.team : 'T0OTHER01' },
      api_app_id: chance(0.8) ? t.slack.app : 'A0OTHER01',
      trigger_id: 'trigger',
      actions: [{ action_id: pick(['approve', 'reject', 'other']), value: pick([json({ i: target.id, s: target.step }), json({ i: anyId(), s: 'x' }), 'not json', '']) }],
      view: { callback_id: 'kafka-ir.reject', private_metadata: json({ i: target.id, s: target.step }), state: { values: { reason: { reason: { value: 'fuzz' } } } } },
    };
    const raw = pick([() => interactionBody(payload), () => interactionBody(junk() as object ?? {}), () => `payload=${pick(STRINGS)}`, () => pick(STRINGS)])();
    const now = Math.floor(Date.now() / 1000);
    const signed = pick([
      () => ({ 'content-type': 'application/x-www-form-urlencoded' }),
      () => signSlackRequest('not-the-signing-secret-0000000000', raw, now),
      () => signSlackRequest(t.slack.secret, raw, now - 301 - int(10_000)),
      () => signSlackRequest(t.slack.secret, raw, now + 301 + int(10_000)),
      () => ({ ...signSlackRequest(t.slack.secret, raw, now), 'x-slack-signature': `v0=${'0'.repeat(64)}` }),
      () => ({ ...signSlackRequest(t.slack.secret, raw, now), 'x-slack-request-timestamp': pick(['', 'abc', '1e3', '-1']) }),
    ])() as Record<string, string>;
    // A correctly signed request (one in eight) still comes from a stranger or another workspace or app, or names no
    // button of ours: Slack vouches for it, the roster does not.
    if (chance(0.125)) {
      const stranger = { ...payload, user: { id: 'U0STRANGER' } };
      const body = interactionBody(chance(0.5) ? stranger : { ...stranger, team: { id: 'T0OTHER01' } });
      return { family: 'slack', method: 'POST', path: '/v1/slack/interactions', headers: { ...signSlackRequest(t.slack.secret, body, now) }, body };
    }
    return { family: 'slack', method: 'POST', path: '/v1/slack/interactions', headers: signed, body: raw };
  }

  function links(): FuzzRequest {
    const target = incident();
    const claims = { incident: target.id, step: target.step, planHash: '', person: pick(['alice', 'bob', 'mallory']), expires: new Date(Date.now() + 3_600_000).toISOString(), nonce: 'n' };
    const token = pick([
      () => signLink('an attacker does not have the link secret, 32+', claims), // forged
      () => signLink('an attacker does not have the link secret, 32+', { ...claims, incident: anyId() }),
      () => `${Buffer.from(json(claims)).toString('base64url')}.${'A'.repeat(43)}`,
      () => encodeURIComponent(pick(STRINGS)) || 'x',
      () => 'a.b.c',
      () => `${Buffer.from(json(junk())).toString('base64url')}.sig`,
    ])();
    const post = chance(0.5);
    return {
      family: 'links', method: post ? 'POST' : 'GET', path: `/v1/approvals/${token}`,
      headers: post ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
      body: post ? pick(['decision=approve', 'decision=reject&reason=x', 'decision=maybe', '', `reason=${'r'.repeat(3000)}&decision=reject`]) : undefined,
    };
  }

  function other(): FuzzRequest {
    const method = pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']);
    const path = pick(['/', '/v1', '/v1/incidents', `/v1/incidents/${encodeURIComponent(anyId())}`, `/v1/incidents/${encodeURIComponent(anyId())}/report?format=${pick(['md', 'pdf', ''])}`,
      '/v1/codec/decode', '/v1/codec/encode', '/metrics', '/v1/alerts/splunk', `/${encodeURIComponent(pick(STRINGS))}`, '/v1/incidents?status=weird']);
    const headers: Record<string, string> = { ...bearer(t.apiToken), ...(chance(0.3) ? { host: pick(['evil.example', 'localhost.evil.example', '127.0.0.1.nip.io', '[::2]']) } : {}), ...(chance(0.3) ? { origin: pick(['http://evil.example', 'null', 'http://localhost:8233']) } : {}) };
    const hasBody = method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';
    return { family: 'other', method, path, headers: hasBody ? { ...headers, 'content-type': 'application/json' } : headers, body: hasBody ? json(junk()) : undefined };
  }

  return { next: (): FuzzRequest => pick([intake, intake, decisions, decisions, slack, slack, links, links, other])() };
}
