// Post-mortems on demand: built from the incident's history while Temporal holds it, else the copy archived at close.
import type { Client } from '@temporalio/client';
import { parseIncidentId } from '../model/incident.js';
import { buildReport } from '../report/build-report.js';
import { IncidentReport } from '../model/incident-report.js';
import type { IncidentService } from './incidents.js';
import { incidentHistory } from './incident-history.js';
import { readArchivedReport } from '../../adapters/evidence/archive.js';

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
      const archived = await readArchivedReport(deps.evidenceDir, id);
      return archived === undefined ? undefined : IncidentReport.parse(archived);
    },
  };
}
