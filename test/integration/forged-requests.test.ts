// Someone who can reach Temporal but not the engine: their decisions, notes and starts carry no valid engine seal, so
// each is refused and counted in the incident, and nothing happens on Kafka; the engine's own requests still count.
import { createSecretKey, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { EngineSeal, sealKeys } from '../../adapters/engine-seal.js';
import { updateSealSubject, startSealSubject } from '../../src/model/engine-seal.js';
import { parseIncidentId } from '../../src/model/incident.js';
import { loadRunbookSet } from '../../src/runbooks/load.js';
import { addNote, decide } from '../../workflows/messages.js';
import { eventually, startTestEngine, type TestEngine } from '../support/engine.js';
import { infra, testConfig, unique } from '../support/infra.js';
import { admin, bindingsOf } from '../support/kafka.js';
import { token } from '../support/people.js';

let engine: TestEngine;
let client: Client;
const kafka = admin();
beforeAll(async () => {
  engine = await startTestEngine();
  client = new Client({ connection: await Connection.connect({ address: infra().TEMPORAL_ADDRESS }) });
});
afterAll(async () => { await engine?.close(); await client?.connection.close(); await kafka.close(); });

const alert = (kind: string, principal: string) => ({
  kind, severity: 'critical', summary: `${principal} exfiltrates`, source: 'integration-test', observedAt: new Date().toISOString(), subject: { principal },
});
/** The engine's own key, as another engine process on this machine would find it. */
const engineSeal = () => new EngineSeal(sealKeys({ dataDir: testConfig().temporal.dataDir }).keys);
const otherSeal = new EngineSeal([createSecretKey(randomBytes(32))]);

async function awaitingApproval() {
  const principal = `User:${unique('forged')}`;
  const id = (await engine.post('/v1/alerts', alert('test.approve-deny', principal))).body.incidents[0].id as string;
  await engine.waitForStep(id, 'deny', 'awaiting_approval', 20_000);
  const { workflowId } = parseIncidentId(id)!;
  const firstRunId = (await client.workflow.getHandle(workflowId).describe()).raw.workflowExecutionInfo!.firstRunId!;
  return { id, principal, workflowId, firstRunId, handle: client.workflow.getHandle(workflowId) };
}

describe('updates sent straight to Temporal', () => {
  it('are refused unless the engine sealed them for this incident, just now; each is counted and none is a vote', async () => {
    const { id, principal, workflowId, firstRunId, handle } = await awaitingApproval();
    const other = await awaitingApproval();
    const vote = (person: string) => ({ person, channel: 'api', step: 'deny', decision: 'approve' as const });
    const subject = (request: object) => updateSealSubject('decide', workflowId, firstRunId, request);

    const forged = [
      // No seal at all: what a plain gRPC client sends.
      [await handle.executeUpdate(decide, { args: [vote('alice')] }), 'it carries no seal of this engine'],
      // Sealed with a key that is not the engine's.
      [await handle.executeUpdate(decide, { args: [vote('alice'), otherSeal.seal(subject(vote('alice')))] }), "its seal does not verify with the engine's key"],
      // The engine's genuine seal, but made for another incident.
      [await handle.executeUpdate(decide, { args: [vote('bob'), engineSeal().seal(updateSealSubject('decide', other.workflowId, other.firstRunId, vote('bob')))] }), "its seal does not verify with the engine's key"],
      // The engine's genuine seal on another request (a copied seal on a changed vote).
      [await handle.executeUpdate(decide, { args: [vote('bob'), engineSeal().seal(subject(vote('dave')))] }), "its seal does not verify with the engine's key"],
      // The engine's genuine seal, eleven minutes old: a copied request sent again later.
      [await handle.executeUpdate(decide, { args: [vote('bob'), engineSeal().seal(subject(vote('bob')), new Date(Date.now() - 11 * 60_000))] }), 'more than 10 minutes'],
    ] as const;
    for (const [answer, why] of forged) expect(answer).toEqual({ accepted: false, reason: expect.stringContaining(why) });
    expect(forged[0][0].reason).toBe('not from the engine: it carries no seal of this engine');
    // A forged lessons record would close the incident: refused like the votes.
    expect(await handle.executeUpdate(addNote, { args: [{ person: 'carol', channel: 'api', text: 'closing', lessons: true }] }))
      .toEqual({ accepted: false, reason: 'not from the engine: it carries no seal of this engine' });

    const view = await engine.view(id);
    expect(view.steps[0]).toMatchObject({ status: 'awaiting_approval', approvals: { votes: [] } });
    expect(view.refused.count).toBe(6);
    expect(view.refused.last.map((r: { channel: string; reason: string }) => `${r.channel}: ${r.reason}`)).toEqual([
      "temporal: decide not from the engine: its seal does not verify with the engine's key",
      "temporal: decide not from the engine: its seal does not verify with the engine's key",
      "temporal: decide not from the engine: its seal does not verify with the engine's key",
      expect.stringMatching(/^temporal: decide not from the engine: its seal is from .*, more than 10 minutes/),
      'temporal: addNote not from the engine: it carries no seal of this engine',
    ]);
    expect(view.timeline.filter((t: { type: string }) => t.type === 'request.refused')).toHaveLength(6);
    expect(view.timeline.find((t: { type: string }) => t.type === 'request.refused'))
      .toMatchObject({ update: 'decide', claimed: { person: 'alice', step: 'deny' }, channel: 'temporal', reason: 'not from the engine: it carries no seal of this engine' });
    expect(await bindingsOf(kafka, principal)).toEqual([]);

    // The engine's own requests, sealed at the edge, still count.
    await engine.decide(id, 'deny', 'alice');
    await engine.decide(id, 'deny', 'bob');
    const closed = await engine.closed(id, 20_000);
    expect(closed.steps[0].approvals.votes.map((v: { person: string }) => v.person)).toEqual(['alice', 'bob']);
    await eventually(async () => ((await bindingsOf(kafka, principal)).length === 4 ? true : undefined), 10_000, 'the DENY the real quorum approved');
    await engine.post(`/v1/incidents/${other.id}/decisions`, { decision: 'abort', reason: 'test done' }, token('carol'));
  });
});

describe('an incident started straight in Temporal', () => {
  const runbook = () => loadRunbookSet(['test/fixtures/runbooks']).runbooks.find((r) => r.runbook.id === 'auto-deny')!.runbook;
  const input = (principal: string) => ({
    runbook: runbook(), alert: alert('test.auto-deny', principal), alertKey: unique('forged-key'), subject: principal, dryRun: false,
    roster: { people: {}, groups: {} },
  });

  it('is refused before any action when its input is not sealed by the engine: its DENY needing no approval never runs', async () => {
    for (const [what, seal] of [['no seal', undefined], ['a seal of another key', 'other']] as const) {
      const principal = `User:${unique('forged-start')}`;
      const workflowId = `ir-auto-deny-${randomBytes(8).toString('hex')}`;
      const args = seal ? [input(principal), otherSeal.seal(startSealSubject(workflowId, input(principal)))] : [input(principal)];
      const handle = await client.workflow.start('runIncident', { taskQueue: engine.taskQueue, workflowId, args });
      const view = await handle.result() as { status: string; timeline: { type: string; reason?: string }[] };
      expect(view.status, what).toBe('aborted');
      expect(view.timeline.at(-1), what).toMatchObject({ type: 'start.refused', reason: expect.stringMatching(/^not started by the engine: (it carries no seal of this engine|its seal does not verify)/) });
      const { events } = await handle.fetchHistory();
      // Nothing ran but the seal check itself (a local activity, recorded as a marker, when there is a seal to check):
      // no Kafka action, no notice.
      const activities = events!.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
      expect(activities, what).toEqual([]);
      const markers = events!.flatMap((e) => e.markerRecordedEventAttributes?.markerName ?? []);
      expect(markers.filter((m) => m === 'core_local_activity'), what).toHaveLength(seal ? 1 : 0);
      expect(await bindingsOf(kafka, principal), what).toEqual([]);
    }
  });

  it('is refused when it carries state as if continued from an earlier run, which it was not', async () => {
    const principal = `User:${unique('forged-carried')}`;
    const workflowId = `ir-auto-deny-${randomBytes(8).toString('hex')}`;
    const forgedInput = { ...input(principal), carried: { view: {}, seenAlertKeys: [], machine: { value: 'containment', context: {} }, timers: [], undoLog: [], outputs: {} } };
    // Even with the engine's genuine seal over the input: carried state comes only from continue-as-new.
    const handle = await client.workflow.start('runIncident', { taskQueue: engine.taskQueue, workflowId, args: [forgedInput, engineSeal().seal(startSealSubject(workflowId, forgedInput))] });
    const view = await handle.result() as { status: string; timeline: { type: string; reason?: string }[] };
    expect(view).toMatchObject({ status: 'aborted', steps: [] });
    expect(view.timeline.at(-1)).toMatchObject({ type: 'start.refused', reason: "not started by the engine: it carries an earlier run's state but no earlier run continued into it" });
    expect(await bindingsOf(kafka, principal)).toEqual([]);
  });
});
