// Rules on one runbook beyond its schema: unique step ids, resolvable templates, undo targets, process guards.
import { actionCatalogue } from '../model/actions.js';
import { z } from 'zod';
import { Alert } from '../model/alert.js';
import { durationMs } from '../model/duration.js';
import { missingSegment } from './schema-path.js';
import type { Approval, Runbook, Step } from '../model/runbook.js';
import { isUndoStep, stepsOf } from '../model/runbook-steps.js';
import { askedOf, describeFrom, fillSeats, groupsOf, quorumOf, seatsOf } from '../model/approval-seats.js';
import type { Roster } from '../model/roster.js';
import { peopleOf } from '../model/people-of.js';
import { parseExpression, TemplateError } from '../model/template.js';

export interface Problem { path: (string | number)[]; message: string }

function templatesIn(value: unknown, path: (string | number)[], out: { path: (string | number)[]; body: string }[]): void {
  if (typeof value === 'string') {
    for (const m of value.matchAll(/\$\{([^}]+)\}/g)) out.push({ path, body: m[1]! });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => templatesIn(v, [...path, i], out));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) templatesIn(v, [...path, k], out);
  }
}

/** Why a step may not go ahead unanswered when its approval times out, or undefined when it may. */
function proceedRefusal(runbook: Runbook, step: Step): string | undefined {
  if (!step.safe) return 'onTimeout: proceed is only allowed for steps marked safe: true';
  if (isUndoStep(step)) return 'onTimeout: proceed is not allowed on an undo step: lifting a containment nobody approved cannot itself be undone';
  const spec = actionCatalogue[step.action] as { irreversible?: boolean };
  if (spec.irreversible) return `onTimeout: proceed would run ${step.action}, which cannot be undone, with nobody's approval: use abort or skip`;
  if (!runbook.unattended) {
    return 'onTimeout: proceed needs the runbook to say at which severities a step may go ahead unanswered: add `unattended: { severity: [high, critical] }` (or the severities you mean) at the top level';
  }
  if (!runbook.unattended.severity.some((s) => runbook.match.severity.includes(s))) {
    return `onTimeout: proceed can never apply: the runbook's unattended severities (${runbook.unattended.severity.join(', ')}) are none of those it matches (${runbook.match.severity.join(', ')})`;
  }
  return undefined;
}

/** `step` is undefined for a message of the communication plan, which never proceeds unapproved (checked with it). */
function checkApproval(runbook: Runbook, step: Step | undefined, approval: Approval, at: (string | number)[], roster: Roster): Problem[] {
  const problems: Problem[] = [];
  const refusal = approval.onTimeout === 'proceed' && step ? proceedRefusal(runbook, step) : undefined;
  if (refusal) problems.push({ path: [...at, 'onTimeout'], message: refusal });
  const groups = groupsOf(approval);
  groups.forEach((group, i) => {
    const path = typeof approval.from[i] === 'string' ? [...at, 'from', i] : [...at, 'from', i, 'group'];
    if (!roster.groups[group]) problems.push({ path, message: `group "${group}" is not in _roster.yaml (add it under groups:)` });
  });
  (approval.escalate?.to ?? []).forEach((group, i) => {
    if (!roster.groups[group]) problems.push({ path: [...at, 'escalate', 'to', i], message: `group "${group}" is not in _roster.yaml (add it under groups:)` });
  });
  const quorum = quorumOf(approval);
  const seated = seatsOf(approval).filter((s) => s !== undefined).length;
  if (approval.quorum !== undefined && approval.quorum < seated) {
    problems.push({ path: [...at, 'quorum'], message: `quorum ${approval.quorum} is smaller than the ${seated} approvals the groups' counts require: raise it to at least ${seated} or leave it out` });
  }
  if (groups.every((g) => roster.groups[g])) {
    const people = peopleOf(roster, groups);
    // The seats the roster can fill at best, each person counted once even when in several groups.
    const fillable = fillSeats(approval, roster, people).size;
    if (people.length < quorum) {
      problems.push({
        path: [...at, approval.quorum === undefined ? 'from' : 'quorum'],
        message: `needs ${quorum} distinct approvers but ${groups.join(', ')} ${people.length === 1 ? 'has' : 'have'} only ${people.length} between them: add people to the groups or lower the quorum`,
      });
    } else if (fillable < seatsOf(approval).length) {
      problems.push({
        path: [...at, 'from'],
        message: `the groups cannot fill every seat (${describeFrom(approval).join(', ')}): a person counts once even when in two groups, so add people to the groups or lower their counts`,
      });
    }
  }
  if (approval.escalate && durationMs(approval.escalate.after) >= durationMs(approval.timeout)) {
    problems.push({ path: [...at, 'escalate', 'after'], message: `escalation after ${approval.escalate.after} would come after the ${approval.timeout} timeout: make it shorter` });
  }
  return problems;
}

/** What `${incident.…}` offers to templates (see the workflow's template scope). */
const IncidentScope = z.object({ id: z.string(), subject: z.string(), severity: z.string(), openedAt: z.string(), dryRun: z.boolean() });

/** Why a template path cannot resolve, or undefined when it can. */
function unresolvable(path: string[], earlier: Map<string, { action?: string }>): string | undefined {
  const [root, ...rest] = path;
  if (root === 'steps') {
    const [stepId, output, ...inner] = rest;
    const step = earlier.get(stepId ?? '');
    if (!step) return `refers to step "${stepId}", which does not run before this one`;
    if (output !== 'output') return `a step's result is reached as steps.${stepId}.output.<field>`;
    if (!step.action) return undefined;
    const miss = missingSegment(actionCatalogue[step.action as keyof typeof actionCatalogue].output, inner);
    return miss === undefined ? undefined : `"${miss}" is not in the output of ${step.action} (step ${stepId})`;
  }
  const miss = missingSegment(root === 'alert' ? Alert : IncidentScope, rest);
  return miss === undefined ? undefined : `"${miss}" is not a field of ${root}`;
}

function checkTemplates(value: unknown, at: (string | number)[], earlier: Map<string, { action?: string }>): Problem[] {
  const found: { path: (string | number)[]; body: string }[] = [];
  templatesIn(value, at, found);
  return found.flatMap((t) => {
    try {
      const why = unresolvable(parseExpression(t.body).path, earlier);
      return why ? [{ path: t.path, message: `\${${t.body}} ${why}` }] : [];
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      return [{ path: t.path, message: err.message }];
    }
  });
}

/** Checks one runbook against its own rules and, for approvals, against the roster. */
export function checkRunbook(runbook: Runbook, roster: Roster): Problem[] {
  const problems: Problem[] = [];
  const seen = new Map<string, { phase: string; action?: string }>();
  for (const { phase, step, path: at } of stepsOf(runbook)) {
    if (seen.has(step.id)) problems.push({ path: [...at, 'id'], message: `step id "${step.id}" is used twice: step ids must be unique in a runbook` });
    if (isUndoStep(step)) {
      const target = seen.get(step.undo);
      if (!target) problems.push({ path: [...at, 'undo'], message: `undoes "${step.undo}", which is not an earlier step of this runbook` });
      else if (target.action && actionCatalogue[target.action as keyof typeof actionCatalogue]?.kind !== 'change') {
        problems.push({ path: [...at, 'undo'], message: `undoes "${step.undo}", whose action ${target.action} changes nothing` });
      }
    } else {
      problems.push(...checkTemplates(step.with, [...at, 'with'], seen));
    }
    if (step.approval) problems.push(...checkApproval(runbook, step, step.approval, [...at, 'approval'], roster));
    if (step.onFailure === 'ask' && askedOf(step.approval, roster).length === 0) {
      problems.push({ path: [...at, 'onFailure'], message: 'onFailure: ask needs someone to ask: give the step an approval, or add incident-commanders to _roster.yaml' });
    }
    seen.set(step.id, { phase, action: isUndoStep(step) ? undefined : step.action });
  }
  problems.push(...checkCommunications(runbook, roster, seen));
  return problems;
}

/** The communication plan: unique ids apart from the steps', audiences of the roster, phases the runbook has, approvals. */
function checkCommunications(runbook: Runbook, roster: Roster, steps: Map<string, { phase: string; action?: string }>): Problem[] {
  const problems: Problem[] = [];
  const ids = new Set<string>();
  (runbook.communications ?? []).forEach((message, i) => {
    const at = ['communications', i];
    if (steps.has(message.id) || ids.has(message.id)) problems.push({ path: [...at, 'id'], message: `id "${message.id}" is already used by a step or another message: message ids share the steps' names` });
    ids.add(message.id);
    const phase = message.on.split('.')[0] as keyof Runbook['phases'];
    if (runbook.phases[phase] === undefined) problems.push({ path: [...at, 'on'], message: `phase ${phase} is not in this runbook, so "${message.on}" never happens` });
    message.to.forEach((audience, j) => {
      if (!roster.audiences?.[audience]) problems.push({ path: [...at, 'to', j], message: `audience "${audience}" is not in _roster.yaml (add it under audiences: with its slack channel or email list)` });
    });
    problems.push(...checkTemplates({ subject: message.subject, text: message.text }, at, steps));
    if (!message.approval) return;
    if (message.approval.onTimeout === 'proceed') {
      problems.push({ path: [...at, 'approval', 'onTimeout'], message: 'a message that needs approval is never sent without it: use onTimeout: skip' });
    }
    if (message.approval.escalate) problems.push({ path: [...at, 'approval', 'escalate'], message: 'messages do not escalate: give the approval to the groups who should decide' });
    problems.push(...checkApproval(runbook, undefined, { ...message.approval, escalate: undefined }, [...at, 'approval'], roster));
  });
  return problems;
}
