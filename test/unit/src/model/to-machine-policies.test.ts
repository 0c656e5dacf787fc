// What the compiled machine does when an approval times out under the runbook's unattended rule, and when a step that asks fails.
import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import type { Severity } from '../../../../src/model/alert.js';
import { Runbook } from '../../../../src/model/runbook.js';
import { toMachine, type IncidentEvent } from '../../../../src/model/to-machine.js';

type Command = { type: string; params?: { step?: string; status?: string; event?: IncidentEvent; delay?: number } };

/** Runs events through the machine, answering delayed raises (timers) when asked; returns every command and the final state. */
function run(runbook: Runbook, severity: Severity, events: (IncidentEvent | 'timeout')[]) {
  const machine = toMachine(runbook, severity);
  let [snapshot, commands] = initialTransition(machine);
  const seen: Command[] = [...(commands as Command[])];
  for (const e of events) {
    const event = e === 'timeout'
      ? seen.filter((c) => c.type === 'xstate.raise' && c.params?.delay !== undefined).map((c) => c.params!.event!).at(-1)!
      : e;
    [snapshot, commands] = transition(machine, snapshot, event);
    seen.push(...(commands as Command[]));
  }
  return { value: snapshot.value, types: seen.map((c) => `${c.type}${c.params?.step ? `:${c.params.step}` : ''}${c.params?.status ? `:${c.params.status}` : ''}`) };
}

const deny = (extra: Record<string, unknown>) => Runbook.parse({
  id: 'r', version: 1, title: 'r', match: { kind: ['k'] }, subject: 'principal', unattended: { severity: ['high', 'critical'] },
  phases: { containment: [{ id: 'deny', action: 'kafka.acl.deny', safe: true, with: { principal: 'User:x' }, ...extra }] },
});

describe('onTimeout: proceed under the runbook\'s unattended severities', () => {
  const proceeding = deny({ approval: { from: ['oncall'], timeout: '2s', onTimeout: 'proceed' } });
  const planned: IncidentEvent = { type: 'step.planned', step: 'deny', noop: false };

  it('applies the step unanswered at a severity the rule names', () => {
    expect(run(proceeding, 'critical', [planned, 'timeout']).types).toContain('applyStep:deny');
  });

  it('aborts instead at any other severity', () => {
    const r = run(proceeding, 'medium', [planned, 'timeout']);
    expect(r.types).not.toContain('applyStep:deny');
    expect(r.types).toContain('endStep:deny:timed_out');
    expect(r.value).toBe('aborted');
  });
});

describe('onFailure: ask', () => {
  const asking = deny({ onFailure: 'ask' });
  const planned: IncidentEvent = { type: 'step.planned', step: 'deny', noop: false };
  const failed: IncidentEvent = { type: 'step.failed', step: 'deny' };
  const answer = (a: 'retry' | 'skip' | 'abort'): IncidentEvent => ({ type: 'step.answered', step: 'deny', answer: a });

  it('asks instead of aborting, and a retry applies the same plan again', () => {
    const r = run(asking, 'high', [planned, failed, answer('retry')]);
    expect(r.types.filter((t) => t === 'applyStep:deny')).toHaveLength(2);
    expect(r.types).toContain('askOnFailure:deny');
    expect(r.types).not.toContain('abortIncident');
  });

  it('plans again after a failure while planning', () => {
    expect(run(asking, 'high', [failed, answer('retry')]).types.filter((t) => t === 'planStep:deny')).toHaveLength(2);
  });

  it('skips the step, or aborts the incident, as answered; silence aborts it', () => {
    expect(run(asking, 'high', [planned, failed, answer('skip')]).value).toBe('closed');
    expect(run(asking, 'high', [planned, failed, answer('abort')]).value).toBe('aborted');
    const silent = run(asking, 'high', [planned, failed, 'timeout']);
    expect(silent.value).toBe('aborted');
    expect(silent.types).toContain('endStep:deny:failed');
  });
});
