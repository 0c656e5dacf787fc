// Alerts from a Kafka topic: a good message opens an incident, a bad one lands in the dead-letter topic with the reason,
// and a redelivered message (the group's offset reset) is a duplicate, not a second incident.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestEngine } from '../support/engine.js';
import { infra, unique } from '../support/infra.js';
import { admin, createTopic } from '../support/kafka.js';
import { kcatConsume } from '../support/kcat.js';

const kafka = admin();
const topic = unique('alerts-in');
const deadLetterTopic = unique('alerts-dead');
const groupId = unique('intake-group');
const dir = mkdtempSync(join(tmpdir(), 'kafka-ir-intake-'));
const configFile = join(dir, 'config.yaml');
let engine: Awaited<ReturnType<typeof startTestEngine>>;
let connection: Connection;

beforeAll(async () => {
  await createTopic(kafka, topic);
  await createTopic(kafka, deadLetterTopic);
  writeFileSync(configFile, `intake:\n  topic: ${topic}\n  deadLetterTopic: ${deadLetterTopic}\n  groupId: ${groupId}\n  fromBeginning: true\n`);
  engine = await startTestEngine({ KAFKA_IR_CONFIG: configFile });
  connection = await Connection.connect({ address: infra().TEMPORAL_ADDRESS });
});
afterAll(async () => {
  await engine?.close();
  await connection?.close();
  await kafka.close();
  rmSync(dir, { recursive: true, force: true });
});

async function produce(values: string[]): Promise<void> {
  const producer = kafka.kafka.producer();
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: values.map((value) => ({ value })) });
  await producer.disconnect();
}

const committed = async () =>
  (await kafka.withAdmin('reading offsets', (a) => a.fetchOffsets({ groupId, topics: [topic] })))[0]!.partitions[0]!.offset;

/** The dead-letter records, read back with kcat (an independent client). */
function deadLetters(): { reason: string; issues: { path: string }[]; original: string; source: { offset: string } }[] {
  const res = kcatConsume(infra().KAFKA_SASL_USERNAME, infra().KAFKA_SASL_PASSWORD, deadLetterTopic);
  return res.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line));
}

describe('Kafka alert intake', () => {
  const principal = `User:${unique('kafka-in')}`;
  const workflowId = `ir-hold-${createHash('sha256').update(principal).digest('hex').slice(0, 16)}`;
  const alert = (extra: Record<string, unknown> = {}) => JSON.stringify({
    kind: 'test.hold', severity: 'high', summary: `${principal} via Kafka`, source: 'kafka-test', observedAt: new Date().toISOString(), subject: { principal }, ...extra,
  });
  let id: string;

  it('opens an incident from a good message, and dead-letters bad ones with the reason', async () => {
    await produce([alert(), '{not json', JSON.stringify({ kind: 'test.hold', severity: 'catastrophic' }), alert({ fingerprint: 'fp-kafka-1', summary: 'again' })]);
    await eventually(async () => ((await committed()) === '4' ? true : undefined), 60_000, 'the intake to commit all four messages');

    // One incident for both good alerts: found by its subject (its id is fixed when the intake logs the first alert).
    const open = await eventually(async () => {
      const listed = ((await engine.get('/v1/incidents?status=open')).body.incidents as { id: string; subject: string }[]).filter((i) => i.subject === principal);
      return listed.length > 0 ? listed : undefined;
    }, 30_000, 'the incident to open');
    expect(open).toHaveLength(1);
    id = open[0]!.id;
    expect(id.startsWith(`${workflowId}-`)).toBe(true);
    const view = await eventually(async () => { const v = (await engine.get(`/v1/incidents/${id}`)).body; return v.alerts === 2 ? v : undefined; }, 30_000, 'both alerts to be counted');
    expect(view).toMatchObject({ runbook: { id: 'hold' }, subject: principal, severity: 'high', status: 'open', alerts: 2 });
    expect(view.timeline.filter((t: { type: string }) => t.type === 'alert').map((t: { alertKey: string }) => t.alertKey))
      .toEqual([`kafka:${topic}:0:0`, 'fp:fp-kafka-1']);

    const letters = await eventually(async () => { const l = deadLetters(); return l.length === 2 ? l : undefined; }, 20_000, 'two dead letters');
    expect(letters[0]).toMatchObject({ reason: 'not JSON', original: '{not json', source: { topic, partition: 0, offset: '1' } });
    expect(letters[1]).toMatchObject({ reason: 'not a valid alert', source: { offset: '2' } });
    expect(letters[1]!.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['severity', 'summary', 'subject']));
  });

  it('treats a redelivered message (same offset, after the group is reset) as a duplicate', async () => {
    await engine.close();
    await kafka.withAdmin('resetting offsets', (a) => a.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '0' }] }));
    expect(await committed()).toBe('0');
    engine = await startTestEngine({ KAFKA_IR_CONFIG: configFile, TEMPORAL_TASK_QUEUE: engine.taskQueue });
    await eventually(async () => ((await committed()) === '4' ? true : undefined), 60_000, 'the intake to re-read all four messages');

    const view = (await engine.get(`/v1/incidents/${id}`)).body;
    expect(view.alerts).toBe(2);
    const runs: string[] = [];
    for await (const e of new Client({ connection }).workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push(e.runId);
    expect(runs).toHaveLength(1);
    // At least once: the bad messages were dead-lettered again.
    expect(deadLetters().map((l) => l.source.offset)).toEqual(['1', '2', '1', '2']);
    expect((await engine.post(`/v1/incidents/${id}/notes`, { text: 'test over', lessons: true })).status).toBe(200);
  });
});
