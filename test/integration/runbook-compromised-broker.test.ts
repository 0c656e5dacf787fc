// Scenario: the built-in compromised-broker runbook as a dry run. Isolating a broker of the shared cluster for real would
// move every replica of every topic under other tests' feet, so this walks the runbook to close with every change planned only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { abortLeftovers, endLeftoverDryRun, startBuiltinEngine } from '../support/builtin-engine.js';
import { eventually } from '../support/engine.js';
import { unique } from '../support/infra.js';
import { admin } from '../support/kafka.js';
import { brokerDynamicConfigs, describeTopics, topicDynamicConfigs } from '../support/kafka-tools.js';
import { token } from '../support/people.js';

// Not broker 3, which test/integration/broker-isolate.test.ts isolates for real.
const BROKER = 2;
const topic = unique('cb-payments');
let engine: Awaited<ReturnType<typeof startBuiltinEngine>>;
const kafka = admin();
const opened: string[] = [];

beforeAll(async () => {
  await endLeftoverDryRun('compromised-broker', String(BROKER));
  engine = await startBuiltinEngine();
  // RF 2, every partition with a replica on BROKER: one led by it, one where it follows.
  await kafka.withAdmin('creating topic', (a) => a.createTopics({
    waitForLeaders: false,
    topics: [{ topic, replicaAssignment: [{ partition: 0, replicas: [BROKER, 1] }, { partition: 1, replicas: [3, BROKER] }] }],
  }));
  await eventually(async () => {
    const parts = describeTopics([topic]);
    return parts.length === 2 && parts.every((p) => p.leader === p.replicas[0] && p.isr.length === 2) ? true : undefined;
  }, 30_000, `${topic} to have its preferred leaders and a full ISR`);
});

afterAll(async () => {
  if (engine) await abortLeftovers(engine, opened);
  await engine?.close();
  await kafka.withAdmin('deleting topics', (a) => a.deleteTopics({ topics: [topic] })).catch(() => {});
  await kafka.close();
});


describe('compromised-broker (dry run)', () => {
  it('plans the isolation (moves off the broker, caps) with automatic approvals, runs the reads, and changes nothing on the cluster', async () => {
    const partitionsBefore = describeTopics([topic]);
    const configsBefore = brokerDynamicConfigs(BROKER);
    const topicConfigsBefore = topicDynamicConfigs(topic);

    const res = await engine.post('/v1/alerts?dryRun=true', {
      kind: 'compromised-broker', severity: 'critical', summary: `unexpected binary on the host of broker ${BROKER}`, source: 'edr',
      observedAt: new Date().toISOString(), subject: { brokerId: BROKER },
    });
    const id = res.body.incidents[0].id;
    opened.push(id);
    expect(res.body.incidents[0]).toMatchObject({ runbook: 'compromised-broker', status: 'started' });
    expect(id).toMatch(/-dry-/);

    // No decision is needed in a dry run: the incident walks to the lessons record by itself.
    const waiting = await eventually(async () => { const v = await engine.view(id); return v.phase === 'lessons' ? v : undefined; }, 90_000, 'the lessons phase');
    expect(waiting.dryRun).toBe(true);
    const steps = Object.fromEntries(waiting.steps.map((s: { id: string }) => [s.id, s]));
    expect(waiting.steps.map((s: { id: string; status: string }) => `${s.id}:${s.status}`)).toEqual([
      'health-before:done', 'isolate:planned', 'health-after:done', 'restore-broker:skipped', 'health:done',
    ]);
    expect(steps['health-before'].output).toMatchObject({ brokers: 3 });

    const plan = steps.isolate.plan;
    const moves = plan.changes.filter((c: { op: string }) => c.op === 'partition.reassign');
    expect(moves).toEqual(expect.arrayContaining([
      { op: 'partition.reassign', topic, partition: 0, before: [BROKER, 1], after: [1, 3] },
      { op: 'partition.reassign', topic, partition: 1, before: [3, BROKER], after: [3, 1] },
    ]));
    // Every topic of the cluster is drained, not only this one: each move takes the broker out and nothing else moves.
    for (const m of moves) expect(m.before.includes(BROKER) && !m.after.includes(BROKER)).toBe(true);
    expect(plan.changes.filter((c: { op: string }) => c.op === 'config.set').map((c: { name: string; key: string; after: string }) => `${c.name}:${c.key}=${c.after}`).sort())
      .toEqual([`${BROKER}:max.connection.creation.rate=1`, `${BROKER}:max.connections=10`]);
    expect(plan.inverse).toEqual(expect.arrayContaining([{ op: 'partition.reassign', topic, partition: 0, before: [1, 3], after: [BROKER, 1] }]));
    // The copies run under the default replication throttle, lifted afterwards; undo gives broker 2 back its leadership.
    expect(plan.changes).toEqual(expect.arrayContaining([
      { op: 'partition.throttle', resource: 'broker', name: String(BROKER), key: 'follower.replication.throttled.rate', during: String(50 * 1024 * 1024) },
      { op: 'partition.throttle', resource: 'topic', name: topic, key: 'leader.replication.throttled.replicas', during: `0:${BROKER},0:1,0:3,1:3,1:${BROKER},1:1` },
    ]));
    expect(plan.inverse).toEqual(expect.arrayContaining([{ op: 'leader.elect', topic, partition: 0, leader: BROKER }]));
    expect(steps.isolate.output).toEqual({ changed: [], alreadyInPlace: 0 });
    expect(steps.isolate.approvals).toMatchObject({ quorum: 2, votes: [] });
    expect(steps['restore-broker'].note).toBe('skipped (dry run): step isolate was only planned, so there is nothing to undo');
    const types = waiting.timeline.map((e: { type: string; step?: string }) => (e.step ? `${e.type}:${e.step}` : e.type));
    expect(types).toEqual(expect.arrayContaining(['approval.requested:isolate', 'step.dry-run:isolate', 'approval.requested:restore-broker']));
    expect(types).not.toContain('step.applying:isolate');
    expect(types).not.toContain('decision:isolate');

    expect((await engine.post(`/v1/incidents/${id}/notes`, { text: 'rehearsal: drain plan reviewed with the platform team', lessons: true }, token('carol'))).body).toEqual({ accepted: true });
    await engine.closed(id);

    // Nothing moved, nothing was capped or throttled (Kafka's own TopicCommand and ConfigCommand).
    expect(describeTopics([topic])).toEqual(partitionsBefore);
    expect(brokerDynamicConfigs(BROKER)).toEqual(configsBefore);
    expect(topicDynamicConfigs(topic)).toEqual(topicConfigsBefore);
  });
});
