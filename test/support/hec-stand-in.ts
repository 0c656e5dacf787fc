// A local Splunk HEC for tests: /services/collector/event answering with Splunk's documented bodies (test/fixtures/splunk).
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Fixture { status: number; body: Record<string, unknown> }
const fixture = (name: string): Fixture => JSON.parse(readFileSync(new URL(`../fixtures/splunk/${name}.json`, import.meta.url), 'utf8')) as Fixture;
export const HEC = {
  success: fixture('success'),
  invalidToken: fixture('invalid-token'),
  tokenRequired: fixture('token-required'),
  incorrectIndex: fixture('incorrect-index'),
  serverBusy: fixture('server-busy'),
  invalidDataFormat: fixture('invalid-data-format'),
  eventFieldRequired: fixture('event-field-required'),
};

/** HEC's batch format: JSON objects one after another (whitespace between them allowed), not an array. */
export function parseConcatenated(text: string): unknown[] {
  const values: unknown[] = [];
  let depth = 0;
  let inString = false;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') { if (depth++ === 0) start = i; }
    else if (c === '}') { if (--depth === 0) values.push(JSON.parse(text.slice(start, i + 1))); }
    else if (depth === 0 && !/\s/.test(c)) throw new SyntaxError(`unexpected ${JSON.stringify(c)} between events at ${i}`);
  }
  if (depth !== 0 || inString) throw new SyntaxError('unterminated event');
  return values;
}

export interface HecRequest { status: number; authorization?: string; events: number; bytes: number }
export interface StandInOptions {
  /** Requests must carry `Authorization: Splunk <token>`. */
  token?: string;
  /** Indexes events may name (unset: any). */
  indexes?: string[];
}

export interface HecStandIn {
  url: string;
  /** Events accepted, in arrival order (HEC envelopes). */
  events: Record<string, unknown>[];
  requests: HecRequest[];
  /** The next `n` requests are answered 503 "Server is busy". */
  failNext(n: number): void;
  /** A batch holding an event whose JSON contains `marker` is refused whole: 400 "Invalid data format" naming it. */
  rejectMarker(marker: string | undefined): void;
  close(): Promise<void>;
}

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The answer HEC gives a batch; a refused batch stores nothing (the sender resends the events before the bad one). */
function judge(body: string, opts: StandInOptions, marker: string | undefined): { answer: Fixture; events: Record<string, unknown>[] } {
  let events: Record<string, unknown>[];
  try {
    events = parseConcatenated(body) as Record<string, unknown>[];
  } catch {
    return { answer: { ...HEC.invalidDataFormat, body: { ...HEC.invalidDataFormat.body, 'invalid-event-number': 0 } }, events: [] };
  }
  if (events.length === 0) return { answer: { status: 400, body: { text: 'No data', code: 5 } }, events: [] };
  for (const [i, e] of events.entries()) {
    const refuse = (f: Fixture) => ({ answer: { ...f, body: { ...f.body, 'invalid-event-number': i } }, events: [] });
    if (e.event === undefined) return refuse(HEC.eventFieldRequired);
    if (marker !== undefined && JSON.stringify(e).includes(marker)) return refuse(HEC.invalidDataFormat);
    if (opts.indexes && typeof e.index === 'string' && !opts.indexes.includes(e.index)) return refuse(HEC.incorrectIndex);
  }
  return { answer: HEC.success, events };
}

export async function startHecStandIn(opts: StandInOptions = {}): Promise<HecStandIn> {
  const events: Record<string, unknown>[] = [];
  const requests: HecRequest[] = [];
  let busy = 0;
  let marker: string | undefined;
  const server = createServer((req, res) => {
    void (async () => {
      const body = await bodyOf(req);
      const authorization = req.headers.authorization;
      let answer: Fixture;
      let accepted: Record<string, unknown>[] = [];
      if (req.method !== 'POST' || req.url?.split('?')[0] !== '/services/collector/event') {
        answer = { status: 404, body: { text: 'The requested URL was not found on this server.', code: 404 } };
      } else if (opts.token !== undefined && !authorization) answer = HEC.tokenRequired;
      else if (opts.token !== undefined && authorization !== `Splunk ${opts.token}`) answer = HEC.invalidToken;
      else if (busy > 0) { busy -= 1; answer = HEC.serverBusy; }
      else ({ answer, events: accepted } = judge(body, opts, marker));
      events.push(...accepted);
      requests.push({ status: answer.status, authorization, events: accepted.length, bytes: Buffer.byteLength(body) });
      res.writeHead(answer.status, { 'content-type': 'application/json; charset=UTF-8' }).end(JSON.stringify(answer.body));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    events,
    requests,
    failNext: (n) => { busy = n; },
    rejectMarker: (m) => { marker = m; },
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
