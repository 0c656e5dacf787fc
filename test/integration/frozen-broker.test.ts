// A broker frozen (SIGSTOP) during a deny: the deny still applies, verify names the broker it waits for (view and Slack thread), the incident
// completes when the broker returns, and one that stops waiting first leaves the step unconfirmed for an incident commander to decide.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { status } from '../../scripts/infra/index.js';
import { eventually, startTestEngine, type TestEngine } from '../support/engine.js';
import { unique } from '../support/infra.js';
import { kafkaTool } from '../support/kafka-tools.js';
import { admin, allow, createTopic, createUser } from '../support/kafka.js';
import { token } from '../support/people.js';
import { startSlackStandIn, type SlackStandIn } from '../support/slack-stand-in.js';
import { slackEnv } from '../support/slack-clicks.js';

/**
 * How long the broker stays frozen: the 60 s by default (CI runs integration files one at a time); set
 * KAFKA_IR_TEST_FREEZE_S lower where others share the cluster, since a frozen broker stalls their partitions too.
 */
const FREEZE_MS = Number(process.env.KAFKA_IR_TEST_FREEZE_S ?? 60) * 1000;

/**
 * The highest-numbered broker that is not the active controller: freezing the controller would also stall every
 * metadata write until the quorum elects another (its brokers wait out their forwarding timeout), which is not what
 * this test is about. The engine reaches the cluster through the first bootstrap brokers.
 */
function brokerToFreeze(): number {
  const leader = Number(/LeaderId:\s+(\d+)/.exec(kafkaTool('org.apache.kafka.tools.MetadataQuorumCommand', ['describe', '--status']))?.[1]);
  return [3, 2].find((id) => id !== leader)!;
}

let slack: SlackStandIn;
let engine: TestEngine;
const kafka = admin();
beforeAll(async () => {
  slack = await startSlackStandIn();
  engine = await startTestEngine(slackEnv(slack));
});
afterAll(async () => { await engine?.close(); await slack?.close(); await kafka.close(); });

/** A principal that reads a topic (made before the freeze, which would stall it), and how to open an incident about it. */
async function principal(): Promise<(kind: string) => Promise<string>> {
  const user = unique('frozen');
  const topic = unique('frozen-topic');
  await createUser(user);
  await createTopic(kafka, topic, ['msg-1']);
  await allow(kafka, `User:${user}`, [{ resourceType: 'topic', resourceName: topic, patternType: 'literal', operation: 'read' }]);
  return async (kind) => (await engine.post('/v1/alerts', {
    kind, severity: 'high', summary: `${user} misbehaves`, source: 'test', observedAt: new Date().toISOString(), subject: { principal: `User:${user}` },
  })).body.incidents[0].id as string;
}

describe('a frozen broker', () => {
  it('is named while verify waits for it; the incident completes when it returns, or, past a short wait, is left to a commander', async () => {
    const frozen = brokerToFreeze();
    const pid = (await status()).kafka.nodes.find((n) => n.nodeId === frozen)?.pid;
    expect(pid, `broker ${frozen} runs`).toBeDefined();
    const waits = (w: { id: number }) => w.id === frozen;

    const [openPatient, openBrief] = await Promise.all([principal(), principal()]);
    // A topic whose only replica is on the frozen broker: once the broker is fenced, the cluster's metadata reports its
    // partition without a leader, which must not keep verify from naming the broker.
    const stranded = unique('frozen-stranded');
    await createTopic(kafka, stranded, [], { onBrokers: [frozen] });

    const frozenAt = Date.now();
    process.kill(pid!, 'SIGSTOP');
    // Whatever happens to the test, the broker answers again on time: others share it.
    const thaw = setTimeout(() => process.kill(pid!, 'SIGCONT'), FREEZE_MS);
    try {
      const [patient, brief] = await Promise.all([openPatient('test.deny-and-verify'), openBrief('test.deny-verify-briefly')]);

      // The deny does not need the silent broker: any other one forwards it to the controller.
      await engine.waitForStep(patient, 'deny', 'done', FREEZE_MS);
      const waiting = await eventually(async () => {
        const verify = await engine.stepOf(patient, 'verify');
        return verify.status === 'running' && verify.waitingFor?.some(waits) ? verify : undefined;
      }, FREEZE_MS, `verify to name broker ${frozen}`);
      const wait = waiting.waitingFor.find(waits);
      expect(Date.parse(wait.since)).toBeGreaterThanOrEqual(frozenAt);
      expect(wait.reason).toMatch(/did not answer|not among the live brokers/);
      const opened = await slack.waitFor((m) => m.text?.startsWith(`Incident ${patient} opened`) === true);
      await slack.waitFor((m) => m.thread_ts === opened.ts && JSON.stringify(m.blocks).includes(`waiting for broker ${frozen} (`)
        && JSON.stringify(m.blocks).includes(`since ${wait.since}`), 20_000);

      // Past its one-second wait, the other incident's verify is over but confirms nothing: the containment check holds.
      await engine.waitForStep(brief, 'verify', 'unconfirmed', FREEZE_MS);
      const unconfirmed = await engine.stepOf(brief, 'verify');
      expect(unconfirmed.waitingFor.some(waits)).toBe(true);
      expect(unconfirmed.output.unconfirmed.some(waits)).toBe(true);
      const briefOpened = await slack.waitFor((m) => m.text?.startsWith(`Incident ${brief} opened`) === true);
      await slack.waitFor((m) => m.thread_ts === briefOpened.ts && JSON.stringify(m.blocks).includes(`applied, unconfirmed on broker ${frozen}`), 20_000);
      expect(await engine.view(brief)).toMatchObject({ status: 'open', phase: 'containment' });
      expect((await engine.stepOf(brief, 'acls')).status).toBe('pending');
      expect((await engine.view(patient)).status).toBe('open');

      await new Promise((r) => setTimeout(r, Math.max(0, frozenAt + FREEZE_MS - Date.now())));

      const closed = await engine.closed(patient, 120_000);
      const verify = closed.steps.find((s: { id: string }) => s.id === 'verify');
      expect(verify).toMatchObject({ status: 'done', output: { verdict: 'denied' } });
      expect(verify.waitingFor).toBeUndefined();
      expect(verify.output.brokers.map((b: { id: number }) => b.id)).toContain(frozen);
      const types = closed.timeline.map((t: { type: string }) => t.type);
      expect(types.indexOf('step.waiting')).toBeLessThan(types.indexOf('step.confirmed'));

      // People decide the other one: an incident commander takes it past the check.
      const advanced = await engine.post(`/v1/incidents/${brief}/decisions`, { decision: 'force-advance', reason: `broker ${frozen} is back and holds the DENY` }, token('carol'));
      expect(advanced.body).toEqual({ accepted: true });
      const done = await engine.closed(brief, 60_000);
      expect(done.steps.map((s: { id: string; status: string }) => `${s.id}:${s.status}`)).toEqual(['deny:done', 'verify:unconfirmed', 'acls:done']);
    } finally {
      clearTimeout(thaw);
      process.kill(pid!, 'SIGCONT');
      await kafka.withAdmin('deleting a topic', (a) => a.deleteTopics({ topics: [stranded] })).catch(() => undefined);
    }
  }, 300_000);
});
