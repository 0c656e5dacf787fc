// Post-mortems from real incidents: the report names who approved and when, times the actions, renders in Chromium,
// and outlives the workflow through the archive written at close; /metrics counts what the intake did.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { verifyCustody } from '../../adapters/evidence/custody-log.js';
import { sha256Of } from '../../adapters/evidence/sha256.js';
import { parseIncidentId } from '../../src/model/incident.js';
import { durationText } from '../../src/model/duration.js';
import { IncidentReport } from '../../src/model/incident-report.js';
import { eventually, startTestEngine, type TestEngine } from '../support/engine.js';
import { infra, unique } from '../support/infra.js';
import { admin } from '../support/kafka.js';
import { token } from '../support/people.js';
import { renderedDom, screenshot } from '../support/chromium.js';
import { countColour } from '../support/png.js';

let engine: TestEngine;
let evidenceDir: string;
let client: Client;
const kafka = admin();
beforeAll(async () => {
  evidenceDir = await mkdtemp(join(tmpdir(), 'kafka-ir-report-'));
  engine = await startTestEngine({ KAFKA_IR_EVIDENCE_DIR: evidenceDir });
  client = new Client({ connection: await Connection.connect({ address: infra().TEMPORAL_ADDRESS }) });
});
afterAll(async () => {
  await engine?.close();
  await client?.connection.close();
  await kafka.close();
  await rm(evidenceDir, { recursive: true, force: true });
});

const alert = (kind: string, principal: string) => ({
  kind, severity: 'high', summary: `${principal} misbehaves`, source: 'integration-test', observedAt: new Date().toISOString(), subject: { principal },
});
const view = async (id: string) => (await engine.get(`/v1/incidents/${id}`)).body;
async function raw(path: string, who?: 'alice') {
  const res = await fetch(`${engine.url}${path}`, { headers: who ? { authorization: `Bearer ${token(who)}` } : {} });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}
const report = async (id: string) => IncidentReport.parse(JSON.parse((await raw(`/v1/incidents/${id}/report?format=json`)).text));
/** The workflow returns only after archiving, so a finished workflow means a written archive. */
const finished = (id: string) => client.workflow.getHandle(parseIncidentId(id)!.workflowId).result();

function keysOf(value: unknown, into: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => keysOf(v, into));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) { into.push(k); keysOf(v, into); }
  return into;
}

let approvedId: string;

describe('the post-mortem report', () => {
  it('tells an approved incident from its history: votes with person and channel, timed actions, approval wait, runbook version', async () => {
    const principal = `User:${unique('report')}`;
    approvedId = (await engine.post('/v1/alerts', alert('test.approve-deny', principal))).body.incidents[0].id;
    await eventually(async () => ((await view(approvedId)).steps[0].status === 'awaiting_approval' ? true : undefined), 15_000, 'the approval request');
    expect((await engine.post(`/v1/incidents/${approvedId}/decisions`, { step: 'deny', decision: 'approve' }, token('carol'))).body.accepted).toBe(false);
    expect((await engine.post(`/v1/incidents/${approvedId}/decisions`, { step: 'deny', decision: 'approve' }, token('alice'))).body.accepted).toBe(true);
    expect((await engine.post(`/v1/incidents/${approvedId}/decisions`, { step: 'deny', decision: 'approve', reason: 'confirmed with the owner' }, token('bob'))).body.accepted).toBe(true);
    const final = await finished(approvedId) as { status: string; timeline: { type: string }[] };
    expect(final.status).toBe('closed');
    expect(final.timeline.at(-1)).toMatchObject({ type: 'archived' });

    const r = await report(approvedId);
    expect(r.builtFrom).toBe('history');
    expect(r.incident).toMatchObject({ id: approvedId, runbook: { id: 'approve-deny', version: 1 }, subject: principal, status: 'closed', alerts: 1 });
    const [approval] = r.approvals;
    expect(approval).toMatchObject({ step: 'deny', quorum: 2, outcome: 'approved' });
    expect(approval!.votes.map((v) => [v.person, v.channel, v.decision])).toEqual([['alice', 'api', 'approve'], ['bob', 'api', 'approve']]);
    expect(approval!.votes[1]!.reason).toBe('confirmed with the owner');
    expect(approval!.refusals).toEqual([expect.objectContaining({ person: 'carol', channel: 'api', reason: expect.stringContaining('not in kafka-oncall or secops') })]);
    expect(approval!.decidedAt).toBe(approval!.votes[1]!.at);
    expect(approval!.waitMs).toBe(Date.parse(approval!.decidedAt!) - Date.parse(approval!.requestedAt));
    expect(r.metrics.approvalWaitMs.deny).toBe(approval!.waitMs);

    const [deny] = r.actions;
    expect(deny).toMatchObject({ step: 'deny', phase: 'containment', action: 'kafka.acl.deny', status: 'done', alreadyInPlace: 0 });
    expect(deny!.plan!.changes).toHaveLength(4);
    expect(deny!.changed).toEqual(deny!.plan!.changes);
    expect(deny!.runs.map((run) => [run.activity, run.role, run.outcome])).toEqual([['planDenyPrincipal', 'plan', 'completed'], ['applyChanges', 'apply', 'completed']]);
    for (const run of deny!.runs) expect(run.durationMs).toBeGreaterThanOrEqual(0);
    // Contained when the DENY was applied: after bob's vote, before the close.
    const containedAt = Date.parse(deny!.runs[1]!.closedAt!);
    expect(r.metrics.timeToContainMs).toBe(containedAt - Date.parse(r.incident.openedAt));
    expect(containedAt).toBeGreaterThanOrEqual(Date.parse(approval!.decidedAt!));
    expect(r.metrics.timeToCloseMs!).toBeGreaterThanOrEqual(r.metrics.timeToContainMs!);
    // Every NIST phase is entered; the runbook's empty ones are passed through at once.
    expect(r.metrics.phases.map((p) => [p.phase, p.durationMs === 0])).toEqual([
      ['preparation', true], ['detection', true], ['containment', false], ['eradication', true], ['recovery', true], ['lessons', true],
    ]);
    expect(r.metrics.phases[2]!.durationMs).toBe(Date.parse(r.metrics.phases[3]!.enteredAt) - Date.parse(r.metrics.phases[2]!.enteredAt));
    expect(r.metrics.timeToTriageMs).toBe(Date.parse(r.metrics.phases[2]!.enteredAt) - Date.parse(r.incident.openedAt));

    const story = r.timeline.map((e) => [e.type, e.step ?? e.phase ?? '', e.person ?? ''].join(':'));
    expect(story).toEqual([
      'alert::', 'phase:preparation:', 'phase:detection:', 'phase:containment:', 'action.plan:deny:', 'approval.requested:deny:', 'decision.refused:deny:carol',
      'vote:deny:alice', 'vote:deny:bob', 'action.apply:deny:', 'phase:eradication:', 'phase:recovery:', 'phase:lessons:', 'closed::',
    ]);
    expect(r.timeline.map((e) => e.at)).toEqual(r.timeline.map((e) => e.at).sort());
    // The view never holds secrets; the report adds none.
    expect(keysOf(r).filter((k) => /password|secret|token/i.test(k))).toEqual([]);
  });

  it('renders Markdown and one self-contained HTML page that opens with the answers and that Chromium draws, pictures included', async () => {
    const md = await raw(`/v1/incidents/${approvedId}/report?format=md`, 'alice');
    expect(md.status).toBe(200);
    expect(md.type).toContain('text/markdown');
    expect(md.text).toContain('Runbook **approve-deny** v1');
    expect(md.text).toMatch(/\| vote \| deny \| alice \(api\) \| alice voted approve via api \|/);
    expect(md.text.split('\n').filter((l) => l.startsWith('## ')).slice(0, 3)).toEqual(['## The answers', '## Metrics', '## Timeline']);
    const r = await report(approvedId);
    // No forensic step in this runbook: the answers say what was not looked at, and the containment's time.
    expect(r.answers).toMatchObject({ blastRadius: null, topicsRead: [], backdoors: null, classified: { answer: 'unknown' }, timeToContainMs: r.metrics.timeToContainMs });
    expect(md.text).toContain(`| Time to contain | ${durationText(r.metrics.timeToContainMs)} |`);

    const html = await raw(`/v1/incidents/${approvedId}/report?format=html`);
    expect(html.type).toContain('text/html');
    expect(html.text).toContain('@media print');
    expect(html.text).not.toMatch(/<(script|link|img|image|foreignObject)\b|src=|href=|url\((?!#)/i); // nothing external
    const dir = await mkdtemp(join(tmpdir(), 'kafka-ir-html-'));
    try {
      const page = join(dir, 'report.html');
      await writeFile(page, html.text);
      const stdout = await renderedDom(page);
      const rows = [...stdout.matchAll(/<table class="timeline">[\s\S]*?<\/table>/g)][0]![0].match(/<tr>/g)!;
      expect(rows).toHaveLength(1 + 14); // header + the fourteen events
      expect(stdout).toContain('<td>alice (api)</td>');
      expect(stdout).toContain('<td>bob (api)</td>');

      // The answers first, then the numbers, then the pictures of the path and the clock, then the table of events.
      const order = ['<h2>The answers</h2>', '<h2>Metrics</h2>', '<svg class="statechart"', '<svg class="timeline-chart"', '<table class="timeline">'].map((s) => stdout.indexOf(s));
      expect(order.every((i) => i >= 0)).toBe(true);
      expect(order).toEqual([...order].sort((a, b) => a - b));
      expect(stdout).toContain(`<dt>Time to contain</dt><dd>${durationText(r.metrics.timeToContainMs)}</dd>`);
      // The statechart: every phase entered, deny done with its approval, the incident closed.
      expect(stdout.match(/<g class="phase entered">/g)).toHaveLength(6);
      expect(stdout).toContain('<g class="step done"><title>deny: kafka.acl.deny — done · approval by 2</title>');
      expect(stdout).toContain('<g class="final closed reached">');
      // The timeline: the wait for approval, alice's and bob's votes, carol's refusal.
      const chart = /<svg class="timeline-chart"[\s\S]*?<\/svg>/.exec(stdout)![0];
      expect(chart.match(/<path class="vote approve"/g)).toHaveLength(2);
      expect(chart.match(/<path class="refusal"/g)).toHaveLength(1);
      expect(chart).toContain('<g class="wait">');

      // And Chromium really drew them: colours only those pictures use cover the screenshot where they are.
      const pixels = await screenshot(page, 2200);
      expect(countColour(pixels, '#f6fbff')).toBeGreaterThan(6 * 5_000); // the six entered phases of the statechart
      expect(countColour(pixels, '#dafbe1')).toBeGreaterThan(3_000); // the done step (and the small "closed" badge)
      expect(countColour(pixels, '#953800')).toBeGreaterThan(5_000); // the containment span on the timeline
      expect(countColour(pixels, '#eac54f')).toBeGreaterThan(500); // the approval wait
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect((await raw(`/v1/incidents/${approvedId}/report?format=pdf`)).status).toBe(400);
    expect((await raw(`/v1/incidents/ir-approve-deny-0123456789abcdef-01234567/report`)).status).toBe(404);
  }, 180_000);

  it('is archived at close with the decoded history, chained in a custody log, and served after the workflow is gone', async () => {
    const dir = join(evidenceDir, approvedId, 'archive');
    const custody = await verifyCustody(dir);
    expect(custody.problems).toEqual([]);
    expect(custody.entries.map((e) => [e.action, e.file])).toEqual([['archived', 'report.json'], ['archived', 'history.json']]);
    const archivedText = await readFile(join(dir, 'report.json'), 'utf8');
    expect(custody.entries[0]!.sha256).toBe(sha256Of(archivedText));
    const history = JSON.parse(await readFile(join(dir, 'history.json'), 'utf8')) as { events: Record<string, any>[] };
    const scheduled = history.events.filter((e) => e.activityTaskScheduledEventAttributes).map((e) => e.activityTaskScheduledEventAttributes);
    // Decoded, not base64: the step's plan is the first activity (the start's seal was checked within its first
    // workflow task, a local activity recorded as a marker).
    expect(history.events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity')).toHaveLength(1);
    expect(scheduled[0].activityType.name).toBe('planDenyPrincipal');
    expect(scheduled[0].input.payloads[0]).toMatchObject({ incidentId: approvedId, step: 'deny' });
    const view = (await finished(approvedId)) as { timeline: { type: string; custodyHead?: string }[] };
    expect(view.timeline.at(-1)!.custodyHead).toBe(custody.head);

    // What retention does to a closed incident: Temporal forgets it.
    await client.workflowService.deleteWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId: parseIncidentId(approvedId)!.workflowId } });
    // Temporal deletes asynchronously (a system workflow), in seconds.
    await eventually(async () => ((await engine.get(`/v1/incidents/${approvedId}`)).status === 404 ? true : undefined), 90_000, 'the workflow to be gone');
    const served = await raw(`/v1/incidents/${approvedId}/report?format=json`);
    expect(served.status).toBe(200);
    expect(JSON.parse(served.text)).toEqual(JSON.parse(archivedText));
    expect(IncidentReport.parse(JSON.parse(served.text)).approvals[0]!.votes.map((v) => v.person)).toEqual(['alice', 'bob']);
  });

  it('records the lessons note of a held incident, its phases and its triage and containment times', async () => {
    const principal = `User:${unique('held')}`;
    const body = alert('test.deny-and-hold', principal);
    const id = (await engine.post('/v1/alerts', body)).body.incidents[0].id;
    expect((await engine.post('/v1/alerts', body)).body.incidents[0].status).toBe('duplicate');
    await eventually(async () => ((await view(id)).phase === 'lessons' ? true : undefined), 20_000, 'the lessons phase');
    await engine.post(`/v1/incidents/${id}/notes`, { text: 'the batch job shared a principal' }, token('carol'));
    await engine.post(`/v1/incidents/${id}/notes`, { text: 'give every job its own principal', lessons: true }, token('alice'));
    await finished(id);

    const r = await report(id);
    expect(r.incident).toMatchObject({ runbook: { id: 'deny-and-hold', version: 1 }, status: 'closed', alerts: 1 });
    expect(r.lessons).toEqual([expect.objectContaining({ person: 'alice', channel: 'api', text: 'give every job its own principal' })]);
    expect(r.notes).toEqual([expect.objectContaining({ person: 'carol', channel: 'api', text: 'the batch job shared a principal' })]);
    const phases = Object.fromEntries(r.metrics.phases.map((p) => [p.phase, p]));
    expect(Object.keys(phases)).toEqual(['preparation', 'detection', 'containment', 'eradication', 'recovery', 'lessons']);
    for (const p of r.metrics.phases) expect(p.durationMs).toBeGreaterThanOrEqual(0);
    // Held in lessons until the record arrived: that phase ends when the incident closes.
    expect(phases.lessons!.leftAt).toBe(r.incident.closedAt);
    expect(Date.parse(phases.lessons!.leftAt!)).toBeGreaterThanOrEqual(Date.parse(r.lessons[0]!.at));
    expect(r.metrics.timeToTriageMs).toBe(Date.parse(phases.containment!.enteredAt) - Date.parse(r.incident.openedAt));
    expect(r.metrics.timeToContainMs).toBe(Date.parse(r.actions[0]!.runs.find((x) => x.role === 'apply')!.closedAt!) - Date.parse(r.incident.openedAt));
    expect(r.metrics.timeToRecoverMs).toBe(Date.parse(phases.recovery!.leftAt!) - Date.parse(r.incident.openedAt));
    expect(r.approvals).toEqual([]);
    const types = r.timeline.map((e) => e.type);
    expect(types.slice(types.indexOf('lessons'))).toEqual(['lessons', 'closed']);
  });

  it('/metrics counts intake results, archived incidents and approval waits', async () => {
    await engine.post('/v1/alerts', alert('test.nothing-matches', `User:${unique('none')}`));
    expect((await engine.post('/v1/alerts', [alert('test.nothing-matches', `User:${unique('none')}`), { kind: 'broken' }])).status).toBe(202);
    expect((await engine.post('/v1/alerts', { kind: 'broken' })).status).toBe(400);
    const text = (await raw('/metrics')).text;
    const sample = (line: string) => text.split('\n').find((l) => l.startsWith(`${line} `))?.split(' ')[1];
    expect(sample('kafka_ir_intake_alerts_total{result="started",runbook="approve-deny"}')).toBe('1');
    expect(sample('kafka_ir_intake_alerts_total{result="started",runbook="deny-and-hold"}')).toBe('1');
    expect(sample('kafka_ir_intake_alerts_total{result="duplicate",runbook="deny-and-hold"}')).toBe('1');
    expect(sample('kafka_ir_intake_alerts_total{result="unmatched",runbook=""}')).toBe('2');
    expect(sample('kafka_ir_intake_alerts_total{result="rejected",runbook=""}')).toBe('2');
    expect(sample('kafka_ir_incidents_ended_total{runbook="approve-deny",cluster="default",status="closed"}')).toBe('1');
    expect(sample('kafka_ir_approval_wait_seconds_count{runbook="approve-deny",step="deny",outcome="approved"}')).toBe('1');
    expect(sample('kafka_ir_action_outcomes_total{runbook="deny-and-hold",action="kafka.acl.deny",status="done"}')).toBe('1');
    expect(sample('kafka_ir_phase_duration_seconds_count{runbook="deny-and-hold",phase="lessons"}')).toBe('1');
  });
});
