// Waiting for silent brokers as people read it: which outputs name them, how long a step waits, and what the view and the CLI say.
import { describe, expect, it } from 'vitest';
import { brokerWaitMs, describeUnconfirmed, describeWait, unconfirmedOf } from '../../../../src/model/broker-wait.js';
import type { IncidentView } from '../../../../src/model/incident.js';
import { formatIncident } from '../../../../src/cli/status.js';

const silent = { id: 3, host: '127.0.0.1:19094', reason: 'did not answer', since: '2026-12-01T10:00:00.000Z' };

describe('broker waits', () => {
  it('reads unconfirmed brokers from an output that names them, and none from any other', () => {
    expect(unconfirmedOf({ verdict: 'denied', unconfirmed: [{ id: 3, reason: 'fenced' }] })).toEqual([{ id: 3, reason: 'fenced' }]);
    expect(unconfirmedOf({ verdict: 'denied' })).toEqual([]);
    expect(unconfirmedOf(undefined)).toEqual([]);
    expect(unconfirmedOf({ unconfirmed: 'broker 3' })).toEqual([]);
    expect(unconfirmedOf({ unconfirmed: [{ id: 3, reason: 'fenced' }, { id: 'three' }] })).toEqual([]);
    expect(unconfirmedOf({ unconfirmed: [{ id: 3, host: 'b3:9092', reason: 'fenced', extra: true }] })).toEqual([{ id: 3, host: 'b3:9092', reason: 'fenced' }]);
  });

  it('waits as long as the step input says, ten minutes otherwise', () => {
    expect(brokerWaitMs({ principal: 'User:x', brokerWait: '90s' })).toBe(90_000);
    expect(brokerWaitMs({ principal: 'User:x' })).toBe(600_000);
  });

  it('names the broker and since when, and what an unconfirmed step leaves to people', () => {
    expect(describeWait([silent])).toBe('waiting for broker 3 (127.0.0.1:19094) since 2026-12-01T10:00:00.000Z: did not answer');
    expect(describeUnconfirmed([silent])).toMatch(/^applied, unconfirmed on broker 3 \(127\.0\.0\.1:19094\) \(silent since 2026-12-01T10:00:00\.000Z\): .*force-advance/);
  });

  it('shows both in `kafka-ir status`', () => {
    const view = (status: 'running' | 'unconfirmed'): IncidentView => ({
      id: 'ir-x', runbook: { id: 'r', version: 1 }, subject: 'User:x', severity: 'high', status: 'open', phase: 'containment', dryRun: false,
      openedAt: silent.since, alerts: 1, timeline: [],
      steps: [{ id: 'verify', phase: 'containment', action: 'kafka.access.verify', status, waitingFor: [silent] }],
    });
    expect(formatIncident(view('running'))).toContain('verify (kafka.access.verify) running — waiting for broker 3 (127.0.0.1:19094) since');
    expect(formatIncident(view('unconfirmed'))).toMatch(/! containment +verify \(kafka.access.verify\) unconfirmed — applied, unconfirmed on broker 3/);
  });
});
