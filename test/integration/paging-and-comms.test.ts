// Paging and the communication plan on real Temporal and Kafka, with the PagerDuty, Opsgenie and Slack stand-ins: a
// step waiting for approval pages kafka-oncall (PagerDuty), its escalation pages the commanders (Opsgenie), the first
// vote acknowledges and the decision resolves both; acknowledgements sent back by the vendors' webhooks are in the
// timeline and the post-mortem; the customers' message goes out only once secops approves it, legal's never (not
// approved in time), the executives' at containment.done, and each message, with whom it reached, is in the report.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestEngine, type TestEngine } from '../support/engine.js';
import { unique } from '../support/infra.js';
import { admin, bindingsOf } from '../support/kafka.js';
import { startPagerStandIns, webhookSample, type PagerStandIns } from '../support/pager-stand-ins.js';
import { startSlackStandIn, type SlackStandIn } from '../support/slack-stand-in.js';
import { slackEnv } from '../support/slack-clicks.js';

const PD_KEY = 'R0UT1NGKEYKAFKAONCALL00000000032'; // PagerDuty integration keys are 32 characters
const OPSGENIE_KEY = 'eb243592-faa2-4ba2-a551-1afdf565c889';
const PD_SECRET = 'pagerduty-webhook-secret-0123456789';
const OPSGENIE_TOKEN = 'opsgenie-webhook-token-0123456789';

let pagers: PagerStandIns;
let slack: SlackStandIn;
let engine: TestEngine;
const kafka = admin();
beforeAll(async () => {
  [pagers, slack] = await Promise.all([startPagerStandIns(), startSlackStandIn()]);
  engine = await startTestEngine({
    ...slackEnv(slack), ...pagers.env, KAFKA_IR_RUNBOOKS: 'test/fixtures/runbooks-paging',
    TEST_PD_ROUTING_KEY: PD_KEY, TEST_OPSGENIE_KEY: OPSGENIE_KEY, PAGERDUTY_WEBHOOK_SECRET: PD_SECRET, OPSGENIE_WEBHOOK_TOKEN: OPSGENIE_TOKEN,
  });
});
afterAll(async () => { await engine?.close(); await slack?.close(); await pagers?.close(); await kafka.close(); });

/** A webhook delivery as PagerDuty signs it (v1: HMAC-SHA256 of the raw body, hex). */
async function pagerDutyWebhook(incidentKey: string, agent: string, secret = PD_SECRET) {
  const sample = webhookSample('pagerduty', 'webhook-incident-acknowledged');
  const body = JSON.stringify({ event: { ...sample.event, agent: { ...sample.event.agent, summary: agent }, data: { ...sample.event.data, incident_key: incidentKey } } });
  const signature = `v1=${createHmac('sha256', secret).update(body).digest('hex')}`;
  const res = await fetch(`${engine.url}/v1/paging/pagerduty`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-pagerduty-signature': signature }, body });
  return { status: res.status, body: await res.json() };
}

async function opsgenieWebhook(alias: string, username: string) {
  const sample = webhookSample('opsgenie', 'webhook-acknowledge');
  const body = JSON.stringify({ ...sample, alert: { ...sample.alert, alias, username } });
  const res = await fetch(`${engine.url}/v1/paging/opsgenie`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${OPSGENIE_TOKEN}` }, body });
  return { status: res.status, body: await res.json() };
}

describe('paging and the communication plan', () => {
  it('pages, escalates, acknowledges and resolves; sends the customers\' message only once approved; all in the report', async () => {
    const principal = `User:${unique('paged')}`;
    const alert = { kind: 'test.paging', severity: 'critical', summary: `${principal} reads purchasing`, source: 'siem', observedAt: new Date().toISOString(), subject: { principal } };
    const id = (await engine.post('/v1/alerts', alert)).body.incidents[0].id as string;
    const key = `kafka-ir/${id}/deny`;

    // The step waits for kafka-oncall: PagerDuty is triggered with the documented fields; 2 s later the commanders' Opsgenie.
    const trigger = await eventually(async () => pagers.calls.find((c) => c.key === key && c.vendor === 'pagerduty'), 20_000, 'the PagerDuty trigger');
    expect(trigger).toMatchObject({ action: 'trigger', credential: PD_KEY });
    expect(trigger.body.payload).toMatchObject({ source: 'kafka-ir', severity: 'critical', component: 'deny', group: 'kafka-oncall' });
    expect(trigger.body.payload.summary).toContain(`${principal} reads purchasing`);
    const created = await eventually(async () => pagers.calls.find((c) => c.key === key && c.vendor === 'opsgenie'), 20_000, 'the Opsgenie alert of the escalation');
    expect(created).toMatchObject({ action: 'trigger', credential: OPSGENIE_KEY });
    expect(created.body).toMatchObject({ alias: key, priority: 'P2', entity: id, source: 'kafka-ir' });
    expect(created.body.message.length).toBeLessThanOrEqual(130);

    // The customers' message waits for secops: its card shows the exact text, and nothing reached the channel yet.
    await engine.waitForStep(id, 'tell-customers', 'awaiting_approval');
    const card = await slack.waitFor((m) => JSON.stringify(m.blocks ?? []).includes('We are looking into unusual access by'), 10_000);
    expect(JSON.stringify(card.blocks)).toContain(`Message to customers-support: \\"We are looking into unusual access by ${principal}`);
    expect(slack.messages.filter((m) => m.channel === 'C0CUSTSUP')).toEqual([]);

    // Acknowledgements from the vendors' webhooks: a bad signature is refused; each good one lands in the timeline.
    expect((await pagerDutyWebhook(key, 'Alice Oncall', 'not-the-secret-0123456789')).status).toBe(401);
    expect(await pagerDutyWebhook(key, 'Alice Oncall')).toEqual({ status: 202, body: { recorded: true } });
    expect(await opsgenieWebhook(key, 'carol@example.com')).toEqual({ status: 202, body: { recorded: true } });
    expect((await opsgenieWebhook('not-ours', 'carol@example.com')).body).toMatchObject({ recorded: false });

    await engine.decide(id, 'tell-customers', 'bob');
    const told = await slack.waitFor((m) => m.channel === 'C0CUSTSUP', 10_000);
    expect(told.text).toBe(`We are looking into unusual access by ${principal} (incident ${id}).`);

    // Legal's message waits 3 s from the start of containment for an incident commander, who never answers: it is
    // skipped while containment still waits (were containment done first, the close would drop it for that reason).
    await eventually(async () => ((await engine.view(id)).timeline.some((t: { type: string; message?: string }) => t.type === 'message.unsent' && t.message === 'tell-legal') ? true : undefined), 10_000, "legal's message to time out");

    // First vote: both pages acknowledged; second vote decides: both resolved; the DENY reaches the broker.
    await engine.decide(id, 'deny', 'alice');
    await eventually(async () => (pagers.actionsFor(key).includes('opsgenie:acknowledge') ? true : undefined), 10_000, 'the acknowledgements');
    await engine.decide(id, 'deny', 'dave');
    await eventually(async () => (pagers.actionsFor(key).filter((a) => a.endsWith(':resolve')).length >= 2 ? true : undefined), 10_000, 'both pages resolved');
    expect(pagers.actionsFor(key).filter((a) => a.startsWith('pagerduty:')).slice(0, 3)).toEqual(['pagerduty:trigger', 'pagerduty:acknowledge', 'pagerduty:resolve']);
    expect(pagers.actionsFor(key).filter((a) => a.startsWith('opsgenie:')).slice(0, 3)).toEqual(['opsgenie:trigger', 'opsgenie:acknowledge', 'opsgenie:resolve']);

    // containment.done tells the executives; recovery lifts the DENY and the incident closes.
    const execs = await slack.waitFor((m) => m.channel === 'C0EXECS01', 30_000);
    expect(execs.text).toBe(`Containment of ${principal} is done (incident ${id}).`);
    // Closed, then archived once its last messages are out (a message may be sent after the "closed" entry, never after the archive).
    const final = await eventually(async () => { const v = await engine.view(id); return v.status === 'closed' && v.timeline.at(-1)?.type === 'archived' ? v : undefined; }, 30_000, 'the close and the archive');
    // Every broker learns the lifted DENY from the metadata log on its own time.
    await eventually(async () => ((await bindingsOf(kafka, principal)).length === 0 ? true : undefined), 10_000, `no ACL left for ${principal}`);

    const timeline = final.timeline as Record<string, unknown>[];
    const at = (type: string, match: Record<string, unknown> = {}) => timeline.findIndex((t) => t.type === type && Object.entries(match).every(([k, v]) => t[k] === v));
    expect(at('page.triggered', { step: 'deny', group: 'kafka-oncall', via: 'pagerduty' })).toBeGreaterThan(-1);
    expect(at('page.triggered', { step: 'deny', group: 'incident-commanders', via: 'opsgenie' })).toBeGreaterThan(at('approval.escalated'));
    expect(at('page.acknowledged', { by: 'Alice Oncall', via: 'pagerduty' })).toBeGreaterThan(-1);
    expect(at('page.acknowledged', { by: 'carol@example.com', via: 'opsgenie' })).toBeGreaterThan(-1);
    expect(at('page.resolved', { group: 'incident-commanders' })).toBeGreaterThan(-1);
    // Sent only after the approval, and to whom.
    expect(at('message.sent', { message: 'tell-customers', audience: 'customers-support', channel: 'slack', to: 'C0CUSTSUP' }))
      .toBeGreaterThan(at('decision', { step: 'tell-customers', person: 'bob' }));
    expect(at('message.sent', { message: 'tell-execs', audience: 'execs', to: 'C0EXECS01' })).toBeGreaterThan(-1);
    // Nobody approved legal's message within its 3 s: never sent, and said so.
    expect(at('message.unsent', { message: 'tell-legal', reason: 'not approved within 3s' })).toBeGreaterThan(-1);
    expect(at('message.sent', { message: 'tell-legal' })).toBe(-1);
    expect(slack.messages.filter((m) => m.channel === 'C0LEGAL01')).toEqual([]);
    expect(final.steps.find((s: { id: string }) => s.id === 'tell-legal')).toMatchObject({ action: 'message', status: 'skipped' });

    const report = await (await fetch(`${engine.url}/v1/incidents/${id}/report?format=md`)).text();
    for (const line of ['page acknowledged by Alice Oncall via pagerduty', 'paged incident-commanders via opsgenie',
      'message "tell-customers" sent to customers-support (slack: C0CUSTSUP)', 'message "tell-execs" sent to execs (slack: C0EXECS01)']) {
      expect(report).toContain(line);
    }
  });
});
