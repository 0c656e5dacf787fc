// An incident's history from Temporal, every run of its continue-as-new chain, decoded with the client's data converter.
import { WorkflowNotFoundError, type Client, type WorkflowExecutionDescription } from '@temporalio/client';
import type { History } from '@temporalio/common/lib/proto-utils.js';
import { KafkaIrError } from '../model/errors.js';
import { parseIncidentId, tagOf } from '../model/incident.js';
import type { DecodedHistory } from '../model/decoded-history.js';
import { decodeHistories } from '../report/decode-history.js';
import { runIdsOf } from './alert-delivery.js';

const GRPC_NOT_FOUND = 5;
const startOf = (h: History) => h.events?.[0]?.workflowExecutionStartedEventAttributes;

/** The run `runId` and the runs it continued from, decoded, oldest first (what the archive activity reads while its run is still open). */
export async function runChainHistory(client: Client, workflowId: string, runId: string): Promise<DecodedHistory> {
  const histories: History[] = [];
  for (let run: string | null | undefined = runId; run;) {
    const history: History = await client.workflow.getHandle(workflowId, run).fetchHistory();
    histories.unshift(history);
    run = startOf(history)?.continuedExecutionRunId;
  }
  return decodeHistories(histories, client.workflow.options.loadedDataConverter);
}

/** Every run of the incident named by its public id, decoded; undefined when Temporal holds none (retention passed). */
export async function incidentHistory(client: Client, id: string): Promise<DecodedHistory | undefined> {
  const parsed = parseIncidentId(id);
  if (!parsed) return undefined;
  const runs: { at: number; history: History; first: string; tag: string }[] = [];
  let unreadable: KafkaIrError | undefined;
  for (const runId of await runIdsOf(client, parsed.workflowId)) {
    const handle = client.workflow.getHandle(parsed.workflowId, runId);
    let history: History;
    let described: WorkflowExecutionDescription;
    try {
      described = await handle.describe();
      history = await handle.fetchHistory();
    } catch (err) {
      // Visibility lags deletion: a run it still lists may already be gone. A run sealed with a payload key this
      // engine does not hold may be another incident's: passed over, and reported only if no run is this one.
      if (err instanceof KafkaIrError) { unreadable ??= err; continue; }
      if (err instanceof WorkflowNotFoundError || (err as { code?: number }).code === GRPC_NOT_FOUND) continue;
      throw err;
    }
    const first = startOf(history)?.firstExecutionRunId ?? runId;
    runs.push({ at: described.startTime.getTime(), history, first, tag: tagOf(described.memo, first) });
  }
  // The chain of the run that carries the tag (a continued run may not repeat its memo).
  const chains = new Set(runs.filter((r) => r.tag === parsed.runTag).map((r) => r.first));
  const chain = runs.filter((r) => chains.has(r.first)).sort((a, b) => a.at - b.at);
  if (chain.length === 0) {
    if (unreadable) throw unreadable;
    return undefined;
  }
  return decodeHistories(chain.map((r) => r.history), client.workflow.options.loadedDataConverter);
}
