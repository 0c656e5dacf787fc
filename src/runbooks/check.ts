// Rules on one runbook beyond its schema: unique step ids, resolvable templates, undo targets, process guards.
import { actionCatalogue } from '../model/actions.js';
import { z } from 'zod';
import { Alert } from '../model/alert.js';
import { durationMs } from '../model/duration.js';
import { missingSegment } from './schema-path.js';
import { isUndoStep, stepsOf, type Approval, type Runbook } from '../model/runbook.js';
import { peopleOf, type Roster } from '../model/roster.js';
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

function checkApproval(approval: Approval, safe: boolean, at: (string | number)[], roster: Roster): Problem[] {
  const problems: Problem[] = [];
  if (approval.onTimeout === 'proceed' && !safe) {
    problems.push({ path: [...at, 'onTimeout'], message: 'onTimeout: proceed is only allowed for steps marked safe: true' });
  }
  approval.from.forEach((group, i) => {
    if (!roster.groups[group]) problems.push({ path: [...at, 'from', i], message: `group "${group}" is not in _roster.yaml (add it under groups:)` });
  });
  (approval.escalate?.to ?? []).forEach((group, i) => {
    if (!roster.groups[group]) problems.push({ path: [...at, 'escalate', 'to', i], message: `group "${group}" is not in _roster.yaml (add it under groups:)` });
  });
  const people = peopleOf(roster, approval.from);
  if (approval.from.every((g) => roster.groups[g]) && people.length < approval.quorum) {
    problems.push({
      path: [...at, 'quorum'],
      message: `needs ${approval.quorum} distinct approvers but ${approval.from.join(', ')} ${people.length === 1 ? 'has' : 'have'} only ${people.length} between them: add people to the groups or lower the quorum`,
    });
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
    if (step.approval) problems.push(...checkApproval(step.approval, step.safe, [...at, 'approval'], roster));
    seen.set(step.id, { phase, action: isUndoStep(step) ? undefined : step.action });
  }
  return problems;
}
