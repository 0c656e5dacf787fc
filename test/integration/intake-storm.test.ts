// An alert storm through the intake log, with the engine SIGKILLed in the middle of it: every alert answered 202 is
// counted once by the incident its answer named (none lost, none twice), hot subjects never see a 5xx, and incidents
// continue as new under the storm without dropping any.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/engine.js';
import { startEngineProcess, type EngineProcess } from '../support/engine-process.js';
import { Client, Connection } from '@temporalio/client';
import { parseIncidentId } from '../../src/model/incident.js';
import { infra, unique } from '../support/infra.js';

const env = {
  TEMPORAL_TASK_QUEUE: unique('intake-storm'),
  KAFKA_IR_DATA_DIR: mkdtempSync(join(tmpdir(), 'intake-storm-')),
  // The storm itself is what this tests, not the per-second gate in front of it.
  KAFKA_IR_INTAKE_RATE: '1000000', KAFKA_IR_INTAKE_BURST: '1000000',
  // Continue-as-new every dozen batches or so (50 events, the least allowed), in the middle of the storm.
  KAFKA_IR_CONTINUE_AS_NEW_AFTER: '50',
};
let engine: EngineProcess | undefined;
const incidents = new Set<string>();
afterAll(async () => {
  await engine?.kill();
  rmSync(env.KAFKA_IR_DATA_DIR, { recursive: true, force: true });
  // The storm's incidents wait for a lessons record no one sends: ended here, with no worker needed.
  const connection = await Connection.connect({ address: infra().TEMPORAL_ADDRESS });
  const client = new Client({ connection });
  await Promise.all([...incidents].map((id) => client.workflow.getHandle(parseIncidentId(id)!.workflowId).terminate('test over').catch(() => undefined)));
  await connection.close();
});

const tag = unique('storm');
const hot = [0, 1].map((i) => `User:${tag}-hot-${i}`);
const spread = Array.from({ length: 20 }, (_, i) => `User:${tag}-spread-${i}`);
/** Two thirds of the alerts to two subjects, the rest spread over twenty. */
const subjectOf = (n: number) => (n % 3 === 2 ? spread[n % spread.length]! : hot[n % 2]!);
const alert = (n: number, fingerprint = `${tag}-${n}`) => ({
  kind: 'test.hold', severity: 'high', summary: `storm ${n}`, source: 'test', observedAt: new Date().toISOString(), subject: { principal: subjectOf(n) }, fingerprint,
});

interface Answer { status: number; id?: string; outcome?: string }
async function post(body: unknown): Promise<Answer> {
  const res = await fetch(`${engine!.url}/v1/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await res.json()) as { incidents?: { id: string; status: string }[] };
  return { status: res.status, id: json.incidents?.[0]?.id, outcome: json.incidents?.[0]?.status };
}

describe('an alert storm with the engine killed in the middle', () => {
  it('counts every alert answered 202 exactly once, in the incident its answer named', { timeout: 300_000 }, async () => {
    engine = await startEngineProcess(env, undefined, 120_000);
    const total = 2_000;
    const answered = new Map<number, Answer>();
    const statuses: number[] = [];
    let next = 0;
    let killed = false;
    // 40 in flight until the kill; an alert whose request died with the engine is sent again after the restart.
    const storm = (count: number) => Promise.all(Array.from({ length: 40 }, async () => {
      while (next < count && !killed) {
        const n = next++;
        const answer = await post(alert(n)).catch(() => undefined);
        if (!answer) continue;
        statuses.push(answer.status);
        if (answer.status === 202) { answered.set(n, answer); incidents.add(answer.id!); }
      }
    }));
    const first = storm(total);
    // Killed once half the storm is answered, or after 20 s of it on a slow machine.
    const began = Date.now();
    await eventually(async () => (answered.size >= total / 2 || (Date.now() - began > 20_000 && answered.size >= 100) ? true : undefined), 120_000, 'the storm to be under way');
    killed = true;
    await engine.kill();
    await first;
    const beforeKill = answered.size;

    engine = await startEngineProcess(env, undefined, 120_000);
    // The rest of the storm, the alerts whose requests died with the engine among them.
    const todo = Array.from({ length: total }, (_, n) => n).filter((n) => !answered.has(n));
    await Promise.all(Array.from({ length: 40 }, async () => {
      for (let n = todo.shift(); n !== undefined; n = todo.shift()) {
        const answer = await post(alert(n));
        statuses.push(answer.status);
        if (answer.status === 202) answered.set(n, answer); else todo.push(n);
      }
    }));
    // The same fingerprint again: answered `duplicate`, counted once (alert 0, sent before the kill, is counted once too).
    const copies = await Promise.all(Array.from({ length: 20 }, () => post(alert(total - 1))));

    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(answered.size).toBe(total);
    expect(beforeKill).toBeGreaterThan(0);
    expect(copies.map((c) => c.outcome)).toEqual(Array(20).fill('duplicate'));
    // One incident per subject, named the same by every answer before and after the kill.
    const idOf = new Map<string, Set<string>>();
    for (const [n, a] of answered) idOf.set(subjectOf(n), (idOf.get(subjectOf(n)) ?? new Set()).add(a.id!));
    expect([...idOf.values()].map((ids) => ids.size)).toEqual(Array(hot.length + spread.length).fill(1));
    const expected = new Map<string, number>();
    for (let n = 0; n < total; n++) expected.set(subjectOf(n), (expected.get(subjectOf(n)) ?? 0) + 1);
    for (const [subject, ids] of idOf) {
      const [id] = [...ids];
      const view = await eventually(async () => {
        const v = await (await fetch(`${engine!.url}/v1/incidents/${id}`)).json() as { id: string; alerts: number };
        return v.alerts === expected.get(subject) ? v : undefined;
      }, 30_000, `${subject}'s incident to count ${expected.get(subject)} alerts`);
      expect(view.id).toBe(id);
    }
    // Then alerts paced past the delivery's linger, each its own signal: enough events that the hot incident continues
    // as new on the way (however fast the storm went), each counted once.
    const hotId = [...idOf.get(hot[0]!)!][0]!;
    for (let k = 0; k < 15; k++) {
      expect((await post(alert(0, `${tag}-paced-${k}`))).status).toBe(202);
      await new Promise((resolve) => setTimeout(resolve, 600));
    }
    const paced = expected.get(hot[0]!)! + 15;
    await eventually(async () => ((await (await fetch(`${engine!.url}/v1/incidents/${hotId}`)).json() as { alerts: number }).alerts === paced ? true : undefined),
      30_000, `${hot[0]}'s incident to count ${paced} alerts`);
    // The hot incident continued as new, and its id still finds it.
    const connection = await Connection.connect({ address: infra().TEMPORAL_ADDRESS });
    try {
      const client = new Client({ connection });
      const workflowId = parseIncidentId(idOf.get(hot[0]!)!.values().next().value!)!.workflowId;
      // Visibility lags a little behind the runs themselves.
      await eventually(async () => ((await client.workflow.count(`WorkflowId = '${workflowId}' AND ExecutionStatus = 'ContinuedAsNew'`)).count > 0 ? true : undefined),
        30_000, `${workflowId} to have continued as new`);
    } finally {
      await connection.close();
    }
  });
});
