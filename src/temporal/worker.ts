// The Temporal worker: the incident workflows (bundled once) and the activities, on one task queue.
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { Worker, bundleWorkflowCode, type NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Activities } from '../../activities/index.js';

export const workflowsPath = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));

const bundles = new Map<string, Promise<WorkflowBundleWithSourceMap>>();

/**
 * The workflow bundle, built once per process (webpack takes seconds) for each failure converter: a failure
 * the workflow itself raises is converted inside the sandbox, so the converter is bundled with the code.
 */
export function workflowBundle(failureConverterPath?: string): Promise<WorkflowBundleWithSourceMap> {
  let bundle = bundles.get(failureConverterPath ?? '');
  if (!bundle) {
    bundle = bundleWorkflowCode({ workflowsPath, failureConverterPath, logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } });
    bundles.set(failureConverterPath ?? '', bundle);
  }
  return bundle;
}

export async function createWorker(options: {
  connection: NativeConnection; namespace: string; taskQueue: string; activities: Activities;
  /** The payload codec and failure converter (src/temporal/data-converter.ts); unset: plain text. */
  dataConverter?: DataConverter;
  /** Incident workflows kept in memory between their tasks (Temporal's sticky cache); the rest replay when they wake. */
  cachedIncidents: number;
}): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowBundle: await workflowBundle(options.dataConverter?.failureConverterPath),
    dataConverter: options.dataConverter,
    activities: options.activities,
    maxCachedWorkflows: options.cachedIncidents,
  });
}
