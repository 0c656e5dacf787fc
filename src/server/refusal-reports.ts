// Requests refused at the edge (forged links, bad Slack signatures), reported to their incident at most once per interval: a count and the last few.
import { EDGE_REFUSAL_SAMPLES, type EdgeRefusal, type RefusalSample } from '../model/incident-requests.js';
import { parseIncidentId } from '../model/incident.js';
import type { Logger } from '../logger.js';
import type { IncidentService } from '../temporal/incidents.js';

interface Pending { count: number; samples: RefusalSample[]; timer?: NodeJS.Timeout }

/**
 * Unauthenticated requests must not write to Temporal one each: a flood of forged clicks would fill the incident's
 * history and its 10 in-flight updates. Per incident, the first refusal is reported at once and the rest of the
 * interval's are counted into one report; at most `maxIncidents` incidents are followed per interval (forged ids
 * are free to make), and what is dropped is logged, once per interval.
 */
export class RefusalReports {
  private readonly pending = new Map<string, Pending>();
  private unreported = 0;
  private lastDropped?: RefusalSample;
  private logTimer?: NodeJS.Timeout;

  constructor(
    private readonly incidents: Pick<IncidentService, 'refuse'>, private readonly intervalMs: number, private readonly log: Logger,
    private readonly maxIncidents = 1_000,
  ) {}

  /** A refusal naming `incidentId` (unverified: whatever the request claimed), or none. */
  add(incidentId: string | undefined, refusal: Omit<RefusalSample, 'at'>): void {
    const sample = { at: new Date().toISOString(), ...refusal };
    if (!incidentId || !parseIncidentId(incidentId)) return this.drop(sample);
    let entry = this.pending.get(incidentId);
    if (!entry) {
      if (this.pending.size >= this.maxIncidents) return this.drop(sample);
      entry = { count: 0, samples: [] };
      this.pending.set(incidentId, entry);
    }
    entry.count++;
    entry.samples = [...entry.samples, sample].slice(-EDGE_REFUSAL_SAMPLES);
    if (!entry.timer) this.flush(incidentId, entry);
  }

  /** Sends what is pending for the incident, then waits an interval before the next report (or forgets the incident). */
  private flush(incidentId: string, entry: Pending): void {
    if (entry.count === 0) {
      this.pending.delete(incidentId);
      return;
    }
    const last = entry.samples.at(-1)!;
    const report: EdgeRefusal = {
      channel: last.channel, reason: last.reason, ...(last.step ? { step: last.step } : {}), ...(last.person ? { person: last.person } : {}),
      count: entry.count, samples: entry.samples,
    };
    this.log.warn({ incidentId, count: entry.count, reason: last.reason, channel: last.channel }, 'requests refused at the edge');
    entry.count = 0;
    entry.samples = [];
    entry.timer = setTimeout(() => { entry.timer = undefined; this.flush(incidentId, entry); }, this.intervalMs);
    entry.timer.unref();
    void this.incidents.refuse(incidentId, report).catch((err: unknown) => this.log.warn({ err, incidentId }, 'could not record refused requests on the incident'));
  }

  private drop(sample: RefusalSample): void {
    this.unreported++;
    this.lastDropped = sample;
    if (this.logTimer) return;
    this.logTimer = setTimeout(() => {
      this.log.warn({ count: this.unreported, lastReason: this.lastDropped?.reason, channel: this.lastDropped?.channel }, 'requests refused at the edge, naming no incident that is followed');
      this.unreported = 0;
      this.logTimer = undefined;
    }, this.intervalMs);
    this.logTimer.unref();
  }

  close(): void {
    for (const entry of this.pending.values()) clearTimeout(entry.timer);
    this.pending.clear();
    clearTimeout(this.logTimer);
  }
}
