// Rules on one runbook beyond its schema: unique step ids, resolvable templates, undo targets, process guards.
import { actionCatalogue } from '../model/actions.js';
import { isUndoStep, stepsOf, type Runbook } from '../model/runbook.js';
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

function checkTemplates(value: unknown, at: (string | number)[], earlier: Map<string, unknown>): Problem[] {
  const found: { path: (string | number)[]; body: string }[] = [];
  templatesIn(value, at, found);
  return found.flatMap((t) => {
    try {
      const { path } = parseExpression(t.body);
      return path[0] === 'steps' && !earlier.has(path[1] ?? '')
        ? [{ path: t.path, message: `\${${t.body}} refers to step "${path[1]}", which does not run before this one` }]
        : [];
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      return [{ path: t.path, message: err.message }];
    }
  });
}

export function checkRunbook(runbook: Runbook): Problem[] {
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
    if (step.approval?.onTimeout === 'proceed' && !step.safe) {
      problems.push({ path: [...at, 'approval', 'onTimeout'], message: 'onTimeout: proceed is only allowed for steps marked safe: true' });
    }
    seen.set(step.id, { phase, action: isUndoStep(step) ? undefined : step.action });
  }
  return problems;
}
