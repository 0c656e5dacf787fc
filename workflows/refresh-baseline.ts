// Keeps a fresh security baseline of one cluster for the backdoor hunt (kafka.baseline.diff): one snapshot per run of its schedule.
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';

const { snapshotBaseline } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute', maximumAttempts: 5 },
});

/** `cluster`: whose baseline (one schedule per cluster); absent: "default". */
export async function refreshBaseline(cluster?: string): Promise<{ ref: string; sha256: string }> {
  const ref = await snapshotBaseline({ incidentId: 'baseline-schedule', step: 'snapshot', input: {}, ...(cluster ? { cluster } : {}) });
  return { ref: ref.ref, sha256: ref.sha256 };
}
