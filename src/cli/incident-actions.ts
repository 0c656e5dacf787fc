// `kafka-ir note`, `approve`, `reject`, `answer`, `abort` and `drill`: a person's word on an incident, sent through the HTTP API with their token.
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

const ANSWERS = { retry: 'retry', skip: 'skip', abort: 'abort the incident' } as const;

export async function answerCommand(config: ClientConfig, id: string, step: string, choice: string, reason?: string): Promise<number> {
  if (!Object.hasOwn(ANSWERS, choice)) {
    process.stderr.write(`kafka-ir: answer "${choice}" is not one of retry, skip, abort\n`);
    return 2;
  }
  return send(config, `/v1/incidents/${encodeURIComponent(id)}/decisions`, { step, decision: choice, reason },
    `answer to step ${step} recorded: ${ANSWERS[choice as keyof typeof ANSWERS]}`);
}

export interface DrillOptions { principal?: string; clientId?: string; host?: string; brokerId?: string }

/** Starts a drill of a runbook: a rehearsal with the real people, channels and timers, and no Kafka change. */
export async function drillCommand(config: ClientConfig, runbook: string, o: DrillOptions): Promise<number> {
  const brokerId = o.brokerId === undefined ? undefined : Number(o.brokerId);
  const res = await callApi<{ id?: string; status?: string; error?: string; issues?: { path: string; message: string }[] }>(config, 'POST', '/v1/drills', {
    runbook, principal: o.principal, clientId: o.clientId, host: o.host, brokerId,
  });
  if (res.status !== 202) {
    const issues = (res.body.issues ?? []).map((i) => `\n  ${i.path || 'drill'}: ${i.message}`).join('');
    process.stderr.write(`kafka-ir: ${res.body.error ?? res.status}${issues}\n`);
    return res.status === 400 ? 2 : 1;
  }
  process.stdout.write(`DRILL ${res.body.status} ${res.body.id} (runbook ${runbook}): approvals go to the real people; no Kafka change is made\n`
    + `  follow it: kafka-ir status ${res.body.id}    score it when it ends: kafka-ir report ${res.body.id}\n`);
  return 0;
}
