// archiveIncident: at close, the JSON report and the decoded history go to <evidence dir>/<incident>/archive/, chained into its custody log.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { asyncLocalStorage } from '@temporalio/activity';
import { KafkaIrError } from '../../src/model/errors.js';
import { parseIncidentId, type IncidentView } from '../../src/model/incident.js';
import { buildReport } from '../../src/report/build-report.js';
import type { DecodedHistory } from '../../src/report/decode-history.js';
import type { IncidentReport } from '../../src/report/incident-report.js';
import { appendCustody } from '../../adapters/evidence/custody-log.js';
import { sha256Of } from '../../adapters/evidence/sha256.js';
import { classified } from '../failure.js';

export const ARCHIVE_DIR = 'archive';
export const REPORT_FILE = 'report.json';
export const HISTORY_FILE = 'history.json';

export interface ArchiveDeps {
  evidenceDir: string;
  /**
   * The decoded history of a run and the runs it continued from. Called while the incident's last run is still open
   * (it is waiting on this activity), it holds every event up to this activity's scheduling: all but the close itself.
   */
  historyOf?: (workflowId: string, runId: string) => Promise<DecodedHistory>;
  /** Told of every archived report (metrics). */
  onArchived?: (report: IncidentReport) => void;
}

export interface ArchiveRequest { view: IncidentView }
export interface ArchiveResult { dir: string; files: { path: string; sha256: string; bytes: number }[]; custodyHead: string; builtFrom: 'history' | 'view' }

export async function archiveIncident(deps: ArchiveDeps, req: ArchiveRequest, execution = asyncLocalStorage.getStore()?.info.workflowExecution): Promise<ArchiveResult> {
  const { view } = req;
  if (!parseIncidentId(view.id)) {
    throw new KafkaIrError('EVIDENCE_UNUSABLE', `"${view.id}" is not an incident id, so it cannot name an archive directory`, 'archive only views of incidents');
  }
  const history = deps.historyOf && execution ? await deps.historyOf(execution.workflowId, execution.runId) : undefined;
  const report = buildReport(view, history);
  const dir = join(deps.evidenceDir, view.id, ARCHIVE_DIR);
  await mkdir(dir, { recursive: true, mode: 0o700 }); // the history holds alerts and plans: owner only
  const contents: [string, string][] = [[REPORT_FILE, `${JSON.stringify(report, null, 2)}\n`]];
  if (history) contents.push([HISTORY_FILE, `${JSON.stringify(history)}\n`]);
  const files = [];
  for (const [path, text] of contents) {
    await writeFile(join(dir, path), text, { mode: 0o600 });
    files.push({ path, sha256: sha256Of(text), bytes: Buffer.byteLength(text) });
  }
  // A retry rewrites the files and appends again: custody is appended to, never rewritten.
  const custodyHead = await appendCustody(dir, files.map((f) => ({ actor: 'kafka-ir', action: 'archived', file: f.path, sha256: f.sha256 })));
  deps.onArchived?.(report);
  return { dir, files, custodyHead, builtFrom: report.builtFrom };
}

export function reportActivities(deps: ArchiveDeps) {
  return { archiveIncident: classified((req: ArchiveRequest) => archiveIncident(deps, req)) };
}
