// The CLI's HTTP client for a running engine: one place for the base URL, the token and error messages.
import type { ClientConfig } from '../config.js';
import { KafkaIrError } from '../model/errors.js';

export async function callApi<T>(config: ClientConfig, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = {};
  if (config.token) headers.authorization = `Bearer ${config.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(new URL(path, config.publicUrl), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    throw new KafkaIrError('ENGINE_UNREACHABLE', `cannot reach kafka-ir at ${config.publicUrl} (${(err as Error).cause ?? (err as Error).message})`,
      'start it with `kafka-ir start`, or point KAFKA_IR_PUBLIC_URL at it');
  }
  if (res.status === 401) throw new KafkaIrError('INVALID_CONFIG', 'kafka-ir refused the token', 'set KAFKA_IR_TOKEN to your personal API token');
  return { status: res.status, body: (await res.json()) as T };
}
