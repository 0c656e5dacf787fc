// Payload keys on the real Temporal server: rotation keeps old keys for reading, a missing key is loud (/healthz,
// log, `kafka-ir status`), and plaintext written by a client without the key is refused, not passed to the workflow.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createSecretKey, randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { EngineSeal } from '../../adapters/engine-seal.js';
import { createLogger } from '../../src/logger.js';
import { parseIncidentId } from '../../src/model/incident.js';
import { loadRunbookSet } from '../../src/runbooks/load.js';
import { createIncidentService } from '../../src/temporal/incidents.js';
import { eventually, startTestEngine, type TestEngine } from '../support/engine.js';
import { infra, unique } from '../support/infra.js';
import { admin, bindingsOf } from '../support/kafka.js';

const run = promisify(execFile);
const k1 = `k1:${randomBytes(32).toString('base64')}`;
const k2 = `k2:${randomBytes(32).toString('base64')}`;
const kafka = admin();
const engines: TestEngine[] = [];
let raw: Client;
afterAll(async () => {
  for (const e of engines) await e.close().catch(() => undefined);
  await raw?.connection.close();
  await kafka.close();
});

const alert = (kind: string, principal: string) => ({
  kind, severity: 'high', summary: `about ${principal}`, source: 'integration-test', observedAt: new Date().toISOString(), subject: { principal },
});

/** An engine on `taskQueue` whose log lines are kept. */
async function engineWith(taskQueue: string, key: string, extra: Record<string, string> = {}) {
  const lines: string[] = [];
  const destination = new PassThrough();
  destination.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
  const engine = await startTestEngine({ TEMPORAL_TASK_QUEUE: taskQueue, KAFKA_IR_PAYLOAD_KEY: key, ...extra }, { log: createLogger({ level: 'warn', destination }) });
  engines.push(engine);
  return { engine, lines };
}

/** The key id of every encrypted payload in a history, in event order. */
function keyIdsIn(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => keyIdsIn(n, out));
  else if (node && typeof node === 'object' && !(node instanceof Uint8Array)) {
    const id = (node as { metadata?: Record<string, Uint8Array> }).metadata?.['encryption-key-id'];
    if (id instanceof Uint8Array) out.push(Buffer.from(id).toString());
    else Object.values(node).forEach((v) => keyIdsIn(v, out));
  }
  return out;
}

describe('a payload key that does not match the history', () => {
  it('marks /healthz degraded, logs the incident, makes `kafka-ir status` say what to fix, and resumes once the old key is kept for reading', async () => {
    const taskQueue = unique('kafka-ir-keys');
    const first = await engineWith(taskQueue, k1);
    const principal = `User:${unique('keys')}`;
    const started = await first.engine.post('/v1/alerts', alert('test.hold', principal));
    const id: string = started.body.incidents[0].id;
    await first.engine.close();

    // Restarted with another key only: the open incident is unreadable, and the engine says so.
    const wrong = await engineWith(taskQueue, k2);
    const health = await fetch(`${wrong.engine.url}/healthz`);
    expect(health.status).toBe(503);
    const body = (await health.json()) as { reason: string; fix: string };
    expect(body).toMatchObject({ status: 'degraded', incidents: 1 });
    expect(body.reason).toContain("key id 'k1', which KAFKA_IR_PAYLOAD_KEY does not hold");
    expect(body.fix).toContain('put the retired key back after the current one');
    const { workflowId } = parseIncidentId(id)!;
    // Another alert about the same subject starts nothing beside the unreadable incident: it is unmatched, saying why.
    const again = await wrong.engine.post('/v1/alerts', { ...alert('test.hold', principal), summary: 'again' });
    expect(again.status).toBe(202);
    expect(again.body.incidents).toEqual([]);
    expect(again.body.unmatched).toEqual([{ index: 0, reason: expect.stringContaining(`an incident of ${workflowId} is running that this engine cannot read`) }]);
    expect(again.body.unmatched[0].reason).toContain("key id 'k1', which KAFKA_IR_PAYLOAD_KEY does not hold");
    expect(wrong.lines.some((l) => l.includes(workflowId) && l.includes("'k1'"))).toBe(true);
    // Not spawnSync: the engine answering it runs in this process.
    const status = await run(process.execPath, ['scripts/kafka-ir-from-sources.js', 'status'], { env: { ...process.env, KAFKA_IR_PUBLIC_URL: wrong.engine.url } })
      .then(() => ({ code: 0, stderr: '' }), (err: { code: number; stderr: string }) => err);
    expect(status.code).toBe(1);
    expect(status.stderr).toContain("kafka-ir is degraded: incident histories are encrypted with key id 'k1'");
    expect(status.stderr).toContain('to fix: put the retired key back');
    await wrong.engine.close();

    // The new key first, the old one kept for reading: healthy, the incident takes a note and closes, new payloads use k2.
    const rotated = await engineWith(taskQueue, `${k2},${k1}`);
    expect((await fetch(`${rotated.engine.url}/healthz`)).status).toBe(200);
    expect((await rotated.engine.post(`/v1/incidents/${id}/notes`, { text: 'what we learned', lessons: true })).body).toEqual({ accepted: true });
    await eventually(async () => ((await rotated.engine.view(id)).status === 'closed' ? true : undefined), 30_000, `${id} to close`);
    raw ??= new Client({ connection: await Connection.connect({ address: infra().TEMPORAL_ADDRESS }) });
    const ids = keyIdsIn(await raw.workflow.getHandle(workflowId).fetchHistory());
    expect(ids[0]).toBe('k1'); // the input, written before the rotation
    expect(ids.at(-1)).toBe('k2'); // the result, written after it
  });
});

describe('plaintext written without the key', () => {
  it('is refused: a plain note is rejected, a plain incident start applies nothing', async () => {
    const taskQueue = unique('kafka-ir-strict');
    // The forger is given the engine's seal key, so only the payload key stands between it and the incident.
    const decisionKey = randomBytes(32);
    const { engine } = await engineWith(taskQueue, k1, { KAFKA_IR_DECISION_KEY: decisionKey.toString('base64') });
    raw ??= new Client({ connection: await Connection.connect({ address: infra().TEMPORAL_ADDRESS }) });
    const { runbooks, roster } = loadRunbookSet(['test/fixtures/runbooks']);
    // The engine's own incident service, on a client holding no key: what anyone with Temporal access could run.
    const forger = createIncidentService(raw, taskQueue, () => ({ runbooks: runbooks.map((r) => r.runbook), roster }), { seal: new EngineSeal([createSecretKey(decisionKey)]) });

    const held = await engine.post('/v1/alerts', alert('test.hold', `User:${unique('strict')}`));
    const id: string = held.body.incidents[0].id;
    // Answered once logged: the forger waits, as an attacker would, for the incident to exist.
    await eventually(async () => ((await engine.view(id))?.status === 'open' ? true : undefined), 30_000, `${id} to be open`);
    const forged = await raw.withDeadline(Date.now() + 10_000, () => forger.note(id, { person: 'ana', channel: 'api', text: 'forged lessons', lessons: true }))
      .catch((err: Error) => err);
    // Rejected: the workflow never saw the note (the rejection itself is encrypted, so the forger cannot even read it).
    expect(forged).toBeInstanceOf(Error);
    const view = await engine.view(id);
    expect(view.status).toBe('open');
    expect(JSON.stringify(view.timeline)).not.toContain('forged lessons');
    expect((await engine.post(`/v1/incidents/${id}/notes`, { text: 'a real note' })).body).toEqual({ accepted: true });

    const principal = `User:${unique('forged-start')}`;
    const started = await raw.withDeadline(Date.now() + 5_000, () => forger.submit(alert('test.auto-deny', principal) as never)).catch((err: Error) => err);
    expect(started).toBeInstanceOf(Error);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await bindingsOf(kafka, principal)).toEqual([]);
    // Listed raw: the incidents' memos are encrypted, and this client holds no key to decode them.
    const { executions } = await raw.workflowService.listWorkflowExecutions({ namespace: 'default', query: `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'` });
    for (const workflowId of (executions ?? []).map((e) => e.execution?.workflowId)) {
      if (workflowId && workflowId !== parseIncidentId(id)!.workflowId) await raw.workflow.getHandle(workflowId).terminate('forged start, refused by the codec');
    }
  });
});
