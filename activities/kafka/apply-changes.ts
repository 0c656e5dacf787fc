// Applies a plan's changes (or an undo's inverse), routed by the change's kind; every applier is idempotent.
import type { Change } from '../../src/model/plan.js';
import { applyAclChanges } from './acl.js';
import { applyScramChanges } from './credentials.js';
import { applyTokenChanges } from './delegation-tokens.js';
import { applyQuotaChanges } from './quota.js';
import { applyReassignments } from '../../adapters/kafka/reassign.js';
import { applyConfigChanges } from '../../adapters/kafka/broker-config.js';
import { applyFenceChanges } from './fence.js';
import { electPreferredLeaders } from '../../adapters/kafka/elect-leaders.js';
import { activityProgress } from '../activity-progress.js';
import { drainWatch, type DrainWatch } from './drain-watch.js';
import type { KafkaActivityDeps } from './index.js';

export interface ChangeRequest { incidentId: string; step: string; changes: Change[]; cluster?: string }
export interface ChangeResult { changed: Change[]; alreadyInPlace: number }

type Applier = (deps: KafkaActivityDeps, changes: Change[], req: ChangeRequest, drain?: DrainWatch) => Promise<ChangeResult>;
type KindOf<Op> = Op extends `${infer K}.${string}` ? K : never;
/** A change's kind: the prefix of its op ("acl" for "acl.create"). */
type ChangeKind = KindOf<Change['op']>;
const kindOf = (c: Change) => c.op.split('.')[0] as ChangeKind;

/** One applier per kind of change: a kind added to the plan model without one here does not compile. */
const APPLIERS = {
  acl: (deps, changes) => applyAclChanges(deps.kafka, changes),
  quota: (deps, changes) => applyQuotaChanges(deps.kafka.settings, changes),
  scram: (deps, changes, req) => applyScramChanges(deps.kafka.settings, deps.settings, changes, req),
  token: (deps, changes) => applyTokenChanges(deps.kafka.settings, changes),
  partition: (deps, changes, _req, drain) => applyReassignments(deps.kafka, changes, drain?.onProgress),
  leader: (deps, changes) => electPreferredLeaders(deps.kafka, changes),
  config: (deps, changes) => applyConfigChanges(deps.kafka, changes),
  broker: (deps, changes) => applyFenceChanges(changes, deps.settings.commandEnv),
} satisfies Record<ChangeKind, Applier>;

export async function applyChanges(deps: KafkaActivityDeps, req: ChangeRequest): Promise<ChangeResult> {
  // Partition moves may take hours: they heartbeat their progress and outlive attempts (see drain-watch.ts).
  const drain = req.changes.some((c) => c.op === 'partition.reassign') ? drainWatch(deps.settings.reassignment, activityProgress()) : undefined;
  try {
    return await applyInOrder(deps, req, drain);
  } catch (err) {
    throw drain ? drain.verdict(err) : err;
  }
}

async function applyInOrder(deps: KafkaActivityDeps, req: ChangeRequest, drain: DrainWatch | undefined): Promise<ChangeResult> {
  const result: ChangeResult = { changed: [], alreadyInPlace: 0 };
  // Runs of the same kind are applied together, in plan order.
  let i = 0;
  while (i < req.changes.length) {
    const kind = kindOf(req.changes[i]!);
    let j = i;
    while (j < req.changes.length && kindOf(req.changes[j]!) === kind) j++;
    // The request is not parsed here: an op outside the model still ends with this, not with a TypeError.
    const applier = APPLIERS[kind] as Applier | undefined;
    if (!applier) throw new Error(`no applier for change kind "${kind}"`);
    const r = await applier(deps, req.changes.slice(i, j), req, drain);
    result.changed.push(...r.changed);
    result.alreadyInPlace += r.alreadyInPlace;
    i = j;
  }
  return result;
}
