// Routing: one runbook per alert by priority, the subject that names an incident, and the ids built from it.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Alert } from '../../../../src/model/alert.js';
import { alertKey, routeAlert } from '../../../../src/model/route-alert.js';
import { Runbook } from '../../../../src/model/runbook.js';

const sha = (t: string) => createHash('sha256').update(t).digest('hex');
const runbook = (id: string, priority: number, subject: 'principal' | 'brokerId' = 'principal') =>
  Runbook.parse({ id, version: 1, title: id, match: { kind: ['data-exfiltration'], severity: ['high', 'critical'] }, priority, subject, phases: {} });
const alert = Alert.parse({
  kind: 'data-exfiltration', severity: 'high', summary: 's', source: 'siem', observedAt: '2026-11-23T03:00:00Z',
  subject: { principal: 'User:sergei' },
});

describe('routeAlert', () => {
  it('picks the matching runbook of highest priority and hides the principal in the workflow id', () => {
    const routed = routeAlert([runbook('low', 1), runbook('high', 10)], alert, sha);
    expect(routed).toMatchObject({ ok: true, subject: 'User:sergei' });
    if (!routed.ok) throw new Error('unreachable');
    expect(routed.runbook.id).toBe('high');
    expect(routed.workflowId).toBe(`ir-high-${sha('User:sergei').slice(0, 16)}`);
  });

  it('says why nothing matched', () => {
    expect(routeAlert([runbook('a', 1)], { ...alert, severity: 'low' }, sha)).toEqual({ ok: false, reason: 'no runbook matches kind "data-exfiltration" with severity low' });
    expect(routeAlert([runbook('b', 1, 'brokerId')], alert, sha)).toEqual({ ok: false, reason: 'runbook b identifies incidents by subject.brokerId, which the alert lacks' });
  });

  it('keys exact duplicates by fingerprint, else by content', () => {
    expect(alertKey({ ...alert, fingerprint: 'abc' }, sha)).toBe('fp:abc');
    expect(alertKey(alert, sha)).toBe(alertKey(Alert.parse(JSON.parse(JSON.stringify(alert))), sha));
    expect(alertKey(alert, sha)).not.toBe(alertKey({ ...alert, summary: 'other' }, sha));
  });
});
