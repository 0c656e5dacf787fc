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

type Entry<A extends ActionName> = (typeof actionCatalogue)[A]['kind'] extends 'change'
  ? { plan: (req: StepRequest) => Promise<Plan> }
  : { run: (req: StepRequest) => Promise<unknown> };

export const dispatch = {
  'kafka.acl.deny': { plan: kafka.planDenyPrincipal },
} satisfies { [A in ActionName]: Entry<A> };

/** Applies a plan's changes (or, for undo, its inverse); the same activity for every change action. */
export const applyChanges = kafka.applyChanges;
