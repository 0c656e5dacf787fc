// The SIEM activities: evidence to Splunk HEC, resuming a retried attempt where the last one's heartbeat left off.
import { asyncLocalStorage } from '@temporalio/activity';
import { actionCatalogue, type ActionInput } from '../../src/model/actions.js';
import { classified } from '../failure.js';
import { activityProgress } from '../activity-progress.js';
import type { StepRequest } from '../kafka/index.js';
import type { ExportPosition } from '../../adapters/siem/export-files.js';
import { exportEvidence, type SiemDeps } from './export-evidence.js';

/** `evidenceDirOf`: the evidence folder of the cluster a request names, when not always `evidenceDir`. */
export type SiemActivityDeps = SiemDeps & { evidenceDirOf?: (req: StepRequest) => string };

/** The position the previous attempt heartbeated, if this is a retry (Temporal hands it back in the activity info). */
function lastPosition(): ExportPosition | undefined {
  const details = asyncLocalStorage.getStore()?.info.heartbeatDetails as ExportPosition | undefined;
  return details && typeof details.file === 'number' && typeof details.line === 'number' ? details : undefined;
}

export function siemActivities(deps: SiemActivityDeps) {
  return {
    exportEvidence: classified((req: StepRequest) => {
      const input = actionCatalogue['siem.export'].input.parse(req.input) as ActionInput<'siem.export'>;
      const progress = activityProgress();
      return exportEvidence({ ...deps, evidenceDir: deps.evidenceDirOf?.(req) ?? deps.evidenceDir }, input, { heartbeat: progress.heartbeat, signal: progress.signal, resume: lastPosition() });
    }),
  };
}
