// The activities the worker registers: every side effect of an incident, each idempotent with plain JSON in and out.
import type { HecSettings } from '../src/model/connections.js';
import { kafkaActivities, type KafkaActivityDeps } from './kafka/index.js';
import { siemActivities } from './siem/index.js';
import { reportActivities, type ArchiveDeps } from './report/archive.js';
import { notifyActivities, type NotifyDeps } from './notify/index.js';

/** `siem`: Splunk HEC for siem.export (unset: that action fails with a hint). */
export type ActivityDeps = KafkaActivityDeps & { siem?: HecSettings; notify?: NotifyDeps } & Pick<ArchiveDeps, 'buildReport' | 'historyOf' | 'onArchived'>;
export type { StepRequest } from './kafka/index.js';
export type { ChangeRequest } from './kafka/apply-changes.js';

export function createActivities(deps: ActivityDeps) {
  return {
    ...kafkaActivities(deps), ...siemActivities({ hec: deps.siem, evidenceDir: deps.evidenceDir }), ...reportActivities(deps),
    ...notifyActivities(deps.notify ?? { publicUrl: 'http://127.0.0.1:8080' }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
