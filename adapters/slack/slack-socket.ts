// Slack Socket Mode: card clicks arrive over a WebSocket the engine opens (apps.connections.open with the app-level
// token), so no public URL is needed. Each envelope is acknowledged with what the interaction handler answers.
import type { LogLevel, Logger as SlackLogger, SocketModeClient } from '@slack/socket-mode';
import type { Logger } from 'pino';

/** What the handler answers to an interaction payload; sent back in the acknowledgement when Slack accepts one. */
export type InteractionAnswer = Record<string, unknown> | undefined;

export interface SocketModeSettings { appToken: string; apiUrl?: string }

export interface SocketInteractions { start(): Promise<void>; stop(): Promise<void> }

/** @slack/socket-mode's logger interface over pino; its debug chatter (every frame, with payloads) is dropped. */
function slackLogger(log: Logger, level: LogLevel): SlackLogger {
  return {
    debug: () => undefined,
    info: (...msg: unknown[]) => log.info(msg.map(String).join(' ')),
    warn: (...msg: unknown[]) => log.warn(msg.map(String).join(' ')),
    error: (...msg: unknown[]) => log.error(msg.map(String).join(' ')),
    setLevel: () => undefined,
    getLevel: () => level,
    setName: () => undefined,
  };
}

/**
 * Receives `interactive` envelopes and hands their payload to `onInteraction`; the envelope is acknowledged once the
 * handler answers (it answers within Slack's 3 s), with its answer as the response payload when the envelope says
 * `accepts_response_payload`. Other envelopes (events, slash commands) are acknowledged and ignored. On a
 * `disconnect` (refresh_requested, warning) or a lost connection the client opens a new URL and reconnects.
 */
export function socketModeInteractions(
  settings: SocketModeSettings, log: Logger, onInteraction: (payload: unknown) => Promise<InteractionAnswer>,
): SocketInteractions {
  let client: SocketModeClient | undefined;
  return {
    // Loaded when Socket Mode is on: an engine that takes clicks over HTTP never loads the WebSocket client.
    start: async () => {
      const apiUrl = settings.apiUrl ? (settings.apiUrl.endsWith('/') ? settings.apiUrl : `${settings.apiUrl}/`) : undefined;
      const { SocketModeClient: Client, LogLevel: Level } = await import('@slack/socket-mode');
      client = new Client({
        appToken: settings.appToken,
        logger: slackLogger(log, Level.INFO),
        clientOptions: { ...(apiUrl ? { slackApiUrl: apiUrl } : {}), retryConfig: { retries: 0 }, timeout: 10_000 },
      });
      client.on('slack_event', ({ type, body, ack, accepts_response_payload }: {
        type: string; body: unknown; ack: (response?: Record<string, unknown>) => Promise<void>; accepts_response_payload?: boolean;
      }) => {
        void (async () => {
          let answer: InteractionAnswer;
          try {
            if (type === 'interactive') answer = await onInteraction(body);
          } catch (err) {
            log.error({ err: err instanceof Error ? err.message : String(err) }, 'slack socket mode interaction failed');
          }
          await ack(accepts_response_payload && answer ? answer : undefined);
        })().catch((err: unknown) => log.error({ err: err instanceof Error ? err.message : String(err) }, 'slack socket mode acknowledgement failed'));
      });
      client.on('connected', () => log.info('slack socket mode connected'));
      client.on('reconnecting', () => log.info('slack socket mode reconnecting'));
      await client.start();
    },
    stop: async () => { await client?.disconnect(); },
  };
}
