// Post-mortems on demand: built from the incident's history while Temporal holds it, else the copy archived at close.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { parseIncidentId } from '../model/incident.js';
import { buildReport } from '../report/build-report.js';
import { IncidentReport } from '../report/incident-report.js';
import type { IncidentService } from './incidents.js';
import { incidentHistory } from './incident-history.js';
import { ARCHIVE_DIR, REPORT_FILE } from '../../activities/report/archive.js';

/** Where archiveIncident writes the report at close. */
export const archivedReportPath = (evidenceDir: string, id: string) => join(evidenceDir, id, ARCHIVE_DIR, REPORT_FILE);

export interface IncidentReports {
  /** undefined: no such incident, neither in Temporal nor in the archive. */
  report(id: string): Promise<IncidentReport | undefined>;
}

export function createIncidentReports(deps: { client: Client; incidents: IncidentService; evidenceDir: string }): IncidentReports {
  return {
    async report(id) {
      if (!parseIncidentId(id)) return undefined; // also keeps the id from naming any other path
      const history = await incidentHistory(deps.client, id);
      const view = history ? await deps.incidents.view(id) : undefined;
      if (history && view) return buildReport(view, history);
      try {
        return IncidentReport.parse(JSON.parse(await readFile(archivedReportPath(deps.evidenceDir, id), 'utf8')));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    },
  };
}
