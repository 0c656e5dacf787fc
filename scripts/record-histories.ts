// Records incident histories for the replay test (test/fixtures/histories/): completed, aborted with rollback, dry,
// approved, rejected, timed out with escalation, two with Slack and email notices (against the test stand-ins), and
// two with sealed requests, a forged one, sampled alerts and a veto racing the quorum (from before and since the intake log).
// `npx tsx scripts/record-histories.ts [name…]` records only the named ones. Needs the dev infrastructure (`npm run infra -- up`). Re-record
// after a change to workflow code that is meant to alter commands — and put that change behind patched() for running incidents.
import { writeFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { startEngine } from '../src/engine.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { parseIncidentId } from '../src/model/incident.js';
import { decide } from '../workflows/messages.js';
import { readInfraEnv } from './infra/index.js';
import { startSlackStandIn } from '../test/support/slack-stand-in.js';
import { slackEnv } from '../test/support/slack-clicks.js';
import { startSmtp } from '../test/support/smtp.js';

// The API's JSON answers, read loosely: this script only follows ids and statuses.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const env = readInfraEnv();
const suffix = Date.now().toString(36);
const base = { ...env, KAFKA_IR_RUNBOOKS: 'test/fixtures/runbooks', KAFKA_IR_PORT: '0' };
const engine = await startEngine(loadConfig({ ...base, TEMPORAL_TASK_QUEUE: `record-${suffix}` }), createLogger({ level: 'warn' }));
const slack = await startSlackStandIn();
slack.setUsergroup('S0SECOPS1', ['U0BOB0001']); // the test roster's secops follows this Slack user group
const smtp = await startSmtp();
const notifying = await startEngine(loadConfig({
  ...base, ...slackEnv(slack), TEMPORAL_TASK_QUEUE: `record-notify-${suffix}`,
  SMTP_URL: smtp.url, EMAIL_FROM: 'kafka-ir@test.local', EMAIL_TO: 'soc@test.local', KAFKA_IR_LINK_SECRET: 'replay-fixture-link-secret-0123456789',
}), createLogger({ level: 'warn' }));
const only = process.argv.slice(2);
const wanted = (name: string) => only.length === 0 || only.includes(name);
const client = new Client({ connection: await Connection.connect({ address: env.TEMPORAL_ADDRESS }) });
const token = (p: string) => `test-token-${p}-0123456789`;

async function call(method: string, path: string, body?: unknown, who?: string, url = engine.url): Promise<Json> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (who) headers.authorization = `Bearer ${token(who)}`;
  const res = await fetch(`${url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return res.json();
}
const alert = (kind: string, who: string) => ({
  kind, severity: 'high', summary: `replay fixture ${kind}`, source: 'record-histories', observedAt: '2026-11-23T03:00:00.000Z',
  subject: { principal: `User:replay-${who}-${suffix}` },
});
async function until(id: string, done: (v: Json) => boolean, url = engine.url): Promise<void> {
  for (let i = 0; i < 150; i++) {
    if (done(await call('GET', `/v1/incidents/${id}`, undefined, undefined, url))) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`incident ${id} did not get there`);
}
async function save(name: string, id: string): Promise<void> {
  const { workflowId } = parseIncidentId(id)!;
  const handle = client.workflow.getHandle(workflowId);
  await handle.result();
  writeFileSync(`test/fixtures/histories/${name}.json`, `${historyToJSON(await handle.fetchHistory())}\n`);
  console.log(`recorded ${name}`);
}

try {
  if (wanted('completed-auto-deny')) {
    const completed = (await call('POST', '/v1/alerts', alert('test.auto-deny', 'completed'))).incidents[0].id;
    await save('completed-auto-deny', completed);
  }
  if (wanted('dry-run-auto-deny')) {
    const dry = (await call('POST', '/v1/alerts?dryRun=true', alert('test.auto-deny', 'dry'))).incidents[0].id;
    await save('dry-run-auto-deny', dry);
  }
  if (wanted('aborted-with-rollback')) {
    const aborted = (await call('POST', '/v1/alerts', alert('test.deny-and-hold', 'aborted'))).incidents[0].id;
    await until(aborted, (v) => v.steps[0].status === 'done');
    await call('POST', `/v1/incidents/${aborted}/decisions`, { decision: 'abort', reason: 'fixture', rollback: true }, 'carol');
    await save('aborted-with-rollback', aborted);
  }
  if (wanted('approved-quorum')) {
    const approved = (await call('POST', '/v1/alerts', alert('test.approve-deny', 'approved'))).incidents[0].id;
    await until(approved, (v) => v.steps[0].status === 'awaiting_approval');
    await call('POST', `/v1/incidents/${approved}/decisions`, { step: 'deny', decision: 'approve' }, 'alice');
    await call('POST', `/v1/incidents/${approved}/decisions`, { step: 'deny', decision: 'approve' }, 'bob');
    await save('approved-quorum', approved);
  }
  if (wanted('rejected')) {
    const rejected = (await call('POST', '/v1/alerts', alert('test.approve-deny', 'rejected'))).incidents[0].id;
    await until(rejected, (v) => v.steps[0].status === 'awaiting_approval');
    await call('POST', `/v1/incidents/${rejected}/decisions`, { step: 'deny', decision: 'reject', reason: 'fixture' }, 'bob');
    await save('rejected', rejected);
  }
  if (wanted('timeout-with-escalation')) {
    const timedOut = (await call('POST', '/v1/alerts', alert('test.approval-timeout', 'timeout'))).incidents[0].id;
    await save('timeout-with-escalation', timedOut);
  }
  if (wanted('notified-approved')) {
    // Slack message, card, a refused vote (card refreshed), two approvals, thread replies, summary email.
    const url = notifying.url;
    const id = (await call('POST', '/v1/alerts', alert('test.approve-deny', 'notified'), undefined, url)).incidents[0].id;
    await until(id, (v) => v.steps[0].status === 'awaiting_approval', url);
    await call('POST', `/v1/incidents/${id}/decisions`, { step: 'deny', decision: 'approve' }, 'carol', url);
    await call('POST', `/v1/incidents/${id}/decisions`, { step: 'deny', decision: 'approve' }, 'alice', url);
    await call('POST', `/v1/incidents/${id}/decisions`, { step: 'deny', decision: 'approve' }, 'bob', url);
    await save('notified-approved', id);
  }
  if (wanted('notified-timeout')) {
    const id = (await call('POST', '/v1/alerts', alert('test.approval-timeout', 'notified-timeout'), undefined, notifying.url)).incidents[0].id;
    await save('notified-timeout', id);
  }
  // Seal checks and bounded state: 25 alerts (20 listed), a vote sent straight to Temporal (no seal: refused), then
  // alice's approve, and bob's quorum-completing approve and dave's reject at once (one of them is refused).
  // sealed-decisions was recorded when each alert was its own update-with-start and the start's seal took an activity;
  // intake-sealed-decisions since the intake log (signal-with-start, alerts in batches) and the lean start (one patch
  // marker, the start's seal checked within its first workflow task).
  for (const name of ['sealed-decisions', 'intake-sealed-decisions']) {
    if (!wanted(name)) continue;
    const id = (await call('POST', '/v1/alerts', alert('test.approve-deny', name))).incidents[0].id;
    for (let i = 1; i < 25; i++) await call('POST', '/v1/alerts', { ...alert('test.approve-deny', name), fingerprint: `${name}-${i}` });
    await until(id, (v) => v.steps[0].status === 'awaiting_approval');
    await client.workflow.getHandle(parseIncidentId(id)!.workflowId).executeUpdate(decide, { args: [{ person: 'alice', channel: 'api', step: 'deny', decision: 'approve' }] });
    await call('POST', `/v1/incidents/${id}/decisions`, { step: 'deny', decision: 'approve' }, 'alice');
    await Promise.all(['bob', 'dave'].map((who) => call('POST', `/v1/incidents/${id}/decisions`, { step: 'deny', decision: who === 'bob' ? 'approve' : 'reject' }, who)));
    await save(name, id);
  }
} finally {
  await engine.close();
  await notifying.close();
  await slack.close();
  await smtp.close();
  await client.connection.close();
}
