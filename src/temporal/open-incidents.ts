// Open incidents per runbook and cluster, from Temporal visibility alone (no queries): both are part of the workflow id (docs/design.md §4).
import type { Client } from '@temporalio/client';
import { workflowIdParts } from '../model/incident.js';

export interface OpenCount { runbook: string; cluster: string; count: number }

export async function openIncidentsByRunbook(client: Client): Promise<OpenCount[]> {
  const counts = new Map<string, OpenCount>();
  let nextPageToken: Uint8Array | undefined;
  do {
    // Listed raw: a memo sealed with a payload key this engine does not hold must not empty the whole count.
    const page = await client.workflowService.listWorkflowExecutions({
      namespace: client.options.namespace, query: `WorkflowType = 'runIncident' AND ExecutionStatus = 'Running'`, nextPageToken,
    });
    for (const execution of page.executions ?? []) {
      const parts = workflowIdParts(execution.execution?.workflowId ?? '');
      if (!parts) continue;
      const key = `${parts.runbook}.${parts.cluster}`;
      const entry = counts.get(key) ?? { ...parts, count: 0 };
      entry.count++;
      counts.set(key, entry);
    }
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  return [...counts.values()];
}
