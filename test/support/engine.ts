// Starts the real engine (worker + HTTP server) in the test process against the real infrastructure.
import { startEngine, type Engine } from '../../src/engine.js';
import { createLogger } from '../../src/logger.js';
import { testConfig } from './infra.js';

export interface TestEngine extends Engine {
  taskQueue: string;
  post(path: string, body: unknown, token?: string): Promise<{ status: number; body: any }>;
  get(path: string): Promise<{ status: number; body: any }>;
}

export async function startTestEngine(overrides: Record<string, string> = {}): Promise<TestEngine> {
  const config = testConfig(overrides);
  const engine = await startEngine(config, createLogger({ level: process.env.LOG_LEVEL ?? 'warn' }));
  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${engine.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  return Object.assign(engine, {
    taskQueue: config.temporal.taskQueue,
    post: (path: string, body: unknown, token?: string) => call('POST', path, body, token),
    get: (path: string) => call('GET', path),
  });
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs` with the last reason. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
}
