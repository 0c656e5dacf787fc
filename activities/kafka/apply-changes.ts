// Applies a plan's changes (or an undo's inverse), routed by the change's kind; every applier is idempotent.
import type { Change } from '../../src/model/plan.js';
import { applyAclChanges } from './acl.js';
import { applyScramChanges } from './credentials.js';
import { applyQuotaChanges } from './quota.js';
import { applyReassignments } from '../../adapters/kafka/reassign.js';
import { applyConfigChanges } from '../../adapters/kafka/broker-config.js';
import { applyFenceChanges } from './fence.js';
import type { KafkaActivityDeps } from './index.js';

export interface ChangeRequest { incidentId: string; step: string; changes: Change[] }
export interface ChangeResult { changed: Change[]; alreadyInPlace: number }

type Applier = (deps: KafkaActivityDeps, changes: Change[], req: ChangeRequest) => Promise<ChangeResult>;

/** One applier per change-op prefix ("acl" for "acl.create"). Add a line here for a new kind of change. */
const APPLIERS: Record<string, Applier> = {
  acl: (deps, changes) => applyAclChanges(deps.kafka, changes),
  quota: (deps, changes) => applyQuotaChanges(deps.kafka.settings, changes),
  scram: (deps, changes, req) => applyScramChanges(deps.kafka.settings, deps.settings, changes, req),
  partition: (deps, changes) => applyReassignments(deps.kafka, changes),
  config: (deps, changes) => applyConfigChanges(deps.kafka, changes),
  broker: (_deps, changes) => applyFenceChanges(changes),
};

export async function applyChanges(deps: KafkaActivityDeps, req: ChangeRequest): Promise<ChangeResult> {
  const result: ChangeResult = { changed: [], alreadyInPlace: 0 };
  // Runs of the same kind are applied together, in plan order.
  let i = 0;
  while (i < req.changes.length) {
    const kind = req.changes[i]!.op.split('.')[0]!;
    let j = i;
    while (j < req.changes.length && req.changes[j]!.op.split('.')[0] === kind) j++;
    const applier = APPLIERS[kind];
    if (!applier) throw new Error(`no applier for change kind "${kind}"`);
    const r = await applier(deps, req.changes.slice(i, j), req);
    result.changed.push(...r.changed);
    result.alreadyInPlace += r.alreadyInPlace;
    i = j;
  }
  return result;
}
