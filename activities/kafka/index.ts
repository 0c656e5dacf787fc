// The Kafka activities: one entry per plan/run activity, plus the shared applier of planned changes.
import { actionCatalogue } from '../../src/model/actions.js';
import type { Settings } from '../../src/model/settings.js';
import { classified } from '../failure.js';
import { planDeny } from './acl.js';
import { applyChanges, type ChangeRequest } from './apply-changes.js';
import type { KafkaClient } from './client.js';

export interface KafkaActivityDeps {
  kafka: KafkaClient;
  settings: Settings;
  /** Where evidence and archives are written. */
  evidenceDir: string;
}

/** What every plan or run activity receives: the incident, the step, and the step's resolved `with`. */
export interface StepRequest { incidentId: string; step: string; input: unknown }

export function kafkaActivities(deps: KafkaActivityDeps) {
  const input = <A extends keyof typeof actionCatalogue>(a: A, req: StepRequest) => actionCatalogue[a].input.parse(req.input);
  return {
    planDenyPrincipal: classified((req: StepRequest) => planDeny(deps.kafka, input('kafka.acl.deny', req), deps.settings.protectedPrincipals)),
    applyChanges: classified((req: ChangeRequest) => applyChanges(deps, req)),
  };
}
