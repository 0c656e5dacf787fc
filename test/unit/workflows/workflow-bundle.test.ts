// The workflow code bundles for the Temporal sandbox: a bad import fails here, not in a worker at 3 a.m.; and what each
// cached incident costs stays small, because only the incident's own modules are evaluated again per workflow.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { WorkflowBundle } from '@temporalio/worker';
import { parseWorkflowCode } from '@temporalio/worker/lib/worker.js';
import { ReusableVMWorkflowCreator } from '@temporalio/worker/lib/workflow/reusable-vm.js';
import type { WorkflowCreateOptions } from '@temporalio/workflow/lib/interfaces.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleWorkflows } from '../../../src/temporal/worker.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Live heap after full collections. */
function heapUsed(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

/**
 * The SDK's own per-workflow step in a worker thread with the shared V8 context (the default): a workflow context on the
 * real bundle, which loads the workflow modules that are not shared. Returns the live heap it adds, per workflow.
 */
async function heapPerWorkflow(bundle: WorkflowBundle, workflows: number): Promise<number> {
  const creator = await ReusableVMWorkflowCreator.create(parseWorkflowCode(bundle.code), 5_000, new Set());
  let n = 0;
  const create = () => {
    n += 1;
    const info = {
      workflowType: 'runIncident', workflowId: `heap-${n}`, runId: `run-${n}`, taskQueue: 'heap', namespace: 'default', attempt: 1,
      firstExecutionRunId: `run-${n}`, historyLength: 0, historySize: 0, continueAsNewSuggested: false, unsafe: { isReplaying: false, now: Date.now },
      startTime: new Date(), runStartTime: new Date(), currentBuildId: '', searchAttributes: {}, typedSearchAttributes: [],
    } as unknown as WorkflowCreateOptions['info'];
    return creator.createWorkflow({ info, randomnessSeed: [0, n], now: Date.now(), showStackTraceSources: false });
  };
  const warm = [await create()];
  const before = heapUsed();
  const made = [];
  for (let i = 0; i < workflows; i++) made.push(await create());
  const after = heapUsed();
  for (const w of [...warm, ...made]) await w.dispose();
  await creator.destroy();
  return (after - before) / workflows;
}

describe('workflow bundle', () => {
  let bundle: WorkflowBundle;
  beforeAll(async () => { bundle = await bundleWorkflows(); }, 60_000);

  it('builds with the SDK bundler, contains the incident workflow and neither Kafka clients nor zod', () => {
    expect(bundle.code).toContain('runIncident');
    expect(bundle.code).not.toMatch(/require\(["']kafkajs["']\)/);
    expect(bundle.code).not.toMatch(/node_modules\/zod\//);
    expect(bundle.code.length).toBeLessThan(2 ** 20); // no source map of the sources inline
  });

  it('costs each cached workflow under 200 KiB of heap', async () => {
    const perWorkflow = await heapPerWorkflow(bundle, 50);
    expect(perWorkflow / 1024).toBeLessThan(200);
  }, 60_000);
});
