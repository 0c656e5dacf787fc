// End to end: an alert from a real Alertmanager runs a whole incident, its evidence arrives in the HEC stand-in, and
// the HTML report, rendered by Chromium, shows what happened, who decided and how long each phase took.
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlertmanager, type RunningAlertmanager } from '../support/alertmanager.js';
import { renderedDom } from '../support/chromium.js';
import { eventually, incidentAbout, startTestEngine, type TestEngine } from '../support/engine.js';
import { startHecStandIn, type HecStandIn } from '../support/hec-stand-in.js';
import { unique } from '../support/infra.js';
import { admin, bindingsOf, createTopic } from '../support/kafka.js';
import { token } from '../support/people.js';

const INTAKE_TOKEN = unique('e2e-intake-token-0123456789');
const HEC_TOKEN = 'e2e-hec-token';
const kafka = admin();
let dir: string;
let hec: HecStandIn;
let engine: TestEngine;
let alertmanager: RunningAlertmanager;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kafka-ir-e2e-'));
  hec = await startHecStandIn({ token: HEC_TOKEN });
  engine = await startTestEngine({
    KAFKA_IR_INTAKE_TOKEN: INTAKE_TOKEN, SPLUNK_HEC_URL: hec.url, SPLUNK_HEC_TOKEN: HEC_TOKEN, KAFKA_IR_EVIDENCE_DIR: join(dir, 'evidence'),
  });
  alertmanager = await startAlertmanager(`${engine.url}/v1/alerts/alertmanager`, INTAKE_TOKEN);
});
afterAll(async () => {
  await alertmanager?.stop();
  await engine?.close();
  await hec?.close();
  await kafka.close();
  await rm(dir, { recursive: true, force: true });
});

describe('alert → incident → SIEM → report', () => {
  it('runs the whole incident from an Alertmanager alert, ships the evidence to HEC, and reports it', async () => {
    const principal = `User:${unique('e2e')}`;
    const topic = unique('ledger');
    await createTopic(kafka, topic, ['entry-1', 'entry-2', 'entry-3']);
    await alertmanager.post([{
      labels: { alertname: 'KafkaExfiltration', kind: 'test.alert-to-siem', severity: 'critical', principal, topic },
      annotations: { summary: `${principal} reads ${topic}` },
      startsAt: new Date(Date.now() - 60_000).toISOString(),
    }]);
    const workflowId = `ir-alert-to-siem-${createHash('sha256').update(principal).digest('hex').slice(0, 16)}`;
    const id = await incidentAbout(engine, workflowId, principal, 30_000, `an incident for ${principal} (alertmanager said: ${alertmanager.output().slice(-300)})`);

    await engine.waitForStep(id, 'deny', 'awaiting_approval');
    // The evidence reached the SIEM: every captured message, once, as HEC events naming the topic.
    const shipped = hec.events.filter((e) => e.source === `kafka:${topic}`);
    expect(shipped.map((e) => (e.event as { value: unknown }).value)).toEqual(['entry-1', 'entry-2', 'entry-3']);
    expect((await engine.stepOf(id, 'siem')).output).toMatchObject({ events: 3, rejected: [] });

    await engine.decide(id, 'deny', 'alice');
    await eventually(async () => ((await engine.view(id)).status === 'closed' ? true : undefined), 30_000, 'the incident to close');
    await eventually(async () => ((await bindingsOf(kafka, principal)).length === 4 ? true : undefined), 10_000, 'the DENY on the broker');

    const res = await fetch(`${engine.url}/v1/incidents/${id}/report?format=html`, { headers: { authorization: `Bearer ${token('carol')}` } });
    expect(res.status).toBe(200);
    const page = join(dir, 'report.html');
    await writeFile(page, await res.text());
    const dom = await renderedDom(page);
    expect(dom).toContain(`${principal} reads ${topic}`); // what happened: the alert
    expect(dom).toContain('<td>alice (api)</td>'); // who decided
    for (const phase of ['detection', 'containment']) expect(dom).toMatch(new RegExp(`phase ${phase}<b>[^<]+</b>`)); // how long each phase took
  }, 180_000);
});
