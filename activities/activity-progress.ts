// Heartbeats and cancellation for long activities; a no-op when the function runs outside a Temporal activity (tests, CLI).
import { asyncLocalStorage } from '@temporalio/activity';

export interface ActivityProgress {
  heartbeat: (details: unknown) => void;
  signal?: AbortSignal;
  /** The last heartbeat details of an earlier attempt: where a retry resumes from. */
  previous?: unknown;
  /** This attempt's start-to-close timeout: work that may outlast it hands over to a retry before it expires. */
  timeoutMs?: number;
}

export function activityProgress(): ActivityProgress {
  const ctx = asyncLocalStorage.getStore();
  if (!ctx) return { heartbeat: () => {} };
  // Temporal throttles heartbeats itself; the details let a retry report where the last attempt got to.
  return { heartbeat: (details) => ctx.heartbeat(details), signal: ctx.cancellationSignal, previous: ctx.info.heartbeatDetails, timeoutMs: ctx.info.startToCloseTimeoutMs };
}
