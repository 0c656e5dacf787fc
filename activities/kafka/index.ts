// The Kafka activities: one entry per plan/run activity, plus the shared applier of planned changes.
import { actionCatalogue, type ActionInput, type ActionName } from '../../src/model/actions.js';
import { classified } from '../failure.js';
import { planDeny, snapshotAcls } from './acl.js';
import { planRevoke } from './acl-revoke.js';
import { verifyAccess } from './access.js';
import { applyChanges, type ChangeRequest } from './apply-changes.js';
import type { ClusterDeps, ClusterSet } from './cluster-set.js';
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

/** One cluster's dependencies, and the engine's own intake, where kafka.admin.audit raises each finding as a follow-up alert. */
export type KafkaActivityDeps = ClusterDeps & { raiseAlert?: RaiseAlert };

/** One cluster (whatever a request names), or the engine's clusters by name; `evidenceDir` then holds the archives. */
export type KafkaActivitiesDeps = KafkaActivityDeps | { clusters: ClusterSet; evidenceDir: string; raiseAlert?: RaiseAlert };

/**
 * What every plan or run activity receives: the incident, the step, the step's resolved `with`, and the cluster the
 * incident acts on (absent: "default").
 */
export interface StepRequest { incidentId: string; step: string; input: unknown; cluster?: string }

/** The dependencies of the cluster a request names. */
export function clusterOf(deps: KafkaActivitiesDeps): (req: { cluster?: string }) => KafkaActivityDeps {
  if (!('clusters' in deps)) return () => deps;
  return (req) => ({ ...deps.clusters.of(req.cluster), raiseAlert: deps.raiseAlert });
}

export function kafkaActivities(all: KafkaActivitiesDeps) {
  const input = <A extends ActionName>(a: A, req: StepRequest): ActionInput<A> => actionCatalogue[a].input.parse(req.input) as ActionInput<A>;
  const on = clusterOf(all);
  return {
    planDenyPrincipal: classified((req: StepRequest) => planDeny(on(req).kafka, input('kafka.acl.deny', req), on(req).settings)),
    planRevokeAllows: classified((req: StepRequest) => planRevoke(on(req).kafka, input('kafka.acl.revoke', req), on(req).settings)),
    snapshotAcls: classified((req: StepRequest) => snapshotAcls(on(req).kafka, input('kafka.acl.snapshot', req))),
    verifyAccess: classified((req: StepRequest) => verifyAccess(on(req).kafka, input('kafka.access.verify', req), on(req).settings)),
    measureBlastRadius: classified((req: StepRequest) => {
      const deps = on(req);
      const progress = activityProgress();
      return measureBlastRadius(deps.kafka, input('kafka.blastRadius', req), deps.settings, {
        records: deps.accessRecords, onProgress: progress.heartbeat, signal: progress.signal,
      });
    }),
    auditAdminRequests: classified((req: StepRequest) => {
      const progress = activityProgress();
      return auditAdminRequests(on(req), { ...req, input: input('kafka.admin.audit', req) }, { onProgress: progress.heartbeat, signal: progress.signal });
    }),
    captureEvidence: classified((req: StepRequest) => {
      const progress = activityProgress();
      return captureEvidence(on(req), { ...req, input: input('kafka.evidence.capture', req) }, progress.heartbeat, progress.signal);
    }),
    planThrottleClient: classified((req: StepRequest) => planThrottle(on(req).kafka, input('kafka.quota.throttle', req), on(req).settings)),
    planRotateCredentials: classified((req: StepRequest) => planRotate(on(req).kafka, input('kafka.credentials.rotate', req), on(req).settings)),
    planRevokeCredentials: classified((req: StepRequest) => planRevokeCredentials(on(req).kafka, input('kafka.credentials.revoke', req), on(req).settings)),
    planIsolateBroker: classified((req: StepRequest) => planIsolateBroker(on(req).kafka, on(req).settings, input('kafka.broker.isolate', req))),
    verifyHealth: classified((req: StepRequest) => verifyHealth(on(req).kafka, input('kafka.health.verify', req))),
    snapshotBaseline: classified((req: StepRequest) => {
      input('kafka.baseline.snapshot', req);
      return snapshotBaseline(on(req).kafka, on(req).evidenceDir);
    }),
    diffBaseline: classified((req: StepRequest) => diffBaseline(on(req).kafka, on(req).evidenceDir, input('kafka.baseline.diff', req))),
    applyChanges: classified((req: ChangeRequest) => applyChanges(on(req), req)),
  };
}
