// Alerts off Temporal's per-alert path: each is answered once it is in the intake log, then delivered to its incident in
// batches (one signal per batch per subject, in log order; a new incident opens with one signal-with-start).
import { createHash } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { AlertLog, Logged } from '../../adapters/intake-log/alert-log.js';
import type { Alert } from '../model/alert.js';
import { KafkaIrError } from '../model/errors.js';
import { tagOf, type IntakeStatus } from '../model/incident.js';
import type { Seal } from '../model/engine-seal.js';
import type { Logger } from '../logger.js';
import { attachAlerts } from '../../workflows/messages.js';
import type { runIncident, RunIncidentInput } from '../../workflows/run-incident.js';
import { temporalUnavailable } from './temporal-unavailable.js';

/** One line of the log: the alert, where it goes, and the incident id it was answered with. */
export interface IntakeRecord { workflowId: string; runbook: string; cluster?: string; tag: string; alertKey: string; alert: Alert; requestedBy?: string }

/** Alerts per signal, and their size (Temporal refuses a payload over 2 MB). */
const MAX_BATCH = 500;
const MAX_BATCH_BYTES = 512 * 1024;
/** Signals in flight across subjects: more only queue inside Temporal. */
const MAX_IN_FLIGHT = 8;
/**
 * An open incident gets at most one signal per this interval unless a full batch waits: under a storm over many subjects
 * each signal carries more alerts, and Temporal's work grows with the subjects, not with the alerts. Openings never wait.
 */
const LINGER_MS = 500;
/**
 * Signals to open incidents per second across subjects, at most (a full batch is never held back): a storm over
 * hundreds of subjects then costs Temporal this many workflow tasks a second, however many subjects it touches, and
 * each signal carries what its subject gathered meanwhile; with few subjects the linger above is the only wait. Past
 * the worker's cache (KAFKA_IR_CACHED_INCIDENTS) a signal also replays its incident's history, so fewer, fuller
 * signals leave the CPU to the intake's answers: 200 subjects are each signalled every 10 s at most.
 */
const SIGNALS_PER_S = 20;
/** A subject quiet this long is forgotten (and looked up again), so an incident closed meanwhile is noticed. */
const IDLE_MS = 30_000;

export interface DeliveryDeps {
  client: Client;
  taskQueue: string;
  log: AlertLog<IntakeRecord>;
  /** The start of a new incident for its first alert (undefined: no runbook takes it any more). */
  startArgs(record: IntakeRecord, intake: { log: string; seq: number }): Promise<[RunIncidentInput, Seal] | undefined>;
  /** Alerts answered 202 and not yet delivered, at most: past it the intake answers 429. */
  maxPending: number;
  logger: Logger;
}

/** Too many alerts wait for delivery: the intake answers 429 with Retry-After (temporal-unavailable.ts). */
export class IntakeBacklog extends Error {
  override name = 'IntakeBacklog';
  readonly retryAfterS: number;
  constructor(pending: number, max: number) {
    super(`${pending} alerts wait for delivery to their incidents, the most the intake holds (KAFKA_IR_INTAKE_MAX_PENDING=${max}); retry shortly`);
    this.retryAfterS = 2;
  }
}

interface Subject {
  workflowId: string;
  /** The incident alerts go to now: running (`open`), or chosen for the next start. */
  tag?: string;
  open: boolean;
  /** The first look at Temporal: is an incident of this subject running, and which. */
  known: Promise<void>;
  queue: Logged<IntakeRecord>[];
  /** Recent alert keys: a resend is answered `duplicate` without a write. */
  keys: Set<string>;
  busy: boolean;
  /** When its last signal was sent. */
  sentAt: number;
  failures: number;
  retryAt: number;
  lastUsed: number;
  /** Its queue came from the log at start: its tag may belong to an incident started before the crash and closed since. */
  replayed: boolean;
  /** Why its running incident cannot take alerts from this engine (sealed with a payload key it does not hold). */
  unreadable?: string;
}

/** The 8 hex digits of an incident's id: from what routed its first alert (the workflow id) and that alert's place in the log. */
export function incidentTag(workflowId: string, log: string, seq: number, salt = ''): string {
  return createHash('sha256').update(`${workflowId}\n${log}\n${seq}${salt}`).digest('hex').slice(0, 8);
}

export class AlertDelivery {
  private readonly subjects = new Map<string, Subject>();
  private readonly waiting = new Set<Subject>();
  private inFlight = 0;
  private pending = 0;
  /** Signals that may be sent now (SIGNALS_PER_S, refilled continuously, at most a second's worth), and when counted. */
  private signals = { left: SIGNALS_PER_S, at: Date.now() };
  private closing = false;
  private wakeup?: { timer: NodeJS.Timeout; at: number };
  private readonly sweep: NodeJS.Timeout;

  constructor(private readonly deps: DeliveryDeps) {
    for (const logged of deps.log.takeReplay()) {
      const s = this.subject(logged.record.workflowId);
      s.replayed = true;
      this.enqueue(s, logged);
    }
    if (this.pending) deps.logger.info({ alerts: this.pending, subjects: this.waiting.size }, 'delivering alerts the intake log holds from before the restart');
    this.sweep = setInterval(() => this.forget(), IDLE_MS / 3).unref();
    deps.log.onSynced = () => this.pump();
    this.pump();
  }

  /** Alerts answered and not yet delivered. */
  get backlog(): number {
    return this.pending;
  }

  /** Writes the alert to the log (resolves once it is on disk) and answers with its incident's id. */
  async admit(alert: Alert, alertKey: string, to: { workflowId: string; runbook: string; cluster?: string; requestedBy?: string }, reserve?: () => Promise<((started: boolean) => void) | undefined>):
    Promise<{ id: string; status: IntakeStatus } | { deferred: true } | { refused: string }> {
    if (this.pending >= this.deps.maxPending) throw new IntakeBacklog(this.pending, this.deps.maxPending);
    const s = this.subject(to.workflowId);
    await s.known;
    s.lastUsed = Date.now();
    if (s.unreadable) {
      // Looked at again by the next alert: the incident may have ended, or the key come back, by then.
      if (this.subjects.get(s.workflowId) === s && !s.queue.length) this.subjects.delete(s.workflowId);
      return { refused: s.unreadable };
    }
    if (s.tag && s.keys.has(alertKey)) return { id: `${s.workflowId}-${s.tag}`, status: 'duplicate' };
    let status: IntakeStatus = s.tag ? 'attached' : 'started';
    if (!s.tag && reserve) {
      const release = await reserve();
      if (!release) return { deferred: true };
      // Counted as started when it starts; released at once if another alert chose the incident meanwhile.
      if (s.tag) { release(false); status = 'attached'; } else release(true);
    }
    const { log } = this.deps;
    const logged = log.append((seq) => {
      s.tag ??= incidentTag(s.workflowId, log.id, seq);
      return { ...to, tag: s.tag, alertKey, alert };
    });
    s.keys.add(alertKey);
    if (s.keys.size > 2_000) s.keys.delete(s.keys.values().next().value!);
    this.enqueue(s, logged);
    await log.durable(logged.seq);
    return { id: `${s.workflowId}-${logged.record.tag}`, status };
  }

  /**
   * Waits (at most `timeoutMs`) until the alerts answered so far for the subject reached its incident, so a read or a
   * decision right after a 202 finds the incident the answer named.
   */
  async settled(workflowId: string, timeoutMs = 10_000): Promise<void> {
    const s = this.subjects.get(workflowId);
    const last = s?.queue.at(-1)?.seq;
    if (!s || last === undefined) return;
    const deadline = Date.now() + timeoutMs;
    while (s.queue.length && s.queue[0]!.seq <= last && this.subjects.get(workflowId) === s && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Stops delivering (what is left stays in the log for the next start) and closes the log. */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.sweep);
    clearTimeout(this.wakeup?.timer);
    for (let i = 0; i < 100 && this.inFlight > 0; i++) await new Promise((r) => setTimeout(r, 100));
    await this.deps.log.close(this.pending === 0 && this.inFlight === 0);
  }

  private subject(workflowId: string): Subject {
    let s = this.subjects.get(workflowId);
    if (s) return s;
    s = { workflowId, open: false, known: Promise.resolve(), queue: [], keys: new Set(), busy: false, sentAt: 0, failures: 0, retryAt: 0, lastUsed: Date.now(), replayed: false };
    const created = s;
    s.known = this.look(created).catch((err: unknown) => {
      // Asked again by the next alert (Temporal may be back by then).
      if (this.subjects.get(workflowId) === created && !created.queue.length) this.subjects.delete(workflowId);
      throw err;
    });
    this.subjects.set(workflowId, s);
    return s;
  }

  /** Whether an incident of the subject runs now, and its tag (set by the intake at its start, else its first run id's). */
  private async look(s: Subject): Promise<void> {
    try {
      // The status first, read raw: an ended run's memo may be sealed with a payload key this engine no longer holds.
      if (!(await isRunning(this.deps.client, s.workflowId))) return;
      const described = await this.deps.client.workflow.getHandle(s.workflowId).describe().catch((err: unknown) => {
        // Its memo is sealed with a payload key this engine does not hold: neither its id nor a signal would be right.
        if (!(err instanceof KafkaIrError)) throw err;
        s.unreadable = `an incident of ${s.workflowId} is running that this engine cannot read (${err.message})`;
        return undefined;
      });
      if (described?.status.name !== 'RUNNING') return;
      s.tag = tagOf(described.memo, described.raw.workflowExecutionInfo?.firstRunId ?? described.runId);
      s.open = true;
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  }

  private enqueue(s: Subject, logged: Logged<IntakeRecord>): void {
    s.queue.push(logged);
    this.pending++;
    this.waiting.add(s);
  }

  private pump(): void {
    const now = Date.now();
    const { signals } = this;
    signals.left = Math.min(SIGNALS_PER_S, signals.left + ((now - signals.at) * SIGNALS_PER_S) / 1000);
    signals.at = now;
    let lingering = Infinity;
    // Openings first (a new incident starts its runbook), then the others in turn.
    for (const opening of [true, false]) {
      for (const s of this.waiting) {
        if (this.closing || this.inFlight >= MAX_IN_FLIGHT) return;
        if (s.open === opening || s.busy || s.retryAt > now || !s.queue.length || !this.deps.log.isDurable(s.queue[0]!.seq)) continue;
        const full = s.queue.length >= MAX_BATCH;
        const due = s.open && !full ? Math.max(s.sentAt + LINGER_MS, signals.left >= 1 ? 0 : now + ((1 - signals.left) * 1000) / SIGNALS_PER_S) : 0;
        if (due > now) { lingering = Math.min(lingering, due); continue; }
        if (s.open && !full) signals.left--;
        this.waiting.delete(s);
        void this.deliver(s);
      }
    }
    if (lingering < (this.wakeup?.at ?? Infinity)) {
      clearTimeout(this.wakeup?.timer);
      this.wakeup = { at: lingering, timer: setTimeout(() => { this.wakeup = undefined; this.pump(); }, lingering - now).unref() };
    }
  }

  /** Delivers the subject's next batch: its durable alerts, in log order. */
  private async deliver(s: Subject): Promise<void> {
    s.busy = true;
    this.inFlight++;
    const { client, log, logger } = this.deps;
    try {
      await s.known.catch(async () => { s.known = this.look(s); await s.known; });
      const batch: Logged<IntakeRecord>[] = [];
      let bytes = 0;
      for (const item of s.queue) {
        if (batch.length >= MAX_BATCH || (batch.length && bytes + item.bytes > MAX_BATCH_BYTES) || !log.isDurable(item.seq)) break;
        batch.push(item);
        bytes += item.bytes;
      }
      const signal = { log: log.id, alerts: batch.map(({ seq, record }) => ({ seq, alert: record.alert, alertKey: record.alertKey })) };
      s.sentAt = Date.now();
      const sent = s.open
        ? await client.workflow.getHandle(s.workflowId).signal(attachAlerts, signal).then(() => true)
        : await this.start(s, batch[0]!, signal);
      if (!sent) logger.error({ workflowId: s.workflowId, alerts: batch.length }, 'no runbook takes these logged alerts any more: dropped');
      s.queue.splice(0, batch.length);
      this.pending -= batch.length;
      log.delivered(batch.map((b) => b.seq));
      s.failures = 0;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError && s.open) {
        // The incident ended before these reached it: they open the subject's next incident (a new id).
        logger.info({ workflowId: s.workflowId, incident: `${s.workflowId}-${s.tag}` }, 'incident ended before its latest alerts were delivered; they open a new one');
        s.open = false;
        s.tag = undefined;
        s.replayed = false;
      } else {
        s.failures++;
        s.retryAt = Date.now() + Math.min(30_000, 250 * 2 ** s.failures);
        setTimeout(() => this.pump(), s.retryAt - Date.now() + 5).unref();
        const level = temporalUnavailable(err) ? 'warn' : 'error';
        logger[level]({ err, workflowId: s.workflowId, alerts: s.queue.length }, 'alert delivery failed; retrying (the alerts stay in the intake log)');
      }
    } finally {
      s.busy = false;
      this.inFlight--;
      if (s.queue.length) this.waiting.add(s);
      this.pump();
    }
  }

  /** Opens the subject's incident with one call: the first alert starts it, the batch (that alert too) is its first signal. */
  private async start(s: Subject, first: Logged<IntakeRecord>, signal: { log: string; alerts: unknown[] }): Promise<boolean> {
    const { client, log, taskQueue } = this.deps;
    let tag = s.tag ?? incidentTag(s.workflowId, log.id, first.seq);
    // After a restart the logged tag may name an incident started before the crash and ended since: never reuse an id.
    if (s.replayed && (await this.tagTaken(s.workflowId, tag))) tag = incidentTag(s.workflowId, log.id, first.seq, 'again');
    const args = await this.deps.startArgs({ ...first.record, tag }, { log: log.id, seq: first.seq });
    if (!args) return false;
    await client.workflow.signalWithStart<typeof runIncident, [typeof signal]>('runIncident', {
      workflowId: s.workflowId, taskQueue, args, memo: { incidentTag: tag }, signal: attachAlerts as never, signalArgs: [signal],
    });
    s.tag = tag;
    s.open = true;
    s.replayed = false;
    return true;
  }

  private async tagTaken(workflowId: string, tag: string): Promise<boolean> {
    for (const runId of await runIdsOf(this.deps.client, workflowId)) {
      // A run whose memo this engine cannot read (sealed with another payload key) is not one it tagged.
      const described = await this.deps.client.workflow.getHandle(workflowId, runId).describe().catch(() => undefined);
      if (described?.memo?.incidentTag === tag) return true;
    }
    return false;
  }

  private forget(): void {
    const idle = Date.now() - IDLE_MS;
    for (const [id, s] of this.subjects) if (!s.busy && !s.queue.length && s.lastUsed < idle) this.subjects.delete(id);
  }
}

/** The run ids of a workflow id, newest first, listed without decoding their memos. */
export async function runIdsOf(client: Client, workflowId: string): Promise<string[]> {
  const { executions } = await client.workflowService.listWorkflowExecutions({ namespace: client.options.namespace, query: `WorkflowId = '${workflowId}'` });
  return (executions ?? []).flatMap((e) => (e.execution?.runId ? [e.execution.runId] : []));
}

/** Whether the workflow id's latest run is running, read without decoding its memo (false: none, or ended). */
async function isRunning(client: Client, workflowId: string): Promise<boolean> {
  try {
    const { workflowExecutionInfo } = await client.workflowService.describeWorkflowExecution({ namespace: client.options.namespace, execution: { workflowId } });
    return workflowExecutionInfo?.status === proto.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
  } catch (err) {
    if ((err as { code?: number }).code === 5) return false; // gRPC NOT_FOUND
    throw err;
  }
}
