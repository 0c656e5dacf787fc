// The Temporal schedule that runs refreshBaseline every `every` ms: created on start-up, updated when the interval changes.
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleHandle } from '@temporalio/client';

export const baselineScheduleId = (taskQueue: string) => `kafka-ir-baseline-${taskQueue}`;

export async function ensureBaselineSchedule(client: Client, taskQueue: string, everyMs: number): Promise<ScheduleHandle> {
  const scheduleId = baselineScheduleId(taskQueue);
  const spec = { intervals: [{ every: everyMs }] };
  const action = { type: 'startWorkflow' as const, workflowType: 'refreshBaseline', taskQueue, workflowId: scheduleId };
  try {
    return await client.schedule.create({ scheduleId, spec, action, policies: { overlap: ScheduleOverlapPolicy.SKIP } });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    const handle = client.schedule.getHandle(scheduleId);
    await handle.update((previous) => ({ ...previous, spec, action }));
    return handle;
  }
}
