// The activities the worker registers: every side effect of an incident, each idempotent with plain JSON in and out.
import { actionCatalogue } from '../src/model/actions.js';
import type { Change } from '../src/model/plan.js';
import { applyAclChanges, planDeny } from './kafka/acl.js';
import type { KafkaClient } from './kafka/client.js';
import { classified } from './failure.js';

export interface ActivityDeps {
  kafka: KafkaClient;
  protectedPrincipals: string[];
}

export interface StepRequest { incidentId: string; step: string; input: unknown }
export interface ChangeRequest { incidentId: string; step: string; changes: Change[] }

export function createActivities({ kafka, protectedPrincipals }: ActivityDeps) {
  return {
    planDenyPrincipal: classified((req: StepRequest) =>
      planDeny(kafka, actionCatalogue['kafka.acl.deny'].input.parse(req.input), protectedPrincipals)),
    applyChanges: classified((req: ChangeRequest) => applyAclChanges(kafka, req.changes)),
  };
}

export type Activities = ReturnType<typeof createActivities>;
