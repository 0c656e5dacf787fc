// The first incident end to end: an alert through the HTTP API locks a reading principal out of the real cluster.
import { createHash } from 'node:crypto';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestEngine } from '../support/engine.js';
import { infra, unique } from '../support/infra.js';
import { admin, allow, createTopic, createUser, watchConsumer } from '../support/kafka.js';
import { kcatConsume } from '../support/kcat.js';

let engine: Awaited<ReturnType<typeof startTestEngine>>;
const kafka = admin();

beforeAll(async () => { engine = await startTestEngine(); });
afterAll(async () => { await engine?.close(); await kafka.close(); });

function alertFor(principal: string, overrides: Record<string, unknown> = {}) {
  return {
    kind: 'test.auto-deny', severity: 'high', summary: `${principal} reads topics it should not`, source: 'integration-test',
    observedAt: new Date().toISOString(), subject: { principal }, ...overrides,
  };
}

describe('an auto-deny alert', () => {
  it('locks the principal out: its running consumer and kcat are refused by the broker within 10 s', async () => {
    const user = unique('mallory');
    const topic = unique('orders');
    const group = unique('mallory-group');
    const password = await createUser(user);
    await createTopic(kafka, topic, ['order-1', 'order-2']);
    await allow(kafka, `User:${user}`, [
      { resourceType: 'topic', resourceName: topic, patternType: 'literal', operation: 'read' },
      { resourceType: 'group', resourceName: group, patternType: 'literal', operation: 'read' },
    ]);

    // Before: mallory reads, with kafkajs and with kcat.
    const consumer = await watchConsumer(user, password, topic, group);
    await eventually(async () => (consumer.received.length === 2 ? true : undefined), 20_000, 'mallory to consume both messages');
    const before = kcatConsume(user, password, topic);
    expect(before.status).toBe(0);
    expect(before.stdout.split('\n')).toEqual(expect.arrayContaining(['order-1', 'order-2']));

    const posted = Date.now();
    const res = await engine.post('/v1/alerts', alertFor(`User:${user}`));
    expect(res.status).toBe(202);
    expect(res.body.incidents).toEqual([{ id: expect.stringMatching(/^ir-auto-deny-[0-9a-f]{16}-[0-9a-f-]{8}$/), runbook: 'auto-deny', status: 'started' }]);
    expect(res.body.incidents[0].id).not.toContain(user);

    // The same consumer is refused by the broker on its next fetch.
    const refusal = await Promise.race([
      consumer.crashed,
      new Promise<string>((_, reject) => setTimeout(() => reject(new Error('consumer still allowed after 10 s')), 10_000)),
    ]);
    expect(refusal).toMatch(/authoriz/i);
    expect(Date.now() - posted).toBeLessThan(10_000);
    await consumer.stop();

    const after = kcatConsume(user, password, topic);
    expect(after.status).not.toBe(0);
    expect(after.stderr).toMatch(/[Aa]uthoriz/);

    const view = await eventually(async () => {
      const r = await engine.get(`/v1/incidents/${res.body.incidents[0].id}`);
      return r.status === 200 && r.body.status === 'closed' ? r.body : undefined;
    }, 10_000, 'the incident to close');
    expect(view).toMatchObject({
      runbook: { id: 'auto-deny', version: 1 }, subject: `User:${user}`, severity: 'high', status: 'closed', alerts: 1,
      steps: [{ id: 'deny', phase: 'containment', action: 'kafka.acl.deny', status: 'done' }],
    });
    expect(view.steps[0].plan.changes).toHaveLength(4);
    expect(view.steps[0].plan.inverse.map((c: { op: string }) => c.op)).toEqual(['acl.delete', 'acl.delete', 'acl.delete', 'acl.delete']);
    expect(view.timeline.map((t: { type: string }) => t.type)).toEqual(expect.arrayContaining(['alert', 'step.planned', 'step.applying', 'step.done', 'closed']));
  });

  it('refuses a bad alert with 400 and the issues, and starts nothing', async () => {
    const user = unique('nobody');
    const res = await engine.post('/v1/alerts', alertFor(`User:${user}`, { severity: 'catastrophic', observedAt: 'yesterday' }));
    expect(res.status).toBe(400);
    expect(res.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['observedAt', 'severity']);
    // The incident it would have opened does not exist in Temporal.
    const client = new Client({ connection: await Connection.connect({ address: infra().TEMPORAL_ADDRESS }) });
    const workflowId = `ir-auto-deny-${createHash('sha256').update(`User:${user}`).digest('hex').slice(0, 16)}`;
    await expect(client.workflow.getHandle(workflowId).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    await client.connection.close();
  });

  it('answers 401 without the intake token when one is set', async () => {
    const guarded = await startTestEngine({ KAFKA_IR_INTAKE_TOKEN: 'intake-token-0123456789' });
    try {
      const alert = alertFor(`User:${unique('eve')}`);
      expect((await guarded.post('/v1/alerts', alert)).status).toBe(401);
      expect((await guarded.post('/v1/alerts', alert, 'wrong-token-0123456789')).body).toEqual({ error: 'unauthorized' });
    } finally {
      await guarded.close();
    }
  });
});
