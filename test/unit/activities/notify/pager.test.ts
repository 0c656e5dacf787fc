// notifyPager against the PagerDuty and Opsgenie stand-ins: which pages each notice makes, keys read from env and files
// (never shown in errors), and the vendors' documented refusals turned into final or retried failures.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pagerActivities } from '../../../../activities/notify/pager.js';
import { createPager } from '../../../../adapters/paging/pager.js';
import type { ApprovalNotice, Notice, NoticeIncident } from '../../../../src/model/notice.js';
import { pageKey, parsePageKey } from '../../../../src/model/paging.js';
import { Roster } from '../../../../src/model/roster.js';
import { startPagerStandIns, type PagerStandIns } from '../../../support/pager-stand-ins.js';

let pagers: PagerStandIns;
beforeAll(async () => { pagers = await startPagerStandIns(); });
afterAll(() => pagers.close());

const PD_KEY = 'R0UT1NGKEYKAFKAONCALL00000000032';
const dir = mkdtempSync(join(tmpdir(), 'kafka-ir-pager-'));
const keyFile = join(dir, 'opsgenie.key');
writeFileSync(keyFile, 'opsgenie-key-from-a-file\n');

const roster = Roster.parse({
  people: { alice: {}, carol: {}, bob: {} },
  groups: { 'kafka-oncall': ['alice'], 'incident-commanders': ['carol'], secops: ['bob'] },
  paging: {
    'kafka-oncall': { pagerduty: { routingKey: { env: 'PD_KEY' } } },
    'incident-commanders': { opsgenie: { apiKey: { file: keyFile } } },
  },
});

let n = 0;
const incident = (): NoticeIncident => ({
  id: `ir-test-${++n}`, runbook: { id: 'test', version: 1 }, subject: 'User:x', severity: 'high', status: 'open', phase: 'containment',
  alert: { kind: 'test', summary: 'User:x reads purchasing' }, dryRun: false,
});
const approval = (over: Partial<ApprovalNotice> = {}): ApprovalNotice => ({
  step: 'deny', action: 'kafka.acl.deny', phase: 'containment', why: [], undo: '', from: ['kafka-oncall', 'secops'], quorum: 2,
  votes: [], deciders: [], waitingOn: [], state: 'waiting', refusals: [], asked: ['kafka-oncall', 'secops'], ...over,
});
const vote = { person: 'alice', channel: 'api', decision: 'approve' as const, at: new Date().toISOString() };

const urls = () => ({ pagerDutyUrl: pagers.env.PAGERDUTY_EVENTS_URL, opsgenieUrl: pagers.env.OPSGENIE_API_URL });
const notifyPager = (request: { notice: Notice }) =>
  pagerActivities({ pager: createPager(roster, (name) => (name === 'PD_KEY' ? PD_KEY : undefined), urls()), publicUrl: 'http://kafka-ir.test' }).notifyPager(request);

describe('notifyPager', () => {
  it('triggers for the groups that may decide, then the escalation tier; acknowledges on the first vote; resolves every asked group once decided', async () => {
    const i = incident();
    const key = pageKey(i.id, 'deny');
    const send = (notice: Notice) => notifyPager({ notice });
    expect((await send({ kind: 'approval', incident: i, approval: approval() })).timeline).toEqual([
      { type: 'page.triggered', step: 'deny', group: 'kafka-oncall', via: 'pagerduty', key, by: 'kafka-ir' }, // secops has no pager
    ]);
    await send({ kind: 'escalated', incident: i, approval: approval(), to: ['incident-commanders'], people: [] });
    const asked = ['kafka-oncall', 'secops', 'incident-commanders'];
    await send({ kind: 'decision', incident: i, approval: approval({ votes: [vote], asked }) });
    await send({ kind: 'decision', incident: i, approval: approval({ votes: [vote, { ...vote, person: 'bob' }], asked }) }); // a second vote: nothing
    await send({ kind: 'decision', incident: i, approval: approval({ votes: [vote, vote], state: 'approved', asked }) });
    expect(pagers.actionsFor(key)).toEqual([
      'pagerduty:trigger', 'opsgenie:trigger', 'pagerduty:acknowledge', 'opsgenie:acknowledge', 'pagerduty:resolve', 'opsgenie:resolve',
    ]);
    const calls = pagers.calls.filter((c) => c.key === key);
    expect(calls[0]!.body).toMatchObject({ routing_key: PD_KEY, event_action: 'trigger', dedup_key: key, payload: { severity: 'error', source: 'kafka-ir' }, client_url: `http://kafka-ir.test/v1/incidents/${i.id}` });
    expect(calls[1]!).toMatchObject({ credential: 'opsgenie-key-from-a-file', body: { alias: key, priority: 'P1', tags: ['kafka-ir', 'incident-commanders'] } });
    expect(calls[4]!.body).toEqual({ routing_key: PD_KEY, event_action: 'resolve', dedup_key: key });
  });

  it('resolves at close every page the incident asked for, and adds nothing to the closed timeline', async () => {
    const i = incident();
    const closed: Notice = { kind: 'closed', incident: { ...i, status: 'aborted' }, summary: { openedAt: '', steps: [], decisions: [], asked: [{ step: 'deny', groups: ['kafka-oncall'] }] } };
    expect(await notifyPager({ notice: closed })).toEqual({ timeline: [] });
    expect(pagers.actionsFor(pageKey(i.id, 'deny'))).toEqual(['pagerduty:resolve']);
  });

  it('turns PagerDuty\'s documented 400 into a final failure with its errors, never naming the key', async () => {
    const bad = createPager(roster, () => 'too-short', urls());
    const err = await pagerActivities({ pager: bad, publicUrl: 'http://x' }).notifyPager({ notice: { kind: 'approval', incident: incident(), approval: approval() } })
      .then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).nonRetryable).toBe(true);
    expect((err as ApplicationFailure).message).toContain("Length of 'routing_key' is incorrect (should be 32 characters)");
    expect((err as ApplicationFailure).message).not.toContain('too-short');
  });

  it('refuses to start when a key the roster names is missing, naming the group and the variable or file', () => {
    expect(() => createPager(roster, () => undefined)).toThrow(/paging\.kafka-oncall\.pagerduty\.routingKey names PD_KEY, which is not set/);
    const missing = Roster.parse({ ...roster, paging: { 'incident-commanders': { opsgenie: { apiKey: { file: join(dir, 'absent') } } } } });
    expect(() => createPager(missing, () => undefined)).toThrow(/names the file .*absent, which cannot be read or is empty/);
    expect(createPager(Roster.parse({ people: {}, groups: {} }), () => undefined)).toBeUndefined();
  });

  it('reads back the incident and step from a page key, and nothing from another tool\'s', () => {
    expect(parsePageKey(pageKey('ir-data-exfiltration-0a1b2c3d4e5f6a7b-1234abcd', 'deny'))).toEqual({ incidentId: 'ir-data-exfiltration-0a1b2c3d4e5f6a7b-1234abcd', step: 'deny' });
    expect(parsePageKey('d3640fbd41094207a1c11e58e46b1662')).toBeUndefined();
  });
});
