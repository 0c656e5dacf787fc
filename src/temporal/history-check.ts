// At start-up, the input of every open incident on this task queue is decoded once: a wrong or missing payload key is found before incidents wake.
import type { Client } from '@temporalio/client';
import { ENCRYPTED_ENCODING, type EncryptionCodec } from './codec.js';
import type { PayloadHealth } from './payload-health.js';

const read = new TextDecoder();

/** Checks up to `limit` open incidents, a few at a time; problems go to `health` (and its log). Returns how many were checked. */
export async function checkOpenHistories(
  client: Client, codec: EncryptionCodec, taskQueue: string, health: PayloadHealth, limit = 1_000,
): Promise<number> {
  const namespace = client.options.namespace;
  const open: { workflowId: string; runId: string }[] = [];
  for await (const e of client.workflow.list({ query: `WorkflowType = 'runIncident' AND TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'` })) {
    open.push({ workflowId: e.workflowId, runId: e.runId });
    if (open.length >= limit) break;
  }
  const check = async ({ workflowId, runId }: { workflowId: string; runId: string }) => {
    const { history } = await client.workflowService.getWorkflowExecutionHistory({ namespace, execution: { workflowId, runId }, maximumPageSize: 1 });
    const payloads = history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
    const plain = payloads.some((p) => read.decode(p.metadata?.encoding ?? new Uint8Array()) !== ENCRYPTED_ENCODING);
    if (codec.encrypts && plain) {
      health.record({ kind: 'plaintext-history', workflowId, message: `the input of ${workflowId} is not encrypted` });
      return;
    }
    // The codec reports what it cannot read to `health` itself.
    await codec.decode(payloads.map((p) => ({ metadata: p.metadata ?? {}, data: p.data ?? new Uint8Array() })), { type: 'workflow', namespace, workflowId })
      .catch(() => undefined);
  };
  for (let i = 0; i < open.length; i += 10) await Promise.all(open.slice(i, i + 10).map(check));
  return open.length;
}
