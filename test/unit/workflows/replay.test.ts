// Recorded incident histories replay against today's workflow code: a change that alters commands fails here, not in production.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { workflowBundle } from '../../../src/temporal/worker.js';

const dir = 'test/fixtures/histories';
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('recorded histories', () => {
  it('include completed, aborted-with-rollback, dry, approved, rejected, timed-out, notifying and sealed runs (before and since the intake log)', () => {
    expect(files.sort()).toEqual([
      'aborted-with-rollback.json', 'approved-quorum.json', 'completed-auto-deny.json', 'dry-run-auto-deny.json', 'intake-sealed-decisions.json',
      'notified-approved.json', 'notified-timeout.json', 'rejected.json', 'sealed-decisions.json', 'timeout-with-escalation.json',
    ]);
  });

  it.each(files)('%s replays without nondeterminism', async (file) => {
    const history = historyFromJSON(JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')));
    await expect(Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, file)).resolves.toBeUndefined();
  }, 60_000);
});
