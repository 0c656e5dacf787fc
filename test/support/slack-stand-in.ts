// A local Slack Web API for tests: chat.*, conversations.history, views.open and usergroups.users.list answering with Slack's documented bodies (test/fixtures/slack).
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

type Body = Record<string, any>;
/** A documented body from test/fixtures/slack: `chat.postMessage`, `error.not_in_channel`, `interaction.block_actions`, … */
export const slackFixture = (name: string): Body =>
  JSON.parse(readFileSync(new URL(`../fixtures/slack/${name}.json`, import.meta.url), 'utf8')) as Body;

export type SlackMethod = 'chat.postMessage' | 'chat.update' | 'chat.postEphemeral' | 'conversations.history' | 'views.open' | 'usergroups.users.list';
/** The error bodies under test/fixtures/slack (error.<code>.json). */
export type SlackErrorCode = 'channel_not_found' | 'not_in_channel' | 'invalid_auth' | 'not_authed' | 'message_not_found'
  | 'no_such_subteam' | 'no_text' | 'invalid_arguments' | 'invalid_form_data' | 'ratelimited' | 'missing_scope';

export interface SlackMessage { channel: string; ts: string; thread_ts?: string; text?: string; blocks?: unknown[]; metadata?: Record<string, unknown> }
export interface SlackUpdate { channel: string; ts: string; text?: string; blocks?: unknown[]; at: Date }
export interface SlackEphemeral { channel: string; user: string; message_ts: string; text?: string; blocks?: unknown[] }
export interface SlackCall { method: string; args: Record<string, unknown>; at: Date }
export interface SlackView { id: string; trigger_id: string; view: Record<string, unknown> }

export interface SlackStandIn {
  /** Pass as `slackApiUrl` to `new WebClient(token, { slackApiUrl })`; it ends with `/api/`. */
  url: string;
  /** The bot token requests must carry (Authorization: Bearer, or a `token` argument). */
  token: string;
  /** Every message posted, in order; chat.update changes them in place. */
  messages: SlackMessage[];
  /** Every accepted chat.update, in order. */
  updates: SlackUpdate[];
  ephemerals: SlackEphemeral[];
  /** Every request, with its arguments decoded (JSON-encoded form values parsed back) and the token left out. */
  calls: SlackCall[];
  views: SlackView[];
  /** The next call of `method` is answered with Slack's documented error body. */
  failNext(method: SlackMethod, failure: { error: SlackErrorCode }): void;
  /** The next call of `method` is answered HTTP 429 with `Retry-After: <seconds>`. */
  rateLimitNext(method: SlackMethod, retryAfterSeconds: number): void;
  /**
   * The next call of `method` (whose arguments match `when`, if given) is performed, but its answer is lost: the
   * connection is closed instead (a network error).
   */
  dropAnswerNext(method: SlackMethod, when?: (args: Record<string, unknown>) => boolean): void;
  setUsergroup(id: string, users: string[]): void;
  /**
   * Answers `method` with `handler`'s body for requests carrying `methodToken` instead of the bot token (Socket Mode's
   * apps.connections.open takes the app-level token: test/support/slack-socket-stand-in.ts).
   */
  serve(method: string, methodToken: string, handler: (args: Record<string, unknown>) => Body): void;
  /** The first message (posted or updated, before or after this call) matching `predicate`. */
  waitFor(predicate: (m: SlackMessage) => boolean, timeoutMs?: number): Promise<SlackMessage>;
  /** The replies under the message `ts` in `channel`, oldest first. */
  thread(channel: string, ts: string): SlackMessage[];
  close(): Promise<void>;
}

interface Answer { status: number; body: Body; retryAfter?: number; lost?: boolean }
const error = (code: SlackErrorCode): Answer => ({ status: 200, body: slackFixture(`error.${code}`) });
const ok = (body: Body): Answer => ({ status: 200, body });

/** WebClient sends nested values (blocks, view, …) as JSON strings inside a form body. */
const JSON_ARGS = new Set(['blocks', 'attachments', 'view', 'metadata']);

async function argsOf(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  const query = Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams);
  const body = req.headers['content-type']?.startsWith('application/json')
    ? JSON.parse(text || '{}') as Record<string, unknown>
    : Object.fromEntries(new URLSearchParams(text));
  const args: Record<string, unknown> = { ...query, ...body };
  for (const [k, v] of Object.entries(args)) if (JSON_ARGS.has(k) && typeof v === 'string') args[k] = JSON.parse(v);
  return args;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const list = (v: unknown): unknown[] | undefined => (Array.isArray(v) ? v : undefined);
const object = (v: unknown): Record<string, unknown> | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Record<string, unknown> : undefined);
/** A form sends `true` or `1`, a JSON body `true`. */
const flag = (v: unknown): boolean => v === true || v === 'true' || v === '1';
/** A Slack timestamp in microseconds, exact (a double cannot hold ten digits and six decimals). */
const micros = (ts: string): bigint => {
  const [seconds = '0', fraction = ''] = ts.split('.');
  return BigInt(seconds) * 1_000_000n + BigInt(fraction.padEnd(6, '0').slice(0, 6));
};

export async function startSlackStandIn(opts: { token?: string } = {}): Promise<SlackStandIn> {
  const token = opts.token ?? 'xoxb-stand-in-token';
  const messages: SlackMessage[] = [];
  const updates: SlackUpdate[] = [];
  const ephemerals: SlackEphemeral[] = [];
  const calls: SlackCall[] = [];
  const views: SlackView[] = [];
  const usergroups = new Map<string, string[]>();
  const faults = new Map<string, { answer: Answer | 'lost'; when?: (args: Record<string, unknown>) => boolean }[]>();
  const waiters = new Set<() => void>();
  const changed = () => { for (const w of [...waiters]) w(); };
  let counter = 0;
  let lastMicros = 0;
  /** Slack timestamps: the time of posting in seconds, a dot, six digits; unique per message and increasing. */
  const nextTs = () => {
    lastMicros = Math.max(Date.now() * 1000, lastMicros + 1);
    return `${Math.floor(lastMicros / 1e6)}.${String(lastMicros % 1e6).padStart(6, '0')}`;
  };

  const handlers: Record<SlackMethod, (args: Record<string, unknown>) => Answer> = {
    'chat.postMessage': (args) => {
      const channel = str(args.channel);
      const text = str(args.text);
      const blocks = list(args.blocks);
      if (!channel) return error('channel_not_found');
      if (!text && !blocks && !list(args.attachments)) return error('no_text');
      const message: SlackMessage = { channel, ts: nextTs(), thread_ts: str(args.thread_ts), text, blocks, metadata: object(args.metadata) };
      messages.push(message);
      changed();
      const sample = slackFixture('chat.postMessage');
      const { attachments: _sampleAttachments, ...echo } = sample.message as Body;
      return ok({
        ...sample, channel, ts: message.ts,
        message: { ...echo, text: text ?? '', ts: message.ts, thread_ts: message.thread_ts, blocks, attachments: list(args.attachments) },
      });
    },
    'chat.update': (args) => {
      const message = messages.find((m) => m.channel === args.channel && m.ts === args.ts);
      if (!message) return error('message_not_found');
      // "If you don't include this field, the message's previous blocks will be retained." (chat.update)
      if (args.text !== undefined) message.text = String(args.text);
      if (list(args.blocks)) message.blocks = list(args.blocks);
      updates.push({ channel: message.channel, ts: message.ts, text: str(args.text), blocks: list(args.blocks), at: new Date() });
      changed();
      const sample = slackFixture('chat.update');
      return ok({ ...sample, channel: message.channel, ts: message.ts, text: message.text ?? '', message: { ...sample.message, text: message.text ?? '', blocks: message.blocks } });
    },
    'chat.postEphemeral': (args) => {
      const channel = str(args.channel);
      if (!channel) return error('channel_not_found');
      if (!str(args.text) && !list(args.blocks)) return error('no_text');
      const ephemeral = { channel, user: String(args.user), message_ts: nextTs(), text: str(args.text), blocks: list(args.blocks) };
      ephemerals.push(ephemeral);
      return ok({ ...slackFixture('chat.postEphemeral'), message_ts: ephemeral.message_ts });
    },
    'conversations.history': (args) => {
      const channel = str(args.channel);
      if (!channel) return error('channel_not_found');
      // "If a message has the same timestamp as oldest or latest it will not be included in the list" unless inclusive;
      // "The most recent messages in the time range are returned first." Replies stay in their thread (conversations.replies).
      const oldest = micros(str(args.oldest) ?? '0');
      const inRange = messages
        .filter((m) => m.channel === channel && !m.thread_ts && (flag(args.inclusive) ? micros(m.ts) >= oldest : micros(m.ts) > oldest))
        .reverse();
      const limit = Number(args.limit ?? 100);
      const sample = slackFixture('conversations.history');
      const { type, user } = (sample.messages as Body[])[0]!;
      return ok({
        ...sample,
        messages: inRange.slice(0, limit).map((m) => ({
          type, user, text: m.text ?? '', ts: m.ts, ...(m.blocks ? { blocks: m.blocks } : {}),
          ...(m.metadata && flag(args.include_all_metadata) ? { metadata: m.metadata } : {}),
        })),
        has_more: inRange.length > limit,
        response_metadata: { next_cursor: '' },
      });
    },
    'views.open': (args) => {
      const trigger_id = str(args.trigger_id);
      if (!trigger_id || typeof args.view !== 'object' || args.view === null) return error('invalid_arguments');
      const requested = args.view as Record<string, unknown>;
      const n = ++counter;
      const id = `V${n.toString(36).toUpperCase().padStart(8, '0')}`;
      views.push({ id, trigger_id, view: requested });
      const { team_id, app_id, bot_id } = slackFixture('views.open').view as Body;
      return ok({
        ok: true,
        view: {
          id, team_id, private_metadata: '', callback_id: '', external_id: '', clear_on_close: false, notify_on_close: false, ...requested,
          state: { values: {} }, hash: `${1_700_000_000 + n}.${n.toString(16).padStart(8, '0')}`, root_view_id: id, app_id, bot_id,
        },
      });
    },
    'usergroups.users.list': (args) => {
      const users = usergroups.get(String(args.usergroup));
      return users ? ok({ ...slackFixture('usergroups.users.list'), users: [...users] }) : error('no_such_subteam');
    },
  };

  const served = new Map<string, { token: string; handler: (args: Record<string, unknown>) => Body }>();
  const answer = (method: string, args: Record<string, unknown>, presented: string | undefined): Answer => {
    const extra = served.get(method);
    if (extra) return presented === undefined ? error('not_authed') : presented !== extra.token ? error('invalid_auth') : ok(extra.handler(args));
    if (!Object.hasOwn(handlers, method)) return { status: 404, body: { ok: false, error: 'unknown_method', stand_in: `implements ${Object.keys(handlers).join(', ')}` } };
    if (presented === undefined) return error('not_authed');
    if (presented !== token) return error('invalid_auth');
    const queue = faults.get(method) ?? [];
    const at = queue.findIndex((f) => !f.when || f.when(args));
    const fault = at === -1 ? undefined : queue.splice(at, 1)[0]!.answer;
    if (fault === 'lost') return { ...handlers[method as SlackMethod](args), lost: true };
    return fault ?? handlers[method as SlackMethod](args);
  };

  const server = createServer((req, res) => {
    void (async () => {
      const method = new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/api\//, '');
      let a: Answer;
      try {
        const { token: argToken, ...args } = await argsOf(req);
        const presented = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? str(argToken);
        calls.push({ method, args, at: new Date() });
        a = answer(method, args, presented);
      } catch {
        a = error('invalid_form_data');
      }
      if (a.lost) {
        req.socket.destroy();
        return;
      }
      const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
      if (a.retryAfter !== undefined) headers['retry-after'] = String(a.retryAfter);
      res.writeHead(a.status, headers).end(JSON.stringify(a.body));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const enqueue = (method: SlackMethod, answer: Answer | 'lost', when?: (args: Record<string, unknown>) => boolean) =>
    faults.set(method, [...(faults.get(method) ?? []), { answer, when }]);
  return {
    url: `http://127.0.0.1:${port}/api/`,
    token, messages, updates, ephemerals, calls, views,
    failNext: (method, { error: code }) => enqueue(method, error(code)),
    // "Slack will return a HTTP 429 Too Many Requests error, and a Retry-After HTTP header" (Rate limits)
    rateLimitNext: (method, seconds) => enqueue(method, { status: 429, body: slackFixture('error.ratelimited'), retryAfter: seconds }),
    dropAnswerNext: (method, when) => enqueue(method, 'lost', when),
    setUsergroup: (id, users) => { usergroups.set(id, [...users]); },
    serve: (method, methodToken, handler) => { served.set(method, { token: methodToken, handler }); },
    waitFor: (predicate, timeoutMs = 5_000) => new Promise((resolve, reject) => {
      const check = () => {
        const found = messages.find(predicate);
        if (found) { done(); resolve(found); }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no Slack message matched within ${timeoutMs} ms; messages: ${JSON.stringify(messages.map(({ channel, ts, text }) => ({ channel, ts, text })))}`));
      }, timeoutMs);
      const done = () => { clearTimeout(timer); waiters.delete(check); };
      waiters.add(check);
      check();
    }),
    thread: (channel, ts) => messages.filter((m) => m.channel === channel && m.thread_ts === ts),
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
