// The cap on open incidents per runbook: visibility's count, refreshed every few seconds, plus this engine's own recent starts.
import type { Client } from '@temporalio/client';
import { workflowIdParts } from '../model/incident.js';

const REFRESH_MS = 5_000;
/** Visibility may lag a start by about this long: a local start counts on top of it until then (conservative). */
const LAG_MS = 3_000;

export class OpenIncidentCap {
  private readonly seen = new Map<string, { count: number; at: number; reading?: Promise<void> }>();
  private readonly starts = new Map<string, number[]>();

  constructor(private readonly client: Client, private readonly taskQueue: string, readonly max: number, private readonly now = Date.now) {}

  /**
   * Counts up to max + 1 of the runbook's open incidents on this task queue, on every cluster (their workflow ids start
   * with ir-<runbook>- or ir-<runbook>.<cluster>-).
   */
  private async read(runbook: string): Promise<void> {
    const query = `WorkflowType = 'runIncident' AND TaskQueue = '${this.taskQueue}' AND ExecutionStatus = 'Running' AND WorkflowId STARTS_WITH 'ir-${runbook}'`;
    let count = 0;
    const at = this.now();
    for await (const e of this.client.workflow.list({ query, pageSize: this.max + 1 })) {
      if (workflowIdParts(e.workflowId)?.runbook === runbook) count++;
      if (count > this.max) break;
    }
    this.seen.set(runbook, { count, at });
  }

  /**
   * A slot for one more incident of `runbook`, or undefined when it has `max` open. The caller says whether the
   * slot was used (an incident started) or not (the alert attached, or the call failed).
   */
  async reserve(runbook: string): Promise<((started: boolean) => void) | undefined> {
    let seen = this.seen.get(runbook);
    // One read at a time per runbook, shared by concurrent alerts. Only a first count is waited for; later ones
    // refresh it behind the answers (this engine's own starts count on top until then), so a storm of new incidents
    // does not queue behind a visibility query every few seconds. A failed refresh keeps the last count.
    const stale = !seen || seen.at === 0 || this.now() - seen.at > REFRESH_MS;
    if (stale && !seen?.reading) {
      const reading = this.read(runbook);
      if (seen) seen.reading = reading;
      else this.seen.set(runbook, { count: 0, at: 0, reading });
      void reading.catch(() => {}).finally(() => { const s = this.seen.get(runbook); if (s?.reading === reading) delete s.reading; });
    }
    if (!seen || seen.at === 0) {
      await this.seen.get(runbook)!.reading;
      seen = this.seen.get(runbook)!;
    }
    const recent = (this.starts.get(runbook) ?? []).filter((t) => t >= seen.at - LAG_MS);
    if (seen.count + recent.length >= this.max) return undefined;
    const mark = this.now();
    recent.push(mark); // reserved now, synchronously: concurrent alerts cannot all take the last slot
    this.starts.set(runbook, recent);
    return (started) => {
      if (started) return;
      const list = this.starts.get(runbook) ?? [];
      const i = list.indexOf(mark);
      if (i >= 0) list.splice(i, 1);
    };
  }
}
