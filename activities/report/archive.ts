// archiveIncident: at close, the incident's report (built from its history when there is one) and that history go to its archive.
import { asyncLocalStorage } from '@temporalio/activity';
import { KafkaIrError } from '../../src/model/errors.js';
import { parseIncidentId, type IncidentView } from '../../src/model/incident.js';
import type { DecodedHistory } from '../../src/model/decoded-history.js';
import type { IncidentReport } from '../../src/model/incident-report.js';
import { writeArchive, type ArchivedFile } from '../../adapters/evidence/archive.js';
import { classified } from '../failure.js';

export interface ArchiveDeps {
  evidenceDir: string;
  /** The post-mortem of an incident: from its history when given, else from the view alone. */
  buildReport: (view: IncidentView, history?: DecodedHistory) => IncidentReport;
  /**
   * The decoded history of a run and the runs it continued from. Called while the incident's last run is still open
   * (it is waiting on this activity), it holds every event up to this activity's scheduling: all but the close itself.
   */
  historyOf?: (workflowId: string, runId: string) => Promise<DecodedHistory>;
  /** Told of every archived report (metrics). */
  onArchived?: (report: IncidentReport) => void;
}

export interface ArchiveRequest { view: IncidentView }
export interface ArchiveResult { dir: string; files: ArchivedFile[]; custodyHead: string; builtFrom: 'history' | 'view' }

export async function archiveIncident(deps: ArchiveDeps, req: ArchiveRequest, execution = asyncLocalStorage.getStore()?.info.workflowExecution): Promise<ArchiveResult> {
  const { view } = req;
  if (!parseIncidentId(view.id)) {
    throw new KafkaIrError('EVIDENCE_UNUSABLE', `"${view.id}" is not an incident id, so it cannot name an archive directory`, 'archive only views of incidents');
  }
  const history = deps.historyOf && execution ? await deps.historyOf(execution.workflowId, execution.runId) : undefined;
  const report = deps.buildReport(view, history);
  const { dir, files, custodyHead } = await writeArchive(deps.evidenceDir, view.id, report, history);
  deps.onArchived?.(report);
  return { dir, files, custodyHead, builtFrom: report.builtFrom };
}

export function reportActivities(deps: ArchiveDeps) {
  return { archiveIncident: classified((req: ArchiveRequest) => archiveIncident(deps, req)) };
}
