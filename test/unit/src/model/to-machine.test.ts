// Every incident machine walked over all its simple paths with pure transitions: process guards hold on every path.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getNextTransitions, type AnyMachineSnapshot, type SnapshotFrom } from 'xstate';
import { getSimplePaths } from 'xstate/graph';
import { parse } from 'yaml';
import { Runbook } from '../../../../src/model/runbook.js';
import { stepsOf } from '../../../../src/model/runbook-steps.js';
import { toMachine, type IncidentEvent } from '../../../../src/model/to-machine.js';

const folders = ['runbooks', 'test/fixtures/runbooks', 'test/fixtures/runbooks-model'];
const runbooks = folders.flatMap((dir) =>
  readdirSync(dir).filter((f) => f.endsWith('.yaml') && !f.startsWith('_'))
    .map((f) => Runbook.parse(parse(readFileSync(join(dir, f), 'utf8')))));

function leafKeys(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => [k, ...leafKeys(v)]);
}

describe.each(runbooks.map((r) => [r.id, r] as const))('the %s machine', (_id, runbook) => {
  const machine = toMachine(runbook);
  const stepIds = stepsOf(runbook).map(({ step }) => step.id);
  const events = (state: SnapshotFrom<typeof machine>): IncidentEvent[] => {
    const types = new Set(getNextTransitions(state as unknown as AnyMachineSnapshot).map((t) => t.eventType));
    const out: IncidentEvent[] = [];
    for (const type of types) {
      if (type.startsWith('step.')) {
        for (const step of stepIds) {
          if (type === 'step.planned') out.push({ type, step, noop: false }, { type, step, noop: true });
          else out.push({ type, step } as IncidentEvent);
        }
      } else if (type !== '' && (!type.startsWith('xstate.') || type.startsWith('xstate.after.'))) {
        // Internal done-events are xstate's own; only timers (xstate.after.*) are delivered by the workflow.
        out.push({ type } as IncidentEvent);
      }
    }
    return out;
  };
  const paths = getSimplePaths(machine, { events });
  const states = paths.flatMap((p) => [p.state, ...p.steps.map((s) => s.state)]);
  const values = states.map((s) => leafKeys(s.value));

  it('reaches closed and aborted, and every step', () => {
    expect(values.some((v) => v.includes('closed'))).toBe(true);
    expect(values.some((v) => v.includes('aborted'))).toBe(true);
    for (const step of stepIds) expect(values.some((v) => v.includes(step)), `step ${step} is reachable`).toBe(true);
  });

  // Only an incident commander's force-advance may pass a gate, and the context records that it did.
  it('never enters eradication without verified containment', () => {
    if (!(runbook.phases.eradication?.length)) return;
    const entered = states.filter((s) => leafKeys(s.value).includes('eradication'));
    expect(entered.length).toBeGreaterThan(0);
    for (const s of entered) expect(s.context.verified || s.context.forced).toBe(true);
    expect(entered.some((s) => s.context.verified && !s.context.forced)).toBe(true);
  });

  it('closes only after the lessons record when the runbook has a lessons phase', () => {
    if (runbook.phases.lessons === undefined) return;
    const closed = states.filter((s) => s.value === 'closed');
    for (const s of closed) expect(s.context.lessons || s.context.forced).toBe(true);
    expect(closed.some((s) => s.context.lessons && !s.context.forced)).toBe(true);
  });
});
