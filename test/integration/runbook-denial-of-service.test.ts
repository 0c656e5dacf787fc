// Scenario: the built-in denial-of-service runbook from alert to close, on the real cluster, decided by on-call.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Runbook } from '../../src/model/runbook.js';
import { stepsOf } from '../../src/model/runbook-steps.js';
import { abortLeftovers, startBuiltinEngine } from '../support/builtin-engine.js';
import { eventually } from '../support/engine.js';
import { unique } from '../support/infra.js';
import { kafkaTool } from '../support/kafka-tools.js';
import { token } from '../support/people.js';

let engine: Awaited<ReturnType<typeof startBuiltinEngine>>;
beforeAll(async () => { engine = await startBuiltinEngine(); });
const opened: string[] = [];
afterAll(async () => { if (engine) await abortLeftovers(engine, opened); await engine?.close(); });

/** Kafka's own ConfigCommand: the user's quotas as key → value ({} when none is set). */
function quotasOf(user: string): Record<string, number> {
  const out = kafkaTool('kafka.admin.ConfigCommand', ['--describe', '--entity-type', 'users', '--entity-name', user]);
  const line = /Quota configs for user-principal '([^']+)' are (.*)$/m.exec(out);
  if (!line) return {};
  expect(line[1]).toBe(user);
  return Object.fromEntries(line[2]!.split(', ').map((kv) => { const [k, v] = kv.split('='); return [k!, Number(v)] as const; }).sort(([a], [b]) => a.localeCompare(b)));
}
/** Brokers learn quota changes from the metadata log a moment apart, and ConfigCommand asks any one of them. */
const quotasBecome = (user: string, want: Record<string, number>) =>
  eventually(async () => (JSON.stringify(quotasOf(user)) === JSON.stringify(want) ? true : undefined), 20_000, `quotas ${JSON.stringify(want)}`);
// In ConfigCommand's keys' sorted order, as quotasOf returns them.
const THROTTLE = { consumer_byte_rate: 1048576, producer_byte_rate: 1048576, request_percentage: 10 };

describe('denial-of-service', () => {
  it('throttles the principal (every client id it uses) on approval, lifts exactly that throttle on approval and closes on the lessons record', async () => {
    const user = unique('batch-loader');
    expect(quotasOf(user)).toEqual({});

    const res = await engine.post('/v1/alerts', {
      kind: 'denial-of-service', severity: 'high', summary: `${user} saturates the request handler threads`, source: 'prometheus',
      observedAt: new Date().toISOString(), subject: { principal: `User:${user}`, clientId: unique('loader-7') },
    });
    const id = res.body.incidents[0].id;
    opened.push(id);
    expect(res.body.incidents[0]).toMatchObject({ runbook: 'denial-of-service', status: 'started' });

    await engine.waitForStep(id, 'throttle', 'awaiting_approval');
    expect((await engine.stepOf(id, 'health-before')).output).toMatchObject({ brokers: 3 });
    const plan = (await engine.stepOf(id, 'throttle')).plan;
    const entity = { user };
    expect(plan.changes).toEqual(expect.arrayContaining(Object.entries(THROTTLE).map(([key, after]) => ({ op: 'quota.set', entity, key, before: null, after }))));
    expect(plan.changes).toHaveLength(3);
    expect(plan.inverse).toEqual(expect.arrayContaining(Object.entries(THROTTLE).map(([key, before]) => ({ op: 'quota.set', entity, key, before, after: null }))));
    expect(quotasOf(user)).toEqual({});
    expect(plan.notes.join(' ')).toContain('whatever client.id it sends');
    const requested = (await engine.view(id)).timeline.find((e: { type: string; step?: string }) => e.type === 'approval.requested' && e.step === 'throttle');
    expect(requested).toMatchObject({ from: ['kafka-oncall'], quorum: 1, timeout: '5m', planHash: plan.hash });

    await engine.decide(id, 'throttle', 'alice');
    await engine.waitForStep(id, 'throttle', 'done');
    await quotasBecome(user, THROTTLE);
    expect((await engine.stepOf(id, 'throttle')).output.changed).toHaveLength(3);

    await engine.waitForStep(id, 'lift-throttle', 'awaiting_approval');
    await engine.decide(id, 'lift-throttle', 'alice');
    await engine.waitForStep(id, 'health', 'done');
    await quotasBecome(user, {});

    expect((await engine.post(`/v1/incidents/${id}/notes`, { text: 'the loader retried without backoff; fixed in its config', lessons: true }, token('carol'))).body).toEqual({ accepted: true });
    const closed = await engine.closed(id);
    expect(closed.steps.map((s: { id: string; status: string }) => `${s.id}:${s.status}`)).toEqual([
      'health-before:done', 'throttle:undone', 'lift-throttle:done', 'health:done',
    ]);
    expect(closed.timeline.filter((e: { type: string }) => e.type === 'decision').map((e: { step: string; person: string }) => `${e.step}:${e.person}`))
      .toEqual(['throttle:alice', 'lift-throttle:alice']);
  });

  // Nobody deciding within 5 minutes must still throttle: the runbook says so by construction (not waited for here).
  it('throttles without a decision: the step is safe and its approval times out into proceed', () => {
    const runbook = Runbook.parse(parse(readFileSync('runbooks/denial-of-service.yaml', 'utf8')));
    const throttle = stepsOf(runbook).find(({ step }) => step.id === 'throttle')!.step;
    expect(throttle).toMatchObject({ action: 'kafka.quota.throttle', safe: true, approval: { timeout: '5m', onTimeout: 'proceed' } });
    expect(throttle).toMatchObject({ with: { principal: '${alert.subject.principal}' } });
    expect(runbook.subject).toBe('principal');
    const lift = stepsOf(runbook).find(({ step }) => step.id === 'lift-throttle')!.step;
    expect(lift).toMatchObject({ undo: 'throttle', approval: { onTimeout: 'skip' } });
  });
});
