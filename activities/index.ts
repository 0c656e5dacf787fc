// The activities the worker registers: every side effect of an incident, each idempotent with plain JSON in and out.
import type { HecSettings } from '../src/model/connections.js';
import type { EngineSeal } from '../adapters/engine-seal.js';
import { sealActivities } from './check-seal.js';
import { clusterOf, kafkaActivities, type KafkaActivitiesDeps } from './kafka/index.js';
import { siemActivities } from './siem/index.js';
import { reportActivities, type ArchiveDeps } from './report/archive.js';
import { notifyActivities, type NotifyDeps } from './notify/index.js';

/** `siem`: Splunk HEC for siem.export (unset: that action fails with a hint). `seal`: checks the engine's seal on starts and updates. */
export type ActivityDeps = KafkaActivitiesDeps & { siem?: HecSettings; notify?: NotifyDeps; seal: EngineSeal } & Pick<ArchiveDeps, 'buildReport' | 'historyOf' | 'onArchived'>;
export type { StepRequest } from './kafka/index.js';
export { clusterSet, type ClusterDeps, type ClusterSet } from './kafka/cluster-set.js';
export type { ChangeRequest } from './kafka/apply-changes.js';

export function createActivities(deps: ActivityDeps) {
  return {
    // Captures are exported from the evidence folder of the incident's cluster; archives go to the engine's.
    ...kafkaActivities(deps), ...siemActivities({ hec: deps.siem, evidenceDir: deps.evidenceDir, evidenceDirOf: (req) => clusterOf(deps)(req).evidenceDir }), ...reportActivities(deps),
    ...notifyActivities(deps.notify ?? { publicUrl: 'http://127.0.0.1:8080' }), ...sealActivities(deps.seal),
  };
}

export type Activities = ReturnType<typeof createActivities>;
