// The incident service on the client side: alerts in (update-with-start), views and notes out. Used by the HTTP API and tests.
import { createHash, randomUUID } from 'node:crypto';
import { ServiceError, WithStartWorkflowOperation, WorkflowNotFoundError, type Client, type WorkflowExecutionDescription, type WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import proto from '@temporalio/proto';
import type { Alert, AlertSubject } from '../model/alert.js';
import { drillAlert } from '../model/drill-alert.js';
import { parseIncidentId, tagOf, type IncidentView, type IntakeStatus } from '../model/incident.js';
import { alertKey as keyOf, routeAlert } from '../model/route-alert.js';
import type { Runbook } from '../model/runbook.js';
import { startSealSubject, updateSealSubject, type Seal, type SealedUpdate } from '../model/engine-seal.js';
import type { EngineSeal } from '../../adapters/engine-seal.js';
import type { AbortRequest, DecisionRequest, EdgeRefusal, ForceAdvanceRequest, NoteRequest, PageAcknowledgement } from '../model/incident-requests.js';
import {
  abortIncident, acknowledgePage, addNote, attachAlert, decide, forceAdvance, incidentView, recordRefusal, type DecisionResult,
} from '../../workflows/messages.js';
import type { Roster } from '../model/roster.js';
import type { Logger } from '../logger.js';
import { AlertDelivery, runIdsOf, type IntakeRecord } from './alert-delivery.js';
import type { AlertLog } from '../../adapters/intake-log/alert-log.js';
import type { NoticeChannels } from '../model/notice.js';
import type { runIncident, RunIncidentInput } from '../../workflows/run-incident.js';
import { OpenIncidentCap } from './open-incident-cap.js';
import { chooseCluster, DEFAULT_CLUSTER } from '../model/clusters.js';

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

/** How long close() waits for calls to Temporal still in flight (a retried update backs off for seconds). */
const CLOSE_WAIT_MS = 15_000;

export type SubmitOutcome =
  | { matched: true; id: string; runbook: string; status: IntakeStatus }
  /** `deferred`: the alert would open an incident over the runbook's cap; sending it again later may succeed. */
  | { matched: false; reason: string; deferred?: true };

export interface IncidentService {
  /** The clusters incidents may act on (alerts name one in subject.cluster); unset: only "default". */
  readonly clusters?: readonly string[];
  /** `attachOnly`: attach to the open incident, never start one (a "resolved" notification). */
  /** `drill`: rehearse the runbook of this id on the (synthetic) alert: a dry run whose approvals go to real people. */
  submit(alert: Alert, options?: { alertKey?: string; dryRun?: boolean; drill?: string; requestedBy?: string; attachOnly?: boolean }): Promise<SubmitOutcome>;
  /** Rehearses a runbook on a synthetic alert about `subject` (defaults filled in): a drill, its own incident. */
  drill(runbook: string, subject: AlertSubject, requestedBy?: string): Promise<SubmitOutcome>;
  view(id: string): Promise<IncidentView | undefined>;
  list(status?: 'open' | 'closed', limit?: number): Promise<IncidentView[]>;
  note(id: string, note: NoteRequest): Promise<DecisionResult | undefined>;
  abort(id: string, request: AbortRequest): Promise<DecisionResult | undefined>;
  decide(id: string, request: DecisionRequest): Promise<DecisionResult | undefined>;
  forceAdvance(id: string, request: ForceAdvanceRequest): Promise<DecisionResult | undefined>;
  /** Records a request refused at the edge in the incident's timeline (no-op for an unknown or ended incident). */
  refuse(id: string, refusal: EdgeRefusal): Promise<void>;
  /** Alerts answered and in the intake log, not yet delivered to their incidents. */
  backlog(): number;
  /** Stops delivering logged alerts (those left are delivered after the next start). */
  close(): Promise<void>;
  /** Records a page acknowledged in PagerDuty or Opsgenie (undefined for an unknown incident). */
  acknowledgePage(id: string, ack: PageAcknowledgement): Promise<DecisionResult | undefined>;
}

/** One run of an incident's chain, and its status when it was described. */
interface Run { handle: WorkflowHandle; runId: string; firstRunId: string; status: string }

/** A running incident answers its query; a finished one's view is its result, readable with no worker. */
async function readView(handle: WorkflowHandle, status?: string): Promise<IncidentView> {
  const state = status ?? (await handle.describe()).status.name;
  return state === 'RUNNING' ? handle.query(incidentView) : (handle.result() as Promise<IncidentView>);
}

export interface IncidentServiceOptions {
  /** Seals every start and every update that carries a person or a decision: the incident refuses what it did not seal. */
  seal: EngineSeal;
  continueAsNewAfter?: number;
  /** The channels new incidents notify. */
  notify?: NoticeChannels;
  /** Resolves the roster when an incident opens (Slack user groups). */
  resolveRoster?: (roster: Roster) => Promise<Roster>;
  /** Open incidents per runbook; an alert that would open one more is deferred. Unset: no cap. */
  maxOpenPerRunbook?: number;
  /** The clusters the engine serves, by name; unset: only "default". */
  clusters?: readonly string[];
  /**
   * The intake log: alerts are answered once written there and delivered in batches (alert-delivery.ts). Unset: each
   * alert is its own update-with-start, answered when the incident took it. Dry runs, drills and attach-only alerts always are.
   */
  intakeLog?: { log: AlertLog<IntakeRecord>; maxPending: number; logger: Logger };
}

export function createIncidentService(
  client: Client, taskQueue: string, catalog: () => {
    runbooks: readonly Runbook[]; roster: Roster;
    /** Why a runbook cannot run on a cluster of this engine (a setting it lacks), if it cannot: its alerts are refused. */
    disabled?: (cluster: string, runbook: string) => string | undefined;
  }, options: IncidentServiceOptions,
): IncidentService {
  const cap = options.maxOpenPerRunbook ? new OpenIncidentCap(client, taskQueue, options.maxOpenPerRunbook) : undefined;
  const capReason = (runbook: string) => `runbook ${runbook} has ${cap!.max} open incidents, its cap (KAFKA_IR_MAX_OPEN_INCIDENTS): this alert would open another; send it again later`;
  /** The run that `runId` continued as, read from its closing event (the visibility listing may not show it yet). */
  async function nextRun(workflowId: string, runId: string): Promise<string | undefined> {
    const { history } = await client.workflowService.getWorkflowExecutionHistory({
      namespace: client.options.namespace, execution: { workflowId, runId },
      historyEventFilterType: proto.temporal.api.enums.v1.HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT,
    });
    return history?.events?.[0]?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }

  /** The last run of the chain `runId` belongs to: followed run by run, never another incident's run of the same id. */
  async function lastRun(workflowId: string, runId: string, described?: WorkflowExecutionDescription): Promise<Run> {
    for (;;) {
      const handle = client.workflow.getHandle(workflowId, runId);
      described ??= await handle.describe();
      const status = described.status.name;
      const next = status === 'CONTINUED_AS_NEW' ? await nextRun(workflowId, runId) : undefined;
      if (!next) return { handle, runId, firstRunId: described.raw.workflowExecutionInfo?.firstRunId ?? runId, status };
      runId = next;
      described = undefined;
    }
  }

  /** The incident's current run: its chain is found by the first run id its id carries, then followed to its end. */
  async function currentRun(id: string): Promise<Run | undefined> {
    const parsed = parseIncidentId(id);
    if (!parsed) return undefined;
    await delivery?.settled(parsed.workflowId);
    let unreadable: unknown;
    for (const runId of await runIdsOf(client, parsed.workflowId)) {
      // A run whose memo cannot be read (sealed with a payload key this engine no longer holds) may be another
      // incident's: passed over, and reported only if no run is this one.
      const described = await client.workflow.getHandle(parsed.workflowId, runId).describe().catch((err: unknown) => { unreadable ??= err; return undefined; });
      if (!described) continue;
      const first = described.raw.workflowExecutionInfo?.firstRunId ?? runId;
      if (tagOf(described.memo, first) === parsed.runTag) return lastRun(parsed.workflowId, runId, described);
    }
    if (unreadable) throw unreadable;
    return undefined;
  }

  /** Sends a sealed update to a running incident; an ended one refuses without reaching the workflow. */
  // Calls to Temporal still in flight: close() lets them settle before the connection goes, or a retry the client
  // schedules for later would find the channel shut and throw from its timer.
  const inFlight = new Set<Promise<unknown>>();
  function tracked<T>(call: Promise<T>): Promise<T> {
    inFlight.add(call);
    void call.finally(() => inFlight.delete(call)).catch(() => {});
    return call;
  }

  function update<A>(id: string, def: UpdateDefinition<DecisionResult, [A, Seal?]>, request: A): Promise<DecisionResult | undefined> {
    return tracked(updateNow(id, def, request));
  }

  async function updateNow<A>(id: string, def: UpdateDefinition<DecisionResult, [A, Seal?]>, request: A): Promise<DecisionResult | undefined> {
    let run = await currentRun(id);
    if (!run) return undefined;
    // The chain, not a run: a run closing by continue-as-new refuses the update, and the client's own retry of that
    // lands on the next run (the first run id keeps it from reaching a later incident of the same subject).
    const chain = client.workflow.getHandle(run.handle.workflowId, undefined, { firstExecutionRunId: run.firstRunId });
    // Sealed for this chain: the same request sent to another incident does not verify there.
    const seal = options.seal.seal(updateSealSubject(def.name as SealedUpdate, run.handle.workflowId, run.firstRunId, request));
    // One id across attempts: the server recognises a copy it has already applied.
    const updateId = randomUUID();
    for (let attempt = 1; ; attempt++) {
      if (run.status !== 'RUNNING') return { accepted: false, reason: 'the incident has ended' };
      try {
        return await chain.executeUpdate(def, { args: [request, seal], updateId });
      } catch (err) {
        if (attempt >= 5 || !(err instanceof Error) || !/already completed|completed before the Update completed|continued as new|closing|not found/i.test(`${err.message} ${String(err.cause)}`)) throw err;
      }
      run = await lastRun(run.handle.workflowId, run.runId);
    }
  }

  const clusters = options.clusters ?? [DEFAULT_CLUSTER];
  /** A new incident's input: the runbook and the roster pinned as they are now. */
  const inputFor = async (routed: Extract<ReturnType<typeof routeAlert>, { ok: true }>, alert: Alert, alertKey: string, cluster: string,
    opts: { dryRun?: boolean; drill?: string; requestedBy?: string; attachOnly?: boolean }): Promise<RunIncidentInput> => ({
    runbook: routed.runbook, alert, alertKey, subject: routed.subject, cluster, dryRun: (opts.dryRun ?? false) || opts.drill !== undefined,
    roster: options.resolveRoster && !opts.attachOnly ? await options.resolveRoster(catalog().roster) : catalog().roster,
    ...(opts.drill !== undefined ? { drill: true } : {}),
    requestedBy: opts.requestedBy, continueAsNewAfter: options.continueAsNewAfter,
    ...(options.notify && Object.values(options.notify).some(Boolean) ? { notify: options.notify } : {}),
  });

  const delivery = options.intakeLog && new AlertDelivery({
    client, taskQueue, ...options.intakeLog,
    async startArgs(record, intake) {
      // Routed again with the runbooks of now: a restart may have changed them since the alert was logged.
      const cluster = record.cluster ?? DEFAULT_CLUSTER;
      const routed = routeAlert(catalog().runbooks, record.alert, sha256Hex, false, cluster);
      if (!routed.ok || routed.workflowId !== record.workflowId) return undefined;
      const input = { ...(await inputFor(routed, record.alert, record.alertKey, cluster, record)), incidentTag: record.tag, intake };
      return [input, options.seal.seal(startSealSubject(record.workflowId, input))];
    },
  });

  const service: IncidentService = {
    clusters,
    async submit(alert, opts = {}) {
      const chosen = chooseCluster(clusters, alert.subject.cluster);
      if (!chosen.ok) return { matched: false, reason: chosen.reason };
      const routed = routeAlert(catalog().runbooks, alert, sha256Hex, opts.dryRun, chosen.cluster, opts.drill);
      if (!routed.ok) return { matched: false, reason: routed.reason };
      const off = catalog().disabled?.(chosen.cluster, routed.runbook.id);
      if (off) return { matched: false, reason: off };
      const alertKey = opts.alertKey ?? keyOf(alert, sha256Hex);
      if (delivery && !opts.dryRun && opts.drill === undefined && !opts.attachOnly) {
        const reserve = cap ? () => cap.reserve(routed.runbook.id) : undefined;
        const to = { workflowId: routed.workflowId, runbook: routed.runbook.id, ...(chosen.cluster !== DEFAULT_CLUSTER ? { cluster: chosen.cluster } : {}), ...(opts.requestedBy ? { requestedBy: opts.requestedBy } : {}) };
        const admitted = await delivery.admit(alert, alertKey, to, reserve);
        if ('deferred' in admitted) return { matched: false, deferred: true, reason: capReason(routed.runbook.id) };
        if ('refused' in admitted) return { matched: false, reason: admitted.refused };
        return { matched: true, id: admitted.id, runbook: routed.runbook.id, status: admitted.status };
      }
      // Attach-only, a dry run, a drill: one update, answered by the incident, after what the log holds for it was delivered.
      await delivery?.settled(routed.workflowId);
      const input = await inputFor(routed, alert, alertKey, chosen.cluster, opts);
      /** A plain update reaches only a running incident: one that closed meanwhile refuses it, and nothing starts. */
      const attach = async (none: Omit<Extract<SubmitOutcome, { matched: false }>, 'matched'>): Promise<SubmitOutcome> => {
        try {
          const attached = await client.workflow.getHandle(routed.workflowId).executeUpdate(attachAlert, { args: [{ alert, alertKey }] });
          return { matched: true, id: attached.id, runbook: routed.runbook.id, status: attached.status };
        } catch (err) {
          if (err instanceof WorkflowNotFoundError || (err instanceof Error && /already completed/i.test(err.message))) return { matched: false, ...none };
          throw err;
        }
      };
      if (opts.attachOnly) return attach({ reason: 'resolved, and no open incident to attach it to' });
      const release = cap ? await cap.reserve(routed.runbook.id) : () => {};
      if (!release) {
        // At the cap, an alert about an open incident still attaches; one that would open another waits.
        return attach({ deferred: true, reason: capReason(routed.runbook.id) });
      }
      const result = await client.workflow.executeUpdateWithStart(attachAlert, {
        args: [{ alert, alertKey }],
        startWorkflowOperation: new WithStartWorkflowOperation<typeof runIncident>('runIncident', {
          workflowId: routed.workflowId,
          taskQueue,
          args: [input, options.seal.seal(startSealSubject(routed.workflowId, input))],
          workflowIdConflictPolicy: 'USE_EXISTING',
        }),
      }).catch((err: unknown) => { release(false); throw err; });
      release(result.status === 'started');
      return { matched: true, id: result.id, runbook: routed.runbook.id, status: result.status };
    },

    async drill(id, subject, requestedBy) {
      const runbook = catalog().runbooks.find((r) => r.id === id);
      if (!runbook) return { matched: false, reason: `no runbook "${id}" is loaded: kafka-ir runbooks list names them` };
      const made = drillAlert(runbook, subject, new Date(), randomUUID());
      if ('problem' in made) return { matched: false, reason: made.problem };
      return service.submit(made.alert, { drill: id, ...(requestedBy ? { requestedBy } : {}) });
    },

    async view(id) {
      const run = await currentRun(id);
      return run ? readView(run.handle, run.status) : undefined;
    },

    async list(status, limit = 100) {
      const filter = status === 'open' ? ` AND ExecutionStatus = 'Running'` : status === 'closed' ? ` AND ExecutionStatus != 'Running'` : '';
      const executions: { workflowId: string; runId: string; status: string }[] = [];
      // This deployment's incidents only: those of another task queue have no worker here to answer a query.
      const query = `WorkflowType = 'runIncident' AND TaskQueue = '${taskQueue}'${filter}`;
      for await (const e of client.workflow.list({ query, pageSize: limit })) {
        if (e.status.name === 'CONTINUED_AS_NEW') continue;
        executions.push({ workflowId: e.workflowId, runId: e.runId, status: e.status.name });
        if (executions.length >= limit) break;
      }
      // Read in parallel, each within a few seconds: an incident that cannot be read now (no worker polls, or its
      // history is gone) is left out of the list rather than holding it up.
      const views = await Promise.all(executions.map((e) =>
        client.withDeadline(Date.now() + 5_000, () => readView(client.workflow.getHandle(e.workflowId, e.runId), e.status)).catch((err: unknown) => {
          if (err instanceof WorkflowNotFoundError || err instanceof ServiceError) return undefined;
          throw err;
        })));
      return views.filter((v): v is IncidentView => v !== undefined);
    },

    note: (id, note) => update(id, addNote, note),

    abort: (id, request) => update(id, abortIncident, request),
    decide: (id, request) => update(id, decide, request),
    forceAdvance: (id, request) => update(id, forceAdvance, request),
    backlog: () => delivery?.backlog ?? 0,
    async close() {
      await delivery?.close();
      let bound: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...inFlight]), new Promise((resolve) => { bound = setTimeout(resolve, CLOSE_WAIT_MS); })]);
      clearTimeout(bound);
    },
    acknowledgePage: (id, ack) => update(id, acknowledgePage, ack),
    async refuse(id, refusal) {
      await update(id, recordRefusal, refusal);
    },
  };
  const submitNow = service.submit.bind(service);
  service.submit = (alert, opts) => tracked(submitNow(alert, opts));
  return service;
}
