// Alertmanager → kafka-ir: Debian's real prometheus-alertmanager notifies the engine's webhook v4 route; a firing alert
// opens one incident and its resolution reaches the same incident.
import { createHash } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlertmanager, type RunningAlertmanager } from '../support/alertmanager.js';
import { eventually, incidentAbout, startTestEngine } from '../support/engine.js';
import { infra, unique } from '../support/infra.js';

const INTAKE_TOKEN = unique('am-intake-token-0123456789');
let engine: Awaited<ReturnType<typeof startTestEngine>>;
let alertmanager: RunningAlertmanager;
let connection: Connection;

beforeAll(async () => {
  engine = await startTestEngine({ KAFKA_IR_INTAKE_TOKEN: INTAKE_TOKEN });
  alertmanager = await startAlertmanager(`${engine.url}/v1/alerts/alertmanager`, INTAKE_TOKEN);
  connection = await Connection.connect({ address: infra().TEMPORAL_ADDRESS });
});
afterAll(async () => {
  await alertmanager?.stop();
  await engine?.close();
  await connection?.close();
});

/** Every run Temporal has of a workflow id: "exactly one incident" is one run, not one answer. */
async function runsOf(workflowId: string): Promise<string[]> {
  const runs: string[] = [];
  for await (const e of new Client({ connection }).workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push(e.runId);
  return runs;
}

describe('Alertmanager webhook intake', () => {
  it('opens exactly one hold incident (warning → medium) and attaches the resolution to it', async () => {
    const principal = `User:${unique('am-user')}`;
    const workflowId = `ir-hold-${createHash('sha256').update(principal).digest('hex').slice(0, 16)}`;
    const labels = { alertname: 'KafkaHoldTest', kind: 'test.hold', severity: 'warning', principal };
    const annotations = { summary: `${principal} triggered a test hold` };
    const startsAt = new Date(Date.now() - 60_000).toISOString();
    await alertmanager.post([{ labels, annotations, startsAt }]);

    const id = await incidentAbout(engine, workflowId, principal, 30_000, `an incident for ${principal} (alertmanager said: ${alertmanager.output().slice(-500)})`);
    expect(await runsOf(workflowId)).toHaveLength(1);
    const opened = (await engine.get(`/v1/incidents/${id}`)).body;
    expect(opened).toMatchObject({ id, runbook: { id: 'hold' }, subject: principal, severity: 'medium', status: 'open', alerts: 1 });
    expect(opened.timeline[0]).toMatchObject({
      type: 'alert', kind: 'test.hold', source: 'alertmanager', summary: annotations.summary,
      alertKey: expect.stringMatching(/^am:[0-9a-f]+:\d{4}-\d\d-\d\dT/),
    });

    // Resolving it in Alertmanager (endsAt in the past) sends a "resolved" notification for the same alert.
    await alertmanager.post([{ labels, annotations, startsAt, endsAt: new Date(Date.now() - 1_000).toISOString() }]);
    const resolved = await eventually(async () => {
      const view = (await engine.get(`/v1/incidents/${id}`)).body;
      return view.alerts === 2 ? view : undefined;
    }, 30_000, `the resolved notification to reach ${id} (alertmanager said: ${alertmanager.output().slice(-500)})`);
    const alerts = resolved.timeline.filter((t: { type: string }) => t.type === 'alert');
    expect(alerts).toHaveLength(2);
    expect(alerts[1]).toMatchObject({ alertKey: `${alerts[0].alertKey}:resolved`, summary: `resolved: ${annotations.summary}`, source: 'alertmanager' });
    expect(await runsOf(workflowId)).toHaveLength(1);

    // Close it so the shared Temporal server is not left with an open test incident.
    expect((await engine.post(`/v1/incidents/${id}/notes`, { text: 'test over', lessons: true })).status).toBe(200);
  });

  it('refuses a webhook without the intake token (Alertmanager would be told 401)', async () => {
    const res = await engine.post('/v1/alerts/alertmanager', { version: '4', alerts: [] }, 'not-the-intake-token');
    expect(res.status).toBe(401);
  });
});
