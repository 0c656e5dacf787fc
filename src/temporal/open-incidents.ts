// Open incidents per runbook and cluster, from Temporal visibility alone (no queries): both are part of the workflow id (docs/design.md §4).
import type { Client } from '@temporalio/client';
import { workflowIdParts } from '../model/incident.js';

export interface OpenCount { runbook: string; cluster: string; count: number }

export async function openIncidentsByRunbook(client: Client): Promise<OpenCount[]> {
  const counts = new Map<string, OpenCount>();
  for await (const execution of client.workflow.list({ query: `WorkflowType = 'runIncident' AND ExecutionStatus = 'Running'` })) {
    const parts = workflowIdParts(execution.workflowId);
    if (!parts) continue;
    const key = `${parts.runbook}.${parts.cluster}`;
    const entry = counts.get(key) ?? { ...parts, count: 0 };
    entry.count++;
    counts.set(key, entry);
  }
  return [...counts.values()];
}
