// A runbook's phases and steps as the workflow walks them: plain functions over an already-validated runbook (runbook.ts
// holds its schema), so the workflow sandbox evaluates no zod.
import type { ParallelGroup, Phase, PhaseItem, Runbook, Step, UndoStep } from './runbook.js';

export const PHASES = ['preparation', 'detection', 'containment', 'eradication', 'recovery', 'lessons'] as const;

export function isParallel(item: PhaseItem): item is ParallelGroup {
  return 'parallel' in item;
}

export function isUndoStep(step: Step): step is UndoStep {
  return 'undo' in step;
}

/** Steps in the order they start, each with its phase (a parallel group's steps in their listed order). */
export function stepsOf(runbook: Runbook): { phase: Phase; step: Step; path: (string | number)[] }[] {
  return PHASES.flatMap((phase) =>
    (runbook.phases[phase] ?? []).flatMap((item, i) =>
      isParallel(item)
        ? item.parallel.map((step, j) => ({ phase, step, path: ['phases', phase, i, 'parallel', j] }))
        : [{ phase, step: item, path: ['phases', phase, i] }]));
}
