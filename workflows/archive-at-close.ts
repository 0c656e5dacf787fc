// The incident's last act: archive its report and history to the evidence store (docs/design.md §4), and say where in its timeline.
import { log, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { IncidentView } from '../src/model/incident.js';

/** Local files only, but retried: a full disk or a slow history fetch heals, and the archive is the record that outlives retention. */
const { archiveIncident } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute', backoffCoefficient: 2, maximumAttempts: 5 },
});

/** A failed archive is recorded, never fatal: the incident's outcome stands, and its history is still in Temporal until retention. */
export async function archiveAtClose(view: IncidentView, record: (type: string, fields?: Record<string, unknown>) => void): Promise<void> {
  try {
    const archived = await archiveIncident({ view });
    record('archived', { dir: archived.dir, custodyHead: archived.custodyHead, files: archived.files.map((f) => ({ path: f.path, sha256: f.sha256 })) });
  } catch (err) {
    const error = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    record('archive.failed', { error });
    log.error('archive failed', { incidentId: view.id, error });
  }
}
