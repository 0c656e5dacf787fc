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

/**
 * The pure modules every incident uses, evaluated once per workflow thread and shared, frozen, by all the incidents it
 * runs; any other module of the bundle is evaluated again for each cached workflow. Only modules without state of their
 * own belong here; to-machine brings xstate, whose pure `transition` keeps none that reaches a snapshot or a command.
 */
export const sharedWorkflowModules = [
  'to-machine', 'action-facts', 'runbook-steps', 'broker-wait', 'compact-timeline', 'duration', 'engine-seal', 'incident-id',
  'incident-limits', 'notice', 'notices', 'people-of', 'template', 'approval-seats', 'clusters',
].map((name) => fileURLToPath(new URL(`../model/${name}.js`, import.meta.url)));

/**
 * The Worker refuses a bundle without an inline source map, and the SDK's own map (1.5 MiB of base64, more than the code)
 * is loaded and parsed by every workflow thread: an empty map instead, so workflow stack traces name bundle lines. (The
 * directive is split so that tools reading this file's own source map do not take it for one.)
 */
const EMPTY_SOURCE_MAP = `\n//# ${'sourceMappingURL'}=data:application/json;base64,${
  Buffer.from(JSON.stringify({ version: 3, file: 'workflow-bundle.js', sources: [], names: [], mappings: '' })).toString('base64')}\n`;

/** Webpack over the workflow code: seconds of CPU. A failure the workflow raises is converted inside the sandbox, so the converter is bundled too. */
export async function bundleWorkflows(failureConverterPath?: string): Promise<WorkflowBundle> {
  const { code } = await bundleWorkflowCode({
    workflowsPath, failureConverterPath, preloadModules: sharedWorkflowModules, webpackConfigHook: (config) => ({ ...config, devtool: false }),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} },
  });
  return { code: code + EMPTY_SOURCE_MAP };
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
