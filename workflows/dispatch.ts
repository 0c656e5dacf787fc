// Action → activity, exhaustive: a new catalogue action breaks compilation here until an activity performs it.
import { patched, proxyActivities } from '@temporalio/workflow';
import type { Activities, ChangeRequest } from '../activities/index.js';
import type { ActionName, actionCatalogue } from '../src/model/actions.js';
import type { NotifyAction } from '../src/model/actions/notify.js';
import type { Plan } from '../src/model/plan.js';

import type { StepRequest } from '../activities/index.js';
export type { StepRequest };

/**
 * Kafka admin calls take seconds: a short start-to-close timeout is what lets Temporal retry an activity whose worker
 * died (a crash is only noticed when it expires). Longer work goes through `longKafka`, which heartbeats.
 */
const kafka = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2, maximumAttempts: 10 },
});

/** For actions that read much data (access records, evidence): long, heartbeating, cancellable. */
const longKafka = proxyActivities<Activities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute', backoffCoefficient: 2, maximumAttempts: 5 },
});

/**
 * Partition moves (a drain and its undo) may copy for hours. Each attempt heartbeats its progress and hands over to
 * the next before its timeout; the next resumes waiting on the moves already submitted. Attempts are unlimited: the
 * activity itself fails, for good, once nothing has moved for the settings' `reassignment.stallAfter`.
 */
const drain = proxyActivities<Activities>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2 },
});

/** Splunk HEC: an export heartbeats after each batch, and a retry resumes after the last batch HEC accepted. */
const siem = proxyActivities<Activities>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '10 seconds', maximumInterval: '2 minutes', backoffCoefficient: 2, maximumAttempts: 5 },
});

type Entry<A extends ActionName> = (typeof actionCatalogue)[A]['kind'] extends 'change'
  ? { plan: (req: StepRequest) => Promise<Plan> }
  : { run: (req: StepRequest) => Promise<unknown> };

export const dispatch = {
  'kafka.acl.deny': { plan: kafka.planDenyPrincipal },
  'kafka.acl.revoke': { plan: kafka.planRevokeAllows },
  'kafka.acl.snapshot': { run: kafka.snapshotAcls },
  'kafka.access.verify': { run: kafka.verifyAccess },
  'kafka.quota.throttle': { plan: kafka.planThrottleClient },
  'kafka.credentials.rotate': { plan: kafka.planRotateCredentials },
  'kafka.credentials.revoke': { plan: kafka.planRevokeCredentials },
  // Scanning a day of access records takes seconds to minutes: heartbeating, like evidence.
  'kafka.blastRadius': { run: longKafka.measureBlastRadius },
  'kafka.evidence.capture': { run: longKafka.captureEvidence },
  // Reads the request logs like the blast radius, and raises follow-ups through the engine's intake.
  'kafka.admin.audit': { run: longKafka.auditAdminRequests },
  // Planning only reads metadata and configs; the moves themselves are waited for in applyChanges (the drain proxy).
  'kafka.broker.isolate': { plan: kafka.planIsolateBroker },
  'kafka.health.verify': { run: kafka.verifyHealth },
  'kafka.baseline.snapshot': { run: kafka.snapshotBaseline },
  'kafka.baseline.diff': { run: kafka.diffBaseline },
  'siem.export': { run: siem.exportEvidence },
  // Notice actions (the catalogue's `notice`) have no activity: they go through the incident's notice queue (workflows/notify.ts).
} satisfies { [A in Exclude<ActionName, NotifyAction>]: Entry<A> };

/** Applies a plan's changes (or, for undo, its inverse); the same activity for every change action. */
export function applyChanges(req: ChangeRequest): ReturnType<Activities['applyChanges']> {
  // Behind patched(): histories that scheduled their moves with the short options still replay.
  if (req.changes.some((c) => c.op === 'partition.reassign') && patched('drain-outlives-attempts')) return drain.applyChanges(req);
  return kafka.applyChanges(req);
}

/** The plan activity of a change action (the machine only plans change actions). */
export function plannerOf(action: ActionName): (req: StepRequest) => Promise<Plan> {
  const entry = dispatch[action as keyof typeof dispatch] as { plan?: (req: StepRequest) => Promise<Plan> };
  if (!entry.plan) throw new Error(`${action} is not a change action`);
  return entry.plan;
}

/** The run activity of a read action. */
export function runnerOf(action: ActionName): (req: StepRequest) => Promise<unknown> {
  const entry = dispatch[action as keyof typeof dispatch] as { run?: (req: StepRequest) => Promise<unknown> };
  if (!entry.run) throw new Error(`${action} is not a read action`);
  return entry.run;
}
