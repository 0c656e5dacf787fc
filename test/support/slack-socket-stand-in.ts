// A local Slack Socket Mode endpoint for tests: apps.connections.open (on the Web API stand-in) hands out a one-use
// WebSocket URL; each connection gets `hello`, envelopes go out and come back acknowledged by `envelope_id`, and
// `disconnect` (refresh_requested) makes the client reconnect. Bodies are Slack's documented samples (test/fixtures/slack).
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { slackFixture, type SlackStandIn } from './slack-stand-in.js';

/** An acknowledgement as the app sent it: the envelope's id and, when the envelope accepted one, a response payload. */
export interface SocketAck { envelope_id: string; payload?: Record<string, unknown> }

export interface SlackSocketStandIn {
  /** The app-level token apps.connections.open accepts (SLACK_APP_TOKEN). */
  appToken: string;
  /** Connections that received `hello`, in order. */
  connections: number;
  /** Every envelope sent, with the connection (1-based) it went out on; a redelivery is listed again. */
  sent: { envelope_id: string; type: string; connection: number }[];
  acks: SocketAck[];
  /**
   * Sends an `interactive` envelope carrying `payload` and resolves with its acknowledgement. Sent on the open
   * connection, or on the next one; an envelope not acknowledged when its connection closes goes out again on the
   * next connection (the harder case for the app: a click crossing a refresh may then arrive twice).
   */
  interactive(payload: Record<string, unknown>, opts?: { acceptsResponsePayload?: boolean }): Promise<SocketAck>;
  /** Sends `disconnect` (refresh_requested) on the open connection; resolves when the client has connected again. */
  refresh(): Promise<void>;
  /** Resolves once a connection has received `hello`. */
  connected(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const ACK_KEYS = Object.keys(slackFixture('socket.ack'));

interface Pending { envelope: Record<string, unknown>; resolve: (ack: SocketAck) => void; on?: WebSocket }

export async function startSlackSocketStandIn(web: SlackStandIn, opts: { appToken?: string } = {}): Promise<SlackSocketStandIn> {
  const appToken = opts.appToken ?? 'xapp-1-A0STANDIN-1-stand-in-app-token';
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const tickets = new Set<string>();
  const pending = new Map<string, Pending>();
  const hellos = new Set<() => void>();
  let open: WebSocket | undefined;
  const sockets = new Map<WebSocket, number>();

  // "Generate a temporary Socket Mode WebSocket URL": one ticket per call, good for one connection.
  web.serve('apps.connections.open', appToken, () => {
    const ticket = randomUUID();
    tickets.add(ticket);
    const sample = slackFixture('apps.connections.open');
    const url = new URL(String(sample.url));
    return { ...sample, url: `ws://127.0.0.1:${port}${url.pathname}?ticket=${ticket}&app_id=${url.searchParams.get('app_id')}` };
  });

  const send = (p: Pending, ws: WebSocket) => {
    p.on = ws;
    ws.send(JSON.stringify(p.envelope));
    self.sent.push({ envelope_id: String(p.envelope.envelope_id), type: String(p.envelope.type), connection: sockets.get(ws)! });
  };

  server.on('connection', (ws, req) => {
    const ticket = new URL(req.url ?? '/', 'ws://x').searchParams.get('ticket') ?? '';
    if (!tickets.delete(ticket)) { ws.close(1008, 'unknown or used ticket'); return; }
    const n = ++self.connections;
    sockets.set(ws, n);
    // Slack pings the client; the client reconnects when pings stop (serverPingTimeout, 30 s by default).
    const ping = setInterval(() => ws.ping(), 5_000);
    ping.unref();
    ws.on('message', (data) => {
      const ack = JSON.parse(String(data)) as SocketAck;
      const p = pending.get(ack.envelope_id);
      // Not an acknowledgement in the documented shape: it acknowledges nothing, and the envelope stays unacknowledged.
      if (!p || Object.keys(ack).some((k) => !ACK_KEYS.includes(k))) return;
      pending.delete(ack.envelope_id);
      self.acks.push(ack);
      p.resolve(ack);
    });
    ws.on('close', () => {
      clearInterval(ping);
      if (open === ws) open = undefined;
      else if (open) for (const p of pending.values()) if (p.on === ws) send(p, open); // the new connection is already up
    });
    ws.send(JSON.stringify({ ...slackFixture('socket.hello'), num_connections: [...sockets.keys()].filter((s) => s.readyState === s.OPEN).length }));
    open = ws;
    for (const p of pending.values()) if (p.on !== ws) send(p, ws); // unacknowledged on a closed connection: again
    for (const h of [...hellos]) h();
  });

  const waitForHello = (after: number, timeoutMs: number) => new Promise<void>((resolve, reject) => {
    const check = () => { if (self.connections > after && open) { done(); resolve(); } };
    const timer = setTimeout(() => { done(); reject(new Error(`no Socket Mode connection within ${timeoutMs} ms`)); }, timeoutMs);
    const done = () => { clearTimeout(timer); hellos.delete(check); };
    hellos.add(check);
    check();
  });

  const self: SlackSocketStandIn = {
    appToken, connections: 0, sent: [], acks: [],
    interactive: (payload, o = {}) => new Promise((resolve) => {
      const envelope = { ...slackFixture('socket.interactive'), envelope_id: randomUUID(), payload, accepts_response_payload: o.acceptsResponsePayload ?? false };
      const p: Pending = { envelope, resolve };
      pending.set(String(envelope.envelope_id), p);
      if (open) send(p, open);
    }),
    refresh: async () => {
      if (!open) throw new Error('no open Socket Mode connection to refresh');
      const before = self.connections;
      open.send(JSON.stringify(slackFixture('socket.disconnect.refresh_requested')));
      await waitForHello(before, 10_000);
    },
    connected: (timeoutMs = 10_000) => waitForHello(0, timeoutMs),
    close: async () => {
      for (const ws of sockets.keys()) ws.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return self;
}
