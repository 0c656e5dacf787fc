// The runbook engine on real Temporal and Kafka: one incident per subject, duplicates, continue-as-new, rollback, pinning, dry run.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { eventually, startTestEngine } from '../support/engine.js';
import { infra, unique } from '../support/infra.js';
import { admin, bindingsOf } from '../support/kafka.js';
import { token } from '../support/people.js';

type TestEngine = Awaited<ReturnType<typeof startTestEngine>>;
let engine: TestEngine;
const kafka = admin();

beforeAll(async () => { engine = await startTestEngine({ KAFKA_IR_CONTINUE_AS_NEW_AFTER: '150' }); });
afterAll(async () => { await engine?.close(); await kafka.close(); });

const alert = (kind: string, principal: string, extra: Record<string, unknown> = {}) => ({
  kind, severity: 'high', summary: `alert about ${principal}`, source: 'integration-test',
  observedAt: new Date().toISOString(), subject: { principal }, ...extra,
});

async function viewOf(e: TestEngine, id: string) {
  const r = await e.get(`/v1/incidents/${id}`);
  expect(r.status).toBe(200);
  return r.body;
}

describe('an alert storm about one subject', () => {
  it('opens exactly one incident, attaches the other 199, answers a resent alert as duplicate, and counts all 200 once across continue-as-new', async () => {
    const principal = `User:${unique('storm')}`;
    const answers: { id: string; status: string }[] = [];
    // 40 bursts of 5, each past the intake's linger so each is its own delivery: enough history for continue-as-new.
    for (let batch = 0; batch < 40; batch++) {
      const results = await Promise.all(Array.from({ length: 5 }, (_, i) =>
        engine.post('/v1/alerts', alert('test.hold', principal, { fingerprint: `storm-${batch * 5 + i}` }))));
      for (const r of results) {
        expect(r.status).toBe(202);
        answers.push(...r.body.incidents);
      }
      await new Promise((resolve) => setTimeout(resolve, 600));
    }
    expect(new Set(answers.map((a) => a.id)).size).toBe(1);
    expect(answers.filter((a) => a.status === 'started')).toHaveLength(1);
    expect(answers.filter((a) => a.status === 'attached')).toHaveLength(199);

    const resent = await engine.post('/v1/alerts', alert('test.hold', principal, { fingerprint: 'storm-7' }));
    expect(resent.body.incidents).toEqual([{ id: answers[0]!.id, runbook: 'hold', status: 'duplicate' }]);

    const view = await viewOf(engine, answers[0]!.id);
    expect(view.alerts).toBe(200);
    // Counted once each, and sampled: the timeline lists the first 20, the view keeps the latest 5.
    const listed = view.timeline.filter((t: { type: string }) => t.type === 'alert').map((t: { alertKey: string }) => t.alertKey);
    expect(new Set(listed).size).toBe(20);
    expect(view.latestAlerts).toHaveLength(5);
    // History keeps every one: the post-mortem, built from it, lists all 200.
    const res = await fetch(`${engine.url}/v1/incidents/${answers[0]!.id}/report?format=json`, { headers: { authorization: `Bearer ${token('carol')}` } });
    expect(((await res.json()) as { timeline: { type: string }[] }).timeline.filter((e: { type: string }) => e.type === 'alert')).toHaveLength(200);

    // The history passed the 150-event limit: the incident continued as new under the same public id.
    const client = new Client({ connection: await Connection.connect({ address: infra().TEMPORAL_ADDRESS }) });
    const workflowId = answers[0]!.id.slice(0, -9);
    const description = await client.workflow.getHandle(workflowId).describe();
    expect(description.runId).not.toBe(description.raw.workflowExecutionInfo?.firstRunId);
    await client.connection.close();

    const closed = await engine.post(`/v1/incidents/${answers[0]!.id}/notes`, { text: 'storm understood', lessons: true });
    expect(closed.body).toEqual({ accepted: true });
    await eventually(async () => ((await viewOf(engine, answers[0]!.id)).status === 'closed' ? true : undefined), 10_000, 'the incident to close');
  });
});

describe('updates while an incident continues as new', () => {
  it('answers every one of 200 notes sent in bursts of 20 and keeps each once, across several runs', async () => {
    const principal = `User:${unique('notes')}`;
    const id = (await engine.post('/v1/alerts', alert('test.hold', principal))).body.incidents[0].id;
    const sent: string[] = [];
    for (let burst = 0; burst < 10; burst++) {
      const texts = Array.from({ length: 20 }, (_, i) => `note ${burst}-${i}`);
      sent.push(...texts);
      const answers = await Promise.all(texts.map((text) => engine.post(`/v1/incidents/${id}/notes`, { text }, token('carol'))));
      expect(answers.map((a) => a.body)).toEqual(texts.map(() => ({ accepted: true })));
    }
    const notes = (await viewOf(engine, id)).timeline.filter((t: { type: string }) => t.type === 'note').map((t: { text: string }) => t.text);
    expect(notes.toSorted()).toEqual(sent.toSorted());

    const client = new Client({ connection: await Connection.connect({ address: infra().TEMPORAL_ADDRESS }) });
    try {
      const runs = await eventually(async () => {
        const { count } = await client.workflow.count(`WorkflowId = '${id.slice(0, -9)}'`);
        return count >= 4 ? count : undefined;
      }, 10_000, 'several runs of the incident');
      expect(runs).toBeGreaterThanOrEqual(4);
    } finally {
      await client.connection.close();
    }
  });
});

describe('abort with rollback', () => {
  it('restores the exact prior ACL state of the principal', async () => {
    const user = unique('rollback');
    const principal = `User:${user}`;
    await kafka.withAdmin('seed', (a) => a.createAcls({ acl: [{ resourceType: 2, resourceName: unique('t'), resourcePatternType: 3, principal, host: '*', operation: 3, permissionType: 3 }] }));
    const before = await eventually(async () => {
      const b = await bindingsOf(kafka, principal);
      return b.length === 1 ? b : undefined;
    }, 5_000, 'the seeded ALLOW binding');
    const started = await engine.post('/v1/alerts', alert('test.deny-and-hold', principal));
    const id = started.body.incidents[0].id;
    await eventually(async () => ((await viewOf(engine, id)).steps[0].status === 'done' ? true : undefined), 15_000, 'the deny to apply');
    // Brokers learn ACL changes through KRaft metadata propagation: a describe may lag for a moment.
    await eventually(async () => ((await bindingsOf(kafka, principal)).filter((b) => b.permission === 'deny').length === 4 ? true : undefined), 5_000, 'the 4 DENY bindings');

    const refused = await engine.post(`/v1/incidents/${id}/decisions`, { decision: 'abort', reason: 'not mine to abort', rollback: true }, token('alice'));
    expect(refused.body).toEqual({ accepted: false, reason: 'abort needs a member of incident-commanders; alice is not one' });
    const aborted = await engine.post(`/v1/incidents/${id}/decisions`, { decision: 'abort', reason: 'false positive', rollback: true }, token('carol'));
    expect(aborted.body).toEqual({ accepted: true });
    const view = await eventually(async () => {
      const v = await viewOf(engine, id);
      return v.status === 'aborted' && v.timeline.some((t: { type: string }) => t.type === 'rollback.done') ? v : undefined;
    }, 15_000, 'the rollback to finish');
    expect(view.steps[0].status).toBe('undone');
    const same = JSON.stringify(before);
    await eventually(async () => (JSON.stringify(await bindingsOf(kafka, principal)) === same ? true : undefined), 5_000, 'the prior ACL state');
  });
});

describe('a runbook edited during an incident', () => {
  it('does not change the incident: it runs the pinned version even after a worker restart with the new YAML', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kafka-ir-runbooks-'));
    cpSync('test/fixtures/runbooks/hold.yaml', join(dir, 'hold.yaml'));
    cpSync('test/fixtures/runbooks/_roster.yaml', join(dir, '_roster.yaml'));
    const first = await startTestEngine({ KAFKA_IR_RUNBOOKS: dir });
    const principal = `User:${unique('pinned')}`;
    const id = (await first.post('/v1/alerts', alert('test.hold', principal))).body.incidents[0].id;
    await first.close();

    const file = join(dir, 'hold.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('version: 1', 'version: 2').replace('  lessons: []', '  containment:\n    - id: deny\n      action: kafka.acl.deny\n      with: { principal: "${alert.subject.principal}" }\n  lessons: []'));
    const second = await startTestEngine({ KAFKA_IR_RUNBOOKS: dir, TEMPORAL_TASK_QUEUE: first.taskQueue });
    try {
      expect((await second.post(`/v1/incidents/${id}/notes`, { text: 'done', lessons: true })).body).toEqual({ accepted: true });
      const view = await eventually(async () => {
        const v = await viewOf(second, id);
        return v.status === 'closed' ? v : undefined;
      }, 10_000, 'the pinned incident to close');
      expect(view.runbook).toEqual({ id: 'hold', version: 1 });
      expect(view.steps).toEqual([]);
      expect(await bindingsOf(kafka, principal)).toEqual([]);
    } finally {
      await second.close();
    }
  });
});

describe('a dry run', () => {
  it('plans every Kafka action and changes nothing on the cluster', async () => {
    const principal = `User:${unique('dry')}`;
    const res = await engine.post('/v1/alerts?dryRun=true', alert('test.auto-deny', principal));
    expect(res.body.incidents[0]).toMatchObject({ status: 'started', id: expect.stringContaining('-dry-') });
    const view = await eventually(async () => {
      const v = await viewOf(engine, res.body.incidents[0].id);
      return v.status === 'closed' ? v : undefined;
    }, 10_000, 'the dry run to finish');
    expect(view.dryRun).toBe(true);
    expect(view.steps[0]).toMatchObject({ id: 'deny', status: 'planned' });
    expect(view.steps[0].plan.changes).toHaveLength(4);
    expect(await bindingsOf(kafka, principal)).toEqual([]);
  });
});
