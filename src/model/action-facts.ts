// What the incident workflow needs to know of each action, without its schemas: its kind, and how the workflow treats it.
// Plain data, so the workflow sandbox evaluates no zod; the catalogue (actions.ts) keeps the schemas and must agree on kind.
import type { ActionName, ActionOutput, actionCatalogue } from './actions.js';
import type { ChannelName } from './notice.js';

export interface TimelineAddition { type: string; fields: Record<string, unknown> }

export interface Facts<A extends ActionName> {
  /** "change": plan, then apply, and undo by the recorded inverse; "read": run once, changes nothing. */
  kind: (typeof actionCatalogue)[A]['kind'];
  /**
   * The action checks that earlier steps' changes hold (containment). A dry run applies nothing, so the check would fail
   * by construction: the step is skipped, and its output says so with this sentence.
   */
  verifiesContainment?: { dryRunNote: string };
  /**
   * The resolved input names nothing to work on (an earlier step found nothing): the step is skipped with this sentence
   * instead of failing on its input.
   */
  nothingToDo?: (input: Record<string, unknown>) => string | undefined;
  /** The action is one of the incident's own notices on this channel, sent in order with its others, not by an activity. */
  notice?: ChannelName;
  /** Entries the step adds to the incident's timeline from its output (the hunt names each follow-up incident it raised). */
  timelineOf?: (output: ActionOutput<A>) => TimelineAddition[];
}

export const ACTION_FACTS: { readonly [A in ActionName]: Facts<A> } = {
  'kafka.acl.deny': { kind: 'change' },
  'kafka.acl.revoke': { kind: 'change' },
  'kafka.acl.snapshot': { kind: 'read' },
  'kafka.access.verify': { kind: 'read', verifiesContainment: { dryRunNote: 'skipped (dry run): nothing was applied, so there is no access to verify' } },
  'kafka.broker.isolate': { kind: 'change' },
  'kafka.health.verify': { kind: 'read' },
  'kafka.baseline.snapshot': { kind: 'read' },
  'kafka.baseline.diff': { kind: 'read' },
  'kafka.credentials.rotate': { kind: 'change' },
  'kafka.credentials.revoke': { kind: 'change' },
  'kafka.quota.throttle': { kind: 'change' },
  'kafka.blastRadius': { kind: 'read' },
  'kafka.admin.audit': {
    kind: 'read',
    timelineOf: (audit) => audit.followUps.map((f) => ({
      type: 'followUp',
      fields: {
        kind: f.kind, principal: f.principal, status: f.status, fingerprint: f.fingerprint,
        ...(f.incident ? { incident: f.incident, runbook: f.runbook } : {}), ...(f.reason ? { reason: f.reason } : {}),
      },
    })),
  },
  'kafka.evidence.capture': {
    kind: 'read',
    nothingToDo: (input) => (Array.isArray(input.topics) && input.topics.length === 0 ? 'skipped — nothing to capture: no topics were named (nothing was found read)' : undefined),
  },
  'siem.export': { kind: 'read' },
  'slack.notify': { kind: 'read', notice: 'slack' },
  'email.notify': { kind: 'read', notice: 'email' },
};

/** What a finished read step adds to the timeline beyond "done", from its output (nothing for most actions). */
export function timelineAdditions(action: ActionName, output: unknown): TimelineAddition[] {
  const facts = ACTION_FACTS[action] as { timelineOf?: (output: unknown) => TimelineAddition[] };
  return facts.timelineOf?.(output) ?? [];
}

/** Why a step of this action has nothing to do with this resolved input (it is then skipped), or undefined. */
export function nothingToDo(action: ActionName, input: unknown): string | undefined {
  const facts: { nothingToDo?: (input: Record<string, unknown>) => string | undefined } = ACTION_FACTS[action];
  return input !== null && typeof input === 'object' ? facts.nothingToDo?.(input as Record<string, unknown>) : undefined;
}
