// The incident service on the client side: alerts in (update-with-start), views and notes out. Used by the HTTP API and tests.
import { createHash, randomUUID } from 'node:crypto';
import { ServiceError, WithStartWorkflowOperation, WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { Alert } from '../model/alert.js';
import { parseIncidentId, runTag, type IncidentView, type IntakeStatus } from '../model/incident.js';
import { alertKey as keyOf, routeAlert } from '../model/route-alert.js';
import type { Runbook } from '../model/runbook.js';
import {
  abortIncident, addNote, attachAlert, decide, forceAdvance, incidentView, type AbortRequest, type DecisionRequest, type DecisionResult, type NoteRequest,
  recordRefusal, type EdgeRefusal,
} from '../../workflows/messages.js';
import type { Roster } from '../model/roster.js';
import type { NoticeChannels } from '../model/notice.js';
import type { runIncident, RunIncidentInput } from '../../workflows/run-incident.js';

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

export type SubmitOutcome =
  | { matched: true; id: string; runbook: string; status: IntakeStatus }
  | { matched: false; reason: string };

export interface IncidentService {
  /** `attachOnly`: attach to the open incident, never start one (a "resolved" notification). */
  submit(alert: Alert, options?: { alertKey?: string; dryRun?: boolean; requestedBy?: string; attachOnly?: boolean }): Promise<SubmitOutcome>;
  view(id: string): Promise<IncidentView | undefined>;
  list(status?: 'open' | 'closed', limit?: number): Promise<IncidentView[]>;
  note(id: string, note: NoteRequest): Promise<DecisionResult | undefined>;
  abort(id: string, request: AbortRequest): Promise<DecisionResult | undefined>;
  decide(id: string, request: DecisionRequest): Promise<DecisionResult | undefined>;
  forceAdvance(id: string, request: { person: string; channel: string; reason: string }): Promise<DecisionResult | undefined>;
  /** Records a request refused at the edge in the incident's timeline (no-op for an unknown or ended incident). */
  refuse(id: string, refusal: EdgeRefusal): Promise<void>;
}

/** A running incident answers its query; a finished one's view is its result, readable with no worker. */
async function readView(handle: WorkflowHandle, status?: string): Promise<IncidentView> {
  const state = status ?? (await handle.describe()).status.name;
  return state === 'RUNNING' ? handle.query(incidentView) : (handle.result() as Promise<IncidentView>);
}

export interface IncidentServiceOptions {
  continueAsNewAfter?: number;
  /** The channels new incidents notify. */
  notify?: NoticeChannels;
  /** Resolves the roster when an incident opens (Slack user groups). */
  resolveRoster?: (roster: Roster) => Promise<Roster>;
}

export function createIncidentService(
  client: Client, taskQueue: string, catalog: () => { runbooks: readonly Runbook[]; roster: Roster }, options: IncidentServiceOptions = {},
): IncidentService {
  /**
   * The incident's current run. The latest run answers for the newest incident of a subject; older ones are found by
   * their first run id. A run that continued as new hands over to its chain's latest run (listing may lag behind it).
   */
  async function handleFor(id: string): Promise<WorkflowHandle | undefined> {
    const parsed = parseIncidentId(id);
    if (!parsed) return undefined;
    for await (const execution of client.workflow.list({ query: `WorkflowId = '${parsed.workflowId}'` })) {
      const handle = client.workflow.getHandle(parsed.workflowId, execution.runId);
      const described = await handle.describe();
      const first = described.raw.workflowExecutionInfo?.firstRunId ?? execution.runId;
      if (runTag(first) !== parsed.runTag) continue;
      return described.status.name === 'CONTINUED_AS_NEW' ? client.workflow.getHandle(parsed.workflowId, undefined, { firstExecutionRunId: first }) : handle;
    }
    return undefined;
  }

  /**
   * Sends an update to a running incident; an ended one refuses without reaching the workflow. The update targets the
   * chain, not a run: a run that continues as new meanwhile refuses it, and it is sent again to the next run.
   */
  async function update<A>(id: string, def: UpdateDefinition<DecisionResult, [A]>, request: A): Promise<DecisionResult | undefined> {
    const handle = await handleFor(id);
    if (!handle) return undefined;
    // One id across attempts: the server recognises a copy it has already applied.
    const updateId = randomUUID();
    for (let attempt = 1; ; attempt++) {
      const described = await handle.describe();
      if (described.status.name !== 'RUNNING') return { accepted: false, reason: 'the incident has ended' };
      const first = described.raw.workflowExecutionInfo?.firstRunId ?? described.runId;
      try {
        return await client.workflow.getHandle(handle.workflowId, undefined, { firstExecutionRunId: first }).executeUpdate(def, { args: [request], updateId });
      } catch (err) {
        if (attempt >= 5 || !(err instanceof Error) || !/already completed|continued as new|not found/i.test(`${err.message} ${String(err.cause)}`)) throw err;
      }
    }
  }

  return {
    async submit(alert, opts = {}) {
      const { runbooks, roster: listed } = catalog();
      const routed = routeAlert(runbooks, alert, sha256Hex, opts.dryRun);
      if (!routed.ok) return { matched: false, reason: routed.reason };
      const roster = options.resolveRoster && !opts.attachOnly ? await options.resolveRoster(listed) : listed;
      const alertKey = opts.alertKey ?? keyOf(alert, sha256Hex);
      const input: RunIncidentInput = {
        runbook: routed.runbook, alert, alertKey, subject: routed.subject, dryRun: opts.dryRun ?? false, roster,
        requestedBy: opts.requestedBy, continueAsNewAfter: options.continueAsNewAfter,
        ...(options.notify && (options.notify.slack || options.notify.email) ? { notify: options.notify } : {}),
      };
      if (opts.attachOnly) {
        // A plain update reaches only a running incident: one that closed meanwhile refuses it, and nothing starts.
        try {
          const attached = await client.workflow.getHandle(routed.workflowId).executeUpdate(attachAlert, { args: [{ alert, alertKey }] });
          return { matched: true, id: attached.id, runbook: routed.runbook.id, status: attached.status };
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) return { matched: false, reason: 'resolved, and no open incident to attach it to' };
          throw err;
        }
      }
      const result = await client.workflow.executeUpdateWithStart(attachAlert, {
        args: [{ alert, alertKey }],
        startWorkflowOperation: new WithStartWorkflowOperation<typeof runIncident>('runIncident', {
          workflowId: routed.workflowId,
          taskQueue,
          args: [input],
          workflowIdConflictPolicy: 'USE_EXISTING',
        }),
      });
      return { matched: true, id: result.id, runbook: routed.runbook.id, status: result.status };
    },

    async view(id) {
      const handle = await handleFor(id);
      return handle ? readView(handle) : undefined;
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
    async refuse(id, refusal) {
      await update(id, recordRefusal, refusal);
    },
  };
}
