// Open incidents per runbook, from Temporal visibility alone (no queries): the runbook is part of the workflow id (docs/design.md §4).
import type { Client } from '@temporalio/client';

const RUNBOOK_OF = /^ir-(.+)-[0-9a-f]{16}(?:-dry|-drill)?$/;

export async function openIncidentsByRunbook(client: Client): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for await (const execution of client.workflow.list({ query: `WorkflowType = 'runIncident' AND ExecutionStatus = 'Running'` })) {
    const runbook = RUNBOOK_OF.exec(execution.workflowId)?.[1];
    if (runbook) counts.set(runbook, (counts.get(runbook) ?? 0) + 1);
  }
  return counts;
}
