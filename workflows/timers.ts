// Durable timers for the machine's delayed events (xstate `after`): started, cancelled, and carried across continue-as-new.
import { CancellationScope, isCancellation, sleep } from '@temporalio/workflow';
import type { IncidentEvent } from '../src/model/to-machine.js';

export interface PendingTimer { id: string; event: IncidentEvent; dueAt: number }

export class Timers {
  private readonly scopes = new Map<string, { scope: CancellationScope; timer: PendingTimer }>();

  constructor(private readonly fire: (event: IncidentEvent) => void) {}

  start(id: string, event: IncidentEvent, delayMs: number): void {
    this.resume({ id, event, dueAt: Date.now() + delayMs });
  }

  /** Starts a timer for its remaining time (after continue-as-new, or at once if already due). */
  resume(timer: PendingTimer): void {
    this.cancel(timer.id);
    const scope = new CancellationScope();
    this.scopes.set(timer.id, { scope, timer });
    scope.run(() => sleep(Math.max(1, timer.dueAt - Date.now()))).then(
      () => {
        this.scopes.delete(timer.id);
        this.fire(timer.event);
      },
      (err: unknown) => {
        if (!isCancellation(err)) throw err;
      },
    );
  }

  cancel(id: string): void {
    this.scopes.get(id)?.scope.cancel();
    this.scopes.delete(id);
  }

  pending(): PendingTimer[] {
    return [...this.scopes.values()].map((s) => s.timer);
  }
}
