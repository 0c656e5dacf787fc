// The Kafka activities: one entry per plan/run activity, plus the shared applier of planned changes.
import { actionCatalogue, type ActionInput, type ActionName } from '../../src/model/actions.js';
import type { Settings } from '../../src/model/settings.js';
import { classified } from '../failure.js';
import { planDeny, snapshotAcls } from './acl.js';
import { planRevoke } from './acl-revoke.js';
import { verifyAccess } from './access.js';
import { applyChanges, type ChangeRequest } from './apply-changes.js';
import type { KafkaClient } from '../../adapters/kafka/client.js';
import type { AccessRecordSource } from '../../adapters/access-log/access-source.js';
import { planRevokeCredentials, planRotate } from './credentials.js';
import { planThrottle } from './quota.js';
import { measureBlastRadius } from './blast-radius.js';
import { captureEvidence } from '../../adapters/kafka/evidence-capture.js';
import { activityProgress } from '../activity-progress.js';
import { planIsolateBroker } from './broker-isolate.js';
import { verifyHealth } from './health.js';
import { diffBaseline, snapshotBaseline } from './baseline.js';
import { auditAdminRequests } from './admin-audit.js';
import type { RaiseAlert } from '../../src/model/follow-ups.js';

export interface KafkaActivityDeps {
  kafka: KafkaClient;
  settings: Settings;
  /** Where evidence and archives are written. */
  evidenceDir: string;
  /** The brokers' access records (settings.accessLog); absent, kafka.blastRadius falls back to group offsets. */
  accessRecords?: AccessRecordSource;
  /** The engine's own intake, where kafka.admin.audit raises each finding as a follow-up alert. */
  raiseAlert?: RaiseAlert;
}

/** What every plan or run activity receives: the incident, the step, and the step's resolved `with`. */
export interface StepRequest { incidentId: string; step: string; input: unknown }

export function kafkaActivities(deps: KafkaActivityDeps) {
  const input = <A extends ActionName>(a: A, req: StepRequest): ActionInput<A> => actionCatalogue[a].input.parse(req.input) as ActionInput<A>;
  return {
    planDenyPrincipal: classified((req: StepRequest) => planDeny(deps.kafka, input('kafka.acl.deny', req), deps.settings)),
    planRevokeAllows: classified((req: StepRequest) => planRevoke(deps.kafka, input('kafka.acl.revoke', req), deps.settings)),
    snapshotAcls: classified((req: StepRequest) => snapshotAcls(deps.kafka, input('kafka.acl.snapshot', req))),
    verifyAccess: classified((req: StepRequest) => verifyAccess(deps.kafka, input('kafka.access.verify', req), deps.settings)),
    measureBlastRadius: classified((req: StepRequest) => {
      const progress = activityProgress();
      return measureBlastRadius(deps.kafka, input('kafka.blastRadius', req), deps.settings, {
        records: deps.accessRecords, onProgress: progress.heartbeat, signal: progress.signal,
      });
    }),
    auditAdminRequests: classified((req: StepRequest) => {
      const progress = activityProgress();
      return auditAdminRequests(deps, { ...req, input: input('kafka.admin.audit', req) }, { onProgress: progress.heartbeat, signal: progress.signal });
    }),
    captureEvidence: classified((req: StepRequest) => {
      const progress = activityProgress();
      return captureEvidence(deps, { ...req, input: input('kafka.evidence.capture', req) }, progress.heartbeat, progress.signal);
    }),
    planThrottleClient: classified((req: StepRequest) => planThrottle(deps.kafka, input('kafka.quota.throttle', req), deps.settings)),
    planRotateCredentials: classified((req: StepRequest) => planRotate(deps.kafka, input('kafka.credentials.rotate', req), deps.settings)),
    planRevokeCredentials: classified((req: StepRequest) => planRevokeCredentials(deps.kafka, input('kafka.credentials.revoke', req), deps.settings)),
    planIsolateBroker: classified((req: StepRequest) => planIsolateBroker(deps.kafka, deps.settings, input('kafka.broker.isolate', req))),
    verifyHealth: classified((req: StepRequest) => verifyHealth(deps.kafka, input('kafka.health.verify', req))),
    snapshotBaseline: classified((req: StepRequest) => { input('kafka.baseline.snapshot', req); return snapshotBaseline(deps.kafka, deps.evidenceDir); }),
    diffBaseline: classified((req: StepRequest) => diffBaseline(deps.kafka, deps.evidenceDir, input('kafka.baseline.diff', req))),
    applyChanges: classified((req: ChangeRequest) => applyChanges(deps, req)),
  };
}
