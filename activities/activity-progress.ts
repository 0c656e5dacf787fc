// Heartbeats and cancellation for long activities; a no-op when the function runs outside a Temporal activity (tests, CLI).
import { asyncLocalStorage } from '@temporalio/activity';

export function activityProgress(): { heartbeat: (details: unknown) => void; signal?: AbortSignal } {
  const ctx = asyncLocalStorage.getStore();
  if (!ctx) return { heartbeat: () => {} };
  // Temporal throttles heartbeats itself; the details let a retry report where the last attempt got to.
  return { heartbeat: (details) => ctx.heartbeat(details), signal: ctx.cancellationSignal };
}
