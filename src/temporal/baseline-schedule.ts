// The Temporal schedule that runs refreshBaseline for one cluster every `every` ms: created on start-up (with a first run at
// once), updated when the interval changes.
import { DEFAULT_CLUSTER } from '../model/clusters.js';
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleHandle } from '@temporalio/client';

/** One schedule per cluster; the "default" cluster's keeps the id it had before there were several. */
export const baselineScheduleId = (taskQueue: string, cluster: string = DEFAULT_CLUSTER) =>
  `kafka-ir-baseline-${taskQueue}${cluster === DEFAULT_CLUSTER ? '' : `-${cluster}`}`;

export async function ensureBaselineSchedule(client: Client, taskQueue: string, everyMs: number, cluster: string = DEFAULT_CLUSTER): Promise<ScheduleHandle> {
  const scheduleId = baselineScheduleId(taskQueue, cluster);
  const spec = { intervals: [{ every: everyMs }] };
  const action = {
    type: 'startWorkflow' as const, workflowType: 'refreshBaseline', taskQueue, workflowId: scheduleId,
    args: cluster === DEFAULT_CLUSTER ? [] : [cluster],
  };
  try {
    const handle = await client.schedule.create({ scheduleId, spec, action, policies: { overlap: ScheduleOverlapPolicy.SKIP } });
    // The first interval may be hours away: kafka.baseline.diff needs a baseline from the first incident on.
    await handle.trigger();
    return handle;
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    const handle = client.schedule.getHandle(scheduleId);
    await handle.update((previous) => ({ ...previous, spec, action }));
    return handle;
  }
}
