// Starts the real engine (worker + HTTP server) in the test process against the real infrastructure.
import { startEngine, type Engine } from '../../src/engine.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { expect } from 'vitest';
import { testConfig } from './infra.js';
import { eventually } from './eventually.js';

export { eventually };
import { token, type Person } from './people.js';

export interface TestEngine extends Engine {
  taskQueue: string;
  post(path: string, body: unknown, token?: string): Promise<{ status: number; body: any }>;
  get(path: string): Promise<{ status: number; body: any }>;
  /** The incident view. */
  view(id: string): Promise<any>;
  stepOf(id: string, step: string): Promise<any>;
  /** Waits until a step of an incident has `status`. */
  waitForStep(id: string, step: string, status: string, timeoutMs?: number): Promise<void>;
  /** The incident's final view: closed, and its record archived (the archive is the last thing it does). */
  closed(id: string, timeoutMs?: number): Promise<any>;
  /** A person's decision through the public endpoint; it must be accepted. */
  decide(id: string, step: string, who: Person, decision?: 'approve' | 'reject', reason?: string): Promise<void>;
}

/** `log`: where the engine logs (default: stderr at LOG_LEVEL, else warn), for tests that read what it logged. */
export async function startTestEngine(overrides: Record<string, string> = {}, options: { log?: Logger } = {}): Promise<TestEngine> {
  const config = testConfig(overrides);
  const engine = await startEngine(config, options.log ?? createLogger({ level: process.env.LOG_LEVEL ?? 'warn' }));
  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${engine.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const view = async (id: string) => (await call('GET', `/v1/incidents/${id}`)).body;
  const stepOf = async (id: string, step: string) => (await view(id)).steps.find((s: { id: string }) => s.id === step);
  return Object.assign(engine, {
    taskQueue: config.temporal.taskQueue,
    post: (path: string, body: unknown, token?: string) => call('POST', path, body, token),
    get: (path: string) => call('GET', path),
    view,
    stepOf,
    waitForStep: async (id: string, step: string, status: string, timeoutMs = 60_000) => {
      await eventually(async () => ((await stepOf(id, step))?.status === status ? true : undefined), timeoutMs, `${step} to be ${status}`);
    },
    closed: async (id: string, timeoutMs = 15_000) => {
      const final = await eventually(async () => { const v = await view(id); return v.status === 'closed' && v.timeline.at(-1)?.type === 'archived' ? v : undefined; }, timeoutMs, `${id} to close and archive`);
      expect(final.timeline.at(-2).type).toBe('closed');
      return final;
    },
    decide: async (id: string, step: string, who: Person, decision: 'approve' | 'reject' = 'approve', reason?: string) => {
      expect((await call('POST', `/v1/incidents/${id}/decisions`, { step, decision, reason }, token(who))).body).toEqual({ accepted: true });
    },
  });
}

/**
 * The id of the one open incident about `subject` (of workflow `workflowId`), once the engine lists it: an alert is
 * answered when the intake logs it, and its incident starts just after.
 */
export async function incidentAbout(engine: Pick<TestEngine, 'get'>, workflowId: string, subject: string, timeoutMs = 30_000, what = `an incident about ${subject}`): Promise<string> {
  return eventually(async () => {
    const listed = ((await engine.get('/v1/incidents?status=open')).body.incidents as { id: string; subject: string }[])
      .filter((i) => i.subject === subject && i.id.startsWith(`${workflowId}-`));
    if (listed.length > 1) throw new Error(`${listed.length} open incidents about ${subject}: ${listed.map((i) => i.id).join(', ')}`);
    return listed[0]?.id;
  }, timeoutMs, what);
}

