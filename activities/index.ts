// The activities the worker registers: every side effect of an incident, each idempotent with plain JSON in and out.
import { kafkaActivities, type KafkaActivityDeps } from './kafka/index.js';

export type ActivityDeps = KafkaActivityDeps;
export type { StepRequest } from './kafka/index.js';
export type { ChangeRequest } from './kafka/apply-changes.js';

export function createActivities(deps: ActivityDeps) {
  return { ...kafkaActivities(deps) };
}

export type Activities = ReturnType<typeof createActivities>;
