// Sends one batch to Splunk HEC: busy answers retried with backoff (bounded), a refused event split out and reported.
import type { HecSettings } from '../../src/model/connections.js';
import type { RejectedEvent } from '../../src/model/actions/siem.js';
import { KafkaIrError } from '../../src/model/errors.js';
import { batchBody, type PendingEvent } from './hec-batches.js';
import { classifyHecResponse, type HecOutcome } from './hec-response.js';

export interface RetryPolicy { attempts: number; initialMs: number; maxMs: number }
/**
 * Retried here, not only by Temporal: a retry of the whole activity resumes at the last heartbeat, but a brief "server
 * is busy" (HEC code 9, queues full) is common under load and should cost one request, not an activity attempt.
 */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, initialMs: 500, maxMs: 15_000 };
const REQUEST_TIMEOUT_MS = 60_000;

export interface HecSender { settings: HecSettings; retry?: RetryPolicy; signal?: AbortSignal }
/** `batches`: requests HEC accepted (retries and refused requests not counted). */
export interface BatchResult { accepted: number; batches: number; rejected: RejectedEvent[] }

/** SPLUNK_HEC_URL may be the base URL or the endpoint itself. */
export function eventEndpoint(url: string): string {
  const u = new URL(url);
  const path = u.pathname.replace(/\/+$/, '');
  if (path.endsWith('/services/collector/event')) return u.toString();
  u.pathname = path.endsWith('/services/collector') ? `${path}/event` : `${path}/services/collector/event`;
  return u.toString();
}

const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve, reject) => {
  const timer = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => { clearTimeout(timer); reject(signal.reason as Error); }, { once: true });
});

async function postOnce(s: HecSender, body: string): Promise<HecOutcome> {
  const signal = s.signal ? AbortSignal.any([s.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]) : AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  try {
    const res = await fetch(eventEndpoint(s.settings.url), {
      method: 'POST', body, signal,
      headers: { authorization: `Splunk ${s.settings.token}`, 'content-type': 'application/json' },
    });
    return classifyHecResponse(res.status, await res.text(), s.settings.index);
  } catch (err) {
    if (s.signal?.aborted) throw err;
    // The cause, not the message: undici says only "fetch failed".
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return { kind: 'retry', reason: `cannot reach Splunk HEC at ${new URL(s.settings.url).origin}: ${cause?.code ?? cause?.message ?? (err as Error).message}` };
  }
}

/** One request body, retried while HEC is busy; throws SIEM_UNAVAILABLE once the attempts are spent. */
async function post(s: HecSender, body: string): Promise<Extract<HecOutcome, { kind: 'ok' | 'bad-event' }>> {
  const retry = s.retry ?? DEFAULT_RETRY;
  let last = '';
  for (let attempt = 1; attempt <= retry.attempts; attempt++) {
    const outcome = await postOnce(s, body);
    if (outcome.kind === 'fatal') throw outcome.error;
    if (outcome.kind !== 'retry') return outcome;
    last = outcome.reason;
    if (attempt < retry.attempts) {
      const backoff = Math.min(retry.maxMs, retry.initialMs * 2 ** (attempt - 1));
      await sleep(backoff / 2 + Math.random() * (backoff / 2), s.signal);
    }
  }
  throw new KafkaIrError('SIEM_UNAVAILABLE', `${last}, after ${retry.attempts} attempts`, 'Splunk is busy or down: the export resumes where it stopped when retried');
}

/**
 * Sends `batch`; when HEC refuses event N the events before it are sent again, N is reported, and the events after
 * it go on in a request of their own. Every good event is accepted exactly once by a HEC that refuses a batch whole.
 */
export async function sendBatch(s: HecSender, batch: PendingEvent[]): Promise<BatchResult> {
  const result: BatchResult = { accepted: 0, batches: 0, rejected: [] };
  const queue: PendingEvent[][] = [batch];
  while (queue.length > 0) {
    const part = queue.shift()!;
    if (part.length === 0) continue;
    const outcome = await post(s, batchBody(part));
    if (outcome.kind === 'ok') {
      result.accepted += part.length;
      result.batches += 1;
      continue;
    }
    if (outcome.index >= part.length) {
      throw new KafkaIrError('SIEM_REJECTED', `${outcome.reason}, naming event ${outcome.index} of a batch of ${part.length}`, 'this is not an answer HEC documents: check that SPLUNK_HEC_URL points at Splunk HEC');
    }
    const bad = part[outcome.index]!;
    result.rejected.push({ file: bad.file, line: bad.line, reason: outcome.reason });
    queue.unshift(part.slice(0, outcome.index), part.slice(outcome.index + 1));
  }
  return result;
}
