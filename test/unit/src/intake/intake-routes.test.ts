// The intake routes over HTTP (fastify inject): generic alerts, Alertmanager and Splunk — mapping, per-alert rejection, tokens, 400/401/404/503.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../../src/logger.js';
import type { Alert } from '../../../../src/model/alert.js';
import { AlertMapping } from '../../../../src/model/settings.js';
import { buildServer } from '../../../../src/server/app.js';
import type { IncidentService } from '../../../../src/temporal/incidents.js';

const TOKEN = 'intake-token-0123456789';
const STARTS = '2026-11-23T03:00:00.123456789Z';

/** An incident service that records what it is given; `down` makes it fail as an unreachable Temporal does. */
function recorder(options: { down?: boolean; open?: boolean; clusters?: string[] } = {}) {
  const submitted: { alert: Alert; alertKey?: string }[] = [];
  const incidents = {
    clusters: options.clusters,
    async submit(alert: Alert, opts: { alertKey?: string; attachOnly?: boolean } = {}) {
      if (options.down) throw Object.assign(new Error('14 UNAVAILABLE: connect ECONNREFUSED'), { code: 14 });
      if (opts.attachOnly && !options.open) return { matched: false as const, reason: 'resolved, and no open incident to attach it to' };
      submitted.push({ alert, alertKey: opts.alertKey });
      return { matched: true as const, id: `ir-hold-0123456789abcdef-0000000${submitted.length}`, runbook: 'hold', status: 'started' as const };
    },
  } as unknown as IncidentService;
  const app = buildServer({
    incidents, intakeToken: TOKEN, ready: () => true, log: createLogger({ level: 'silent' }), roster: { people: {} } as never,
    intake: {
      alertmanager: AlertMapping.parse({ labels: { principal: ['user', 'principal'] }, severities: { page: 'critical' } }),
    },
  });
  return { app, submitted };
}

const amAlert = (labels: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  status: 'firing', labels, annotations: {}, startsAt: STARTS, endsAt: '0001-01-01T00:00:00Z', fingerprint: 'f00dfeed', ...extra,
});
const webhook = (alerts: unknown[]) => ({ version: '4', status: 'firing', receiver: 'kafka-ir', groupKey: '{}:{}', alerts });
const post = (app: ReturnType<typeof recorder>['app'], url: string, payload: unknown, token: string | undefined = TOKEN) =>
  app.inject({ method: 'POST', url, payload: payload as object, headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('POST /v1/alerts', () => {
  const generic = (extra: Record<string, unknown> = {}) => ({
    kind: 'test.hold', severity: 'high', summary: 's', source: 'curl', observedAt: STARTS, subject: { principal: 'User:a' }, ...extra,
  });

  it('refuses a lone invalid alert, and a batch with no valid alert naming each problem by index', async () => {
    const { app, submitted } = recorder();
    const one = await post(app, '/v1/alerts', generic({ severity: 'urgent' }));
    expect(one.statusCode).toBe(400);
    expect(one.json()).toEqual({ error: 'invalid alert', issues: [expect.objectContaining({ path: 'severity' })] });
    const none = await post(app, '/v1/alerts', [generic({ severity: 'urgent' }), generic({ subject: { principal: 'bob' } })]);
    expect(none.statusCode).toBe(400);
    expect(none.json()).toEqual({
      error: 'no valid alert in the batch',
      issues: [expect.objectContaining({ path: '0.severity' }), expect.objectContaining({ path: '1.subject.principal' })],
    });
    expect((await post(app, '/v1/alerts', [])).json()).toEqual({ error: 'no valid alert in the batch', issues: [] });
    expect(submitted).toHaveLength(0);
  });

  it('submits the valid alerts of a batch and rejects the others by index', async () => {
    const { app, submitted } = recorder();
    const res = await post(app, '/v1/alerts', [generic({ severity: 'urgent' }), generic({ fingerprint: 'f1' })]);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({
      incidents: [{ id: 'ir-hold-0123456789abcdef-00000001', runbook: 'hold', status: 'started' }],
      rejected: [{ index: 0, issues: [expect.objectContaining({ path: 'severity' })] }],
      unmatched: [],
    });
    expect(submitted).toEqual([{ alert: generic({ fingerprint: 'f1' }), alertKey: undefined }]);
  });
});

describe('POST /v1/alerts/alertmanager', () => {
  it('maps each alert with the default mapping plus configured overrides, keyed by fingerprint and startsAt', async () => {
    const { app, submitted } = recorder();
    const res = await post(app, '/v1/alerts/alertmanager', webhook([
      amAlert({ alertname: 'KafkaReadSpike', severity: 'warning', user: 'User:eve', client_id: 'c1', host: '10.0.0.9', topic: 'orders', broker_id: '2', cluster: 'prod' }),
      amAlert({ kind: 'test.hold', alertname: 'X', severity: 'page', principal: 'User:bob' }, { annotations: { summary: 'bob reads a lot' }, fingerprint: 'beef' }),
    ]));
    expect(res.statusCode).toBe(202);
    expect(res.json().incidents).toHaveLength(2);
    expect(submitted[0]).toEqual({
      alertKey: `am:f00dfeed:${STARTS}`,
      alert: {
        kind: 'KafkaReadSpike', severity: 'medium', summary: 'KafkaReadSpike', source: 'alertmanager', observedAt: STARTS, fingerprint: 'f00dfeed',
        subject: { principal: 'User:eve', clientId: 'c1', host: '10.0.0.9', topics: ['orders'], brokerId: 2, cluster: 'prod' },
        labels: expect.objectContaining({ alertname: 'KafkaReadSpike', status: 'firing' }),
      },
    });
    expect(submitted[1]!.alert).toMatchObject({ kind: 'test.hold', severity: 'critical', summary: 'bob reads a lot', subject: { principal: 'User:bob' } });
  });

  it('rejects a bad alert of the group by index while the others proceed', async () => {
    const { app, submitted } = recorder();
    const res = await post(app, '/v1/alerts/alertmanager', webhook([
      amAlert({ kind: 'k', severity: 'warning', principal: 'User:a', broker_id: 'two' }),
      amAlert({ kind: 'k', severity: 'warning', principal: 'User:a' }),
      { status: 'firing', labels: {} },
    ]));
    expect(res.statusCode).toBe(202);
    const body = res.json();
    expect(body.incidents).toHaveLength(1);
    expect(body.rejected.map((r: { index: number }) => r.index)).toEqual([0, 2]);
    expect(body.rejected[0].issues).toEqual([expect.objectContaining({ path: 'subject.brokerId' })]);
    expect(submitted).toHaveLength(1);
  });

  it('attaches a resolved alert only to an open incident, under its own key', async () => {
    const resolved = webhook([amAlert({ kind: 'k', severity: 'warning', principal: 'User:a' }, { status: 'resolved', endsAt: '2026-11-23T04:00:00Z' })]);
    const closed = recorder({ open: false });
    const none = await post(closed.app, '/v1/alerts/alertmanager', resolved);
    expect(none.json()).toEqual({ incidents: [], rejected: [], unmatched: [{ index: 0, reason: 'resolved, and no open incident to attach it to' }] });
    expect(closed.submitted).toHaveLength(0);

    const open = recorder({ open: true });
    expect((await post(open.app, '/v1/alerts/alertmanager', resolved)).statusCode).toBe(202);
    expect(open.submitted[0]).toMatchObject({ alertKey: `am:f00dfeed:${STARTS}:resolved`, alert: { summary: 'resolved: k', labels: { status: 'resolved' } } });
  });

  it('answers 400 to a body that is not a webhook, 401 without the token, 503 with Retry-After when Temporal is down', async () => {
    const { app, submitted } = recorder();
    const bad = await post(app, '/v1/alerts/alertmanager', { kind: 'k' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues.map((i: { path: string }) => i.path).sort()).toEqual(['alerts', 'version']);
    expect((await post(app, '/v1/alerts/alertmanager', webhook([]), 'wrong-token-0123456789')).statusCode).toBe(401);
    expect(submitted).toHaveLength(0);

    const down = await post(recorder({ down: true }).app, '/v1/alerts/alertmanager', webhook([amAlert({ kind: 'k', severity: 'warning', principal: 'User:a' })]));
    expect(down.statusCode).toBe(503);
    expect(down.headers['retry-after']).toBe('5');
  });
});

describe('POST /v1/alerts/splunk/:token', () => {
  const payload = {
    sid: 'scheduler__admin__search__RMD5_at_1700000000_42', search_name: 'Kafka exfiltration', owner: 'admin', app: 'search',
    results_link: 'https://splunk.example/app/search/@go?sid=x',
    result: { kind: 'test.hold', severity: 'error', principal: 'User:mallory', topic: ['orders', 'payments'], _time: '1700000000', _raw: 'secret-ish raw event' },
  };

  it('maps the result fields like Alertmanager labels and keys the alert by sid', async () => {
    const { app, submitted } = recorder();
    const res = await post(app, `/v1/alerts/splunk/${TOKEN}`, payload, undefined);
    expect(res.statusCode).toBe(202);
    expect(submitted).toEqual([{
      alertKey: `splunk:${payload.sid}`,
      alert: {
        kind: 'test.hold', severity: 'high', summary: 'Kafka exfiltration', source: 'splunk', observedAt: '2023-11-14T22:13:20.000Z',
        subject: { principal: 'User:mallory', topics: ['orders'] },
        labels: { kind: 'test.hold', severity: 'error', principal: 'User:mallory', splunk_sid: payload.sid, splunk_search: 'Kafka exfiltration' },
      },
    }]);
  });

  it('takes the kind from search_name when the result has none, and says what does not map', async () => {
    const { app, submitted } = recorder();
    await post(app, `/v1/alerts/splunk/${TOKEN}`, { ...payload, result: { severity: 'critical', principal: 'User:x' } }, undefined);
    expect(submitted[0]!.alert).toMatchObject({ kind: 'Kafka exfiltration', severity: 'critical' });
    const bad = await post(app, `/v1/alerts/splunk/${TOKEN}`, { ...payload, result: { principal: 'User:*' } }, undefined);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues.map((i: { path: string }) => i.path).sort()).toEqual(['severity', 'subject.principal']);
  });

  it('answers 401 to a wrong path token, and 404 when no intake token is configured', async () => {
    const { app, submitted } = recorder();
    const res = await post(app, '/v1/alerts/splunk/intake-token-0123456780', payload, undefined);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: 'unauthorized' });
    expect(submitted).toHaveLength(0);

    const off = buildServer({
      incidents: {} as IncidentService, ready: () => true, log: createLogger({ level: 'silent' }), roster: { people: {} } as never,
    });
    expect((await post(off, '/v1/alerts/splunk/anything', payload, undefined)).statusCode).toBe(404);
  });
});

describe('alerts for an engine serving several clusters', () => {
  const LIST = 'unknown cluster "nowhere": this engine serves "default", "dr"';

  it('passes the cluster an Alertmanager label or a Splunk field names, and refuses an unknown one with the list', async () => {
    const { app, submitted } = recorder({ clusters: ['default', 'dr'] });
    const am = await post(app, '/v1/alerts/alertmanager', webhook([
      amAlert({ alertname: 'test.hold', severity: 'page', user: 'User:a', cluster: 'dr' }),
      amAlert({ alertname: 'test.hold', severity: 'page', user: 'User:b', cluster: 'nowhere' }, { fingerprint: 'beefcafe' }),
    ]));
    expect(am.statusCode).toBe(202);
    expect(am.json().rejected).toEqual([{ index: 1, issues: [{ path: 'subject.cluster', message: LIST }] }]);
    expect(submitted.map((s) => s.alert.subject.cluster)).toEqual(['dr']);
    const splunk = await post(app, `/v1/alerts/splunk/${TOKEN}`, {
      sid: 's1', search_name: 'x', result: { kind: 'test.hold', severity: 'error', principal: 'User:c', cluster: 'nowhere' },
    }, undefined);
    expect(splunk.statusCode).toBe(400);
    expect(splunk.json().issues).toEqual([{ path: 'subject.cluster', message: LIST }]);
  });
});
