// Action → activity, exhaustive: a new catalogue action breaks compilation here until an activity performs it.
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { ActionName, actionCatalogue } from '../src/model/actions.js';
import type { Plan } from '../src/model/plan.js';

import type { StepRequest } from '../activities/index.js';
export type { StepRequest };

const kafka = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2, maximumAttempts: 10 },
});

/** For actions that read or move much data (evidence, reassignment): long, heartbeating, cancellable. */
export const longKafka = proxyActivities<Activities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute', backoffCoefficient: 2, maximumAttempts: 5 },
});

type Entry<A extends ActionName> = (typeof actionCatalogue)[A]['kind'] extends 'change'
  ? { plan: (req: StepRequest) => Promise<Plan> }
  : { run: (req: StepRequest) => Promise<unknown> };

export const dispatch = {
  'kafka.acl.deny': { plan: kafka.planDenyPrincipal },
  // longKafka: for heartbeating activities, e.g. 'kafka.evidence.capture': { run: longKafka.captureEvidence }
} satisfies { [A in ActionName]: Entry<A> };

/** Applies a plan's changes (or, for undo, its inverse); the same activity for every change action. */
export const applyChanges = kafka.applyChanges;
