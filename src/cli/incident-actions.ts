// `kafka-ir note`, `approve`, `reject` and `abort`: a person's word on an incident, sent through the HTTP API with their token.
import type { ClientConfig } from '../config.js';
import { callApi } from './api.js';

async function send(config: ClientConfig, path: string, body: unknown, done: string): Promise<number> {
  const res = await callApi<{ accepted?: boolean; reason?: string; error?: string }>(config, 'POST', path, body);
  if (res.status === 404) { process.stderr.write(`kafka-ir: ${res.body.error}\n`); return 1; }
  if (res.status === 400) { process.stderr.write(`kafka-ir: ${res.body.error}\n`); return 2; }
  if (res.status === 403) { process.stderr.write(`kafka-ir: ${res.body.error}\n`); return 1; }
  if (res.status !== 200 || !res.body.accepted) {
    process.stderr.write(`kafka-ir: refused: ${res.body.reason ?? res.body.error ?? res.status}\n`);
    return 1;
  }
  process.stdout.write(`${done}\n`);
  return 0;
}

export function noteCommand(config: ClientConfig, id: string, text: string, lessons: boolean): Promise<number> {
  return send(config, `/v1/incidents/${encodeURIComponent(id)}/notes`, { text, lessons }, lessons ? 'lessons recorded' : 'note added');
}

export function abortCommand(config: ClientConfig, id: string, reason: string, rollback: boolean): Promise<number> {
  return send(config, `/v1/incidents/${encodeURIComponent(id)}/decisions`, { decision: 'abort', reason, rollback },
    rollback ? 'abort accepted: every recorded change will be undone' : 'abort accepted');
}

export function decideCommand(config: ClientConfig, id: string, step: string, decision: 'approve' | 'reject', reason?: string): Promise<number> {
  return send(config, `/v1/incidents/${encodeURIComponent(id)}/decisions`, { step, decision, reason },
    decision === 'approve' ? `approval of step ${step} recorded` : `rejection of step ${step} recorded`);
}
