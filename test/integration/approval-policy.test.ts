// Approval policy and drills on the real engine, Kafka and Temporal: per-team seats, an escalated commander's vote, proceed
// on timeout, a failed step that asks, and a drill whose approvals are real and whose plans are never applied.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaActivities } from '../../activities/kafka/index.js';
import { Settings } from '../../src/model/settings.js';
import { eventually, startTestEngine, type TestEngine } from '../support/engine.js';
import { unique } from '../support/infra.js';
import { admin, allow, denyBindingsBecome } from '../support/kafka.js';
import { kafkaTool } from '../support/kafka-tools.js';
import { token, type Person } from '../support/people.js';

const evidenceDir = mkdtempSync(join(tmpdir(), 'kafka-ir-approvals-'));
const kafka = admin();
let engine: TestEngine;

/** A person's decision through the public endpoint, as it was answered. */
const decision = async (id: string, step: string, who: Person, decision: string) =>
  (await engine.post(`/v1/incidents/${id}/decisions`, { step, decision }, token(who))).body as { accepted: boolean; reason?: string };

const alert = (kind: string, principal: string, severity = 'high') => ({
  kind, severity, summary: `${kind} about ${principal}`, source: 'approval-policy-test', observedAt: new Date().toISOString(), subject: { principal },
});

/** Kafka's own AclCommand listing of a principal's bindings, exactly as it prints it. */
const aclCommand = (principal: string) => kafkaTool('kafka.admin.AclCommand', ['--list', '--principal', principal]);

const principals = { quorum: unique('User:quorum'), escalated: unique('User:escalated'), proceed: unique('User:proceed'), ask: unique('User:ask'), drill: unique('User:drill') };
const ids: Record<keyof typeof principals, string> = { quorum: '', escalated: '', proceed: '', ask: '', drill: '' };
let aclsBeforeDrill = '';

describe('approval policy per team, proceed on timeout, failures that ask, and drills (one engine)', () => {
  beforeAll(async () => {
    engine = await startTestEngine({ KAFKA_IR_EVIDENCE_DIR: evidenceDir });
    // The drill's principal holds an ALLOW, so the listing the drill must leave alone is not empty.
    await allow(kafka, principals.drill, [{ resourceType: 'topic', resourceName: unique('drill-topic'), patternType: 'literal', operation: 'read' }]);
    aclsBeforeDrill = await eventually(async () => { const out = aclCommand(principals.drill); return out.includes('READ') ? out : undefined; }, 30_000, 'the ALLOW to show');
    // Every incident starts at once, so their timers (escalation, timeout) run side by side.
    const started = await Promise.all([
      engine.post('/v1/alerts', alert('test.one-of-each', principals.quorum)),
      engine.post('/v1/alerts', alert('test.one-of-each', principals.escalated)),
      engine.post('/v1/alerts', alert('test.proceed-deny', principals.proceed)),
      engine.post('/v1/alerts', alert('test.ask-retry', principals.ask)),
      engine.post('/v1/drills', { runbook: 'drill-deny', principal: principals.drill }),
    ]);
    [ids.quorum, ids.escalated, ids.proceed, ids.ask] = started.slice(0, 4).map((r) => r.body.incidents[0].id as string) as [string, string, string, string];
    expect(started[4]!.status).toBe(202);
    ids.drill = started[4]!.body.id;
  }, 120_000);

  afterAll(async () => {
    await engine?.close();
    await kafka.close();
  });

  it('refuses a second approval from the same team: one of kafka-oncall and one of secops are needed', async () => {
    const id = ids.quorum;
    await engine.waitForStep(id, 'deny', 'awaiting_approval');
    expect(await decision(id, 'deny', 'alice', 'approve')).toEqual({ accepted: true });
    const second = await decision(id, 'deny', 'dave', 'approve');
    expect(second.accepted).toBe(false);
    expect(second.reason).toContain('still needs 1 of secops');
    expect((await engine.stepOf(id, 'deny')).status).toBe('awaiting_approval');
    expect(await decision(id, 'deny', 'bob', 'approve')).toEqual({ accepted: true });
    await engine.closed(id, 30_000);
    await denyBindingsBecome(kafka, principals.quorum, (n) => n > 0);
  });

  it('lets the escalated incident commander complete the step once escalated', async () => {
    const id = ids.escalated;
    await engine.waitForStep(id, 'deny', 'awaiting_approval');
    expect(await decision(id, 'deny', 'alice', 'approve')).toEqual({ accepted: true });
    await eventually(async () => ((await engine.stepOf(id, 'deny')).approvals.escalatedTo?.includes('carol') ? true : undefined), 20_000, 'the escalation');
    expect((await engine.stepOf(id, 'deny')).approvals.waitingOn).toEqual(expect.arrayContaining(['bob', 'carol']));
    expect(await decision(id, 'deny', 'carol', 'approve')).toEqual({ accepted: true });
    const final = await engine.closed(id, 30_000);
    expect(final.steps.find((s: { id: string }) => s.id === 'deny').approvals.votes.map((v: { person: string }) => v.person)).toEqual(['alice', 'carol']);
    await denyBindingsBecome(kafka, principals.escalated, (n) => n > 0);
  });

  it('applies a reversible deny when nobody answers a high-severity alert (onTimeout: proceed)', async () => {
    const final = await engine.closed(ids.proceed, 30_000);
    const deny = final.steps.find((s: { id: string }) => s.id === 'deny');
    expect(deny.status).toBe('done');
    expect(deny.approvals.votes).toEqual([]);
    await denyBindingsBecome(kafka, principals.proceed, (n) => n === deny.plan.changes.length);
  });

  it('asks about a failed step, and a retry someone approves runs it again to done', async () => {
    const id = ids.ask;
    await engine.waitForStep(id, 'diff', 'awaiting_answer');
    const asked = await engine.stepOf(id, 'diff');
    expect(asked.ask.error).toMatch(/baseline/i);
    expect(asked.ask.waitingOn).toEqual(['carol']);
    expect((await decision(id, 'diff', 'alice', 'retry')).accepted).toBe(false);
    // What made it fail is fixed: a baseline now exists.
    await kafkaActivities({ kafka, settings: Settings.parse({}), evidenceDir }).snapshotBaseline({ incidentId: 'approval-policy', step: 'snapshot', input: {} });
    expect(await decision(id, 'diff', 'carol', 'retry')).toEqual({ accepted: true });
    const final = await engine.closed(id, 30_000);
    const diff = final.steps.find((s: { id: string }) => s.id === 'diff');
    expect(diff.status).toBe('done');
    expect(diff.ask.answer).toMatchObject({ person: 'carol', channel: 'api', decision: 'retry' });
    expect(final.timeline.filter((t: { type: string }) => t.type === 'failure.asked')).toHaveLength(1);
  });

  it('runs a drill with real approvals that leaves the ACLs byte-for-byte unchanged, and reports it as a DRILL', async () => {
    const id = ids.drill;
    expect(id).toMatch(/-drill-[0-9a-f]{8}$/);
    await engine.waitForStep(id, 'deny', 'awaiting_approval');
    const view = await engine.view(id);
    expect(view.drill).toBe(true);
    // The read ran for real: it saw the ALLOW.
    expect((view.steps.find((s: { id: string }) => s.id === 'acls').output.bindings as unknown[]).length).toBe(1);
    expect(await decision(id, 'deny', 'alice', 'approve')).toEqual({ accepted: true });
    expect((await decision(id, 'deny', 'dave', 'approve')).accepted).toBe(false);
    expect(await decision(id, 'deny', 'bob', 'approve')).toEqual({ accepted: true });
    const final = await engine.closed(id, 30_000);
    expect(final.steps.find((s: { id: string }) => s.id === 'deny').status).toBe('planned');
    expect(aclCommand(principals.drill)).toBe(aclsBeforeDrill);

    const report = (await engine.get(`/v1/incidents/${id}/report?format=json`)).body;
    expect(report.incident.drill).toBe(true);
    const [deny] = report.drill.decisions;
    expect(deny).toMatchObject({ step: 'deny', kind: 'approval', outcome: 'approved', silent: ['dave'] });
    expect(deny.answeredBy.map((a: { person: string }) => a.person)).toEqual(['alice', 'bob']);
    expect(deny.timeToDecisionMs).toBeGreaterThanOrEqual(deny.answeredBy[0].afterMs);
    expect(report.drill.wouldHaveChanged[0]).toMatchObject({ step: 'deny', action: 'kafka.acl.deny' });
    const markdown = await fetch(`${engine.url}/v1/incidents/${id}/report?format=md`).then((r) => r.text());
    expect(markdown).toMatch(/^# DRILL report:/);
    expect(markdown).toContain('## DRILL score');
  });
});
