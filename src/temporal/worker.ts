// The Temporal worker: the incident workflows (bundled by `npm run build`, or once per process) and the activities, on one task queue.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { Worker, bundleWorkflowCode, type NativeConnection, type WorkflowBundle } from '@temporalio/worker';
import type { Activities } from '../../activities/index.js';

// This file runs as src/temporal/worker.ts from the sources (tsx, vitest) and as dist/src/temporal/worker.js from the
// package; the workflows sit two folders up in both layouts, with the same extension.
const compiled = import.meta.url.endsWith('.js');
export const workflowsPath = fileURLToPath(new URL(`../../workflows/index.${compiled ? 'js' : 'ts'}`, import.meta.url));

/**
 * Where `npm run build` writes the bundle for a failure converter: dist/workflow-bundle.js, or
 * dist/workflow-bundle.<converter file name>.js (see docs/operations.md on start-up).
 */
export function prebuiltBundlePath(failureConverterPath?: string): string {
  const converter = failureConverterPath ? `.${basename(failureConverterPath, extname(failureConverterPath))}` : '';
  return fileURLToPath(new URL(`../../workflow-bundle${converter}.js`, import.meta.url));
}

/** Webpack over the workflow code: seconds of CPU. A failure the workflow raises is converted inside the sandbox, so the converter is bundled too. */
export function bundleWorkflows(failureConverterPath?: string): Promise<WorkflowBundle> {
  return bundleWorkflowCode({ workflowsPath, failureConverterPath, logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } });
}

const bundles = new Map<string, Promise<WorkflowBundle>>();

/**
 * The workflow bundle, once per process for each failure converter: the compiled package reads the one `npm run build`
 * made beside it; the sources (and a dist/ without it) bundle their workflows here, so a change needs no build.
 */
export function workflowBundle(failureConverterPath?: string): Promise<WorkflowBundle> {
  let bundle = bundles.get(failureConverterPath ?? '');
  if (!bundle) {
    const prebuilt = prebuiltBundlePath(failureConverterPath);
    bundle = compiled && existsSync(prebuilt) ? readFile(prebuilt, 'utf8').then((code) => ({ code })) : bundleWorkflows(failureConverterPath);
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
