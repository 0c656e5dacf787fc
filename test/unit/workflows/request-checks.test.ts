// The incident's update validators, plain TypeScript in the sandbox: they refuse what the edges' schemas refuse, and say why.
import { describe, expect, it } from 'vitest';
import { AbortRequest, AlertBatch, AlertDelivery, DecisionRequest, EdgeRefusal, ForceAdvanceRequest, NoteRequest } from '../../../src/model/incident-requests.js';
import { isAlertBatch, validAbort, validAlertDelivery, validDecision, validForceAdvance, validNote, validRefusal } from '../../../workflows/request-checks.js';

const alert = { kind: 'auth.failures', severity: 'high', summary: 's', source: 'test', observedAt: '2026-12-07T10:00:00Z', subject: { principal: 'User:x' } };
const asker = { person: 'carol', channel: 'api' };
const sample = { at: '2026-12-07T10:00:00Z', channel: 'slack', reason: 'bad signature' };

const cases = [
  { check: validAlertDelivery, schema: AlertDelivery, ok: [{ alert, alertKey: 'k' }], bad: [null, { alert }, { alert: { ...alert, severity: 'huge' }, alertKey: 'k' }, { alert: { ...alert, summary: '' }, alertKey: 'k' }, { alert: { ...alert, subject: 'x' }, alertKey: 'k' }] },
  { check: validNote, schema: NoteRequest, ok: [{ ...asker, text: 'hi', lessons: false }], bad: [{ ...asker, text: '  ', lessons: false }, { ...asker, text: 'hi' }, { person: 1, channel: 'api', text: 'hi', lessons: true }, []] },
  { check: validAbort, schema: AbortRequest, ok: [{ ...asker, reason: 'r', rollback: true }], bad: [{ ...asker, reason: 'r' }, { ...asker, rollback: false }] },
  { check: validForceAdvance, schema: ForceAdvanceRequest, ok: [{ ...asker, reason: 'r' }], bad: [{ person: 'carol', reason: 'r' }] },
  { check: validDecision, schema: DecisionRequest, ok: [{ ...asker, step: 'deny', decision: 'approve' }, { ...asker, step: 'deny', decision: 'reject', reason: 'no', planHash: 'h', nonce: 'n' }], bad: [{ ...asker, step: 'deny', decision: 'maybe' }, { ...asker, decision: 'approve' }, { ...asker, step: 'deny', decision: 'approve', nonce: 7 }] },
  { check: validRefusal, schema: EdgeRefusal, ok: [{ channel: 'slack', reason: 'r' }, { channel: 'slack', reason: 'r', count: 3, samples: [sample] }], bad: [{ channel: 'slack', reason: 'r', count: 0 }, { channel: 'slack', reason: 'r', count: 1.5 }, { channel: 'slack', reason: 'r', samples: Array(9).fill(sample) }, { channel: 'slack', reason: 'r', samples: [{ ...sample, at: 1 }] }, { reason: 'r' }] },
];

describe('update validators in the workflow', () => {
  it('accept what the schemas accept and refuse what they refuse, naming the first problem as they do', () => {
    for (const { check, schema, ok, bad } of cases) {
      for (const payload of ok) {
        expect(schema.safeParse(payload).success).toBe(true);
        expect(() => check(payload)).not.toThrow();
      }
      for (const payload of bad) {
        const parsed = schema.safeParse(payload);
        expect(parsed.success, JSON.stringify(payload)).toBe(false);
        const issue = parsed.error!.issues[0]!;
        expect(() => check(payload)).toThrow(`(${issue.path.join('.') || 'payload'}: ${issue.message})`);
      }
    }
  });

  it('take an alert batch from the intake only when the schema would', () => {
    const delivery = { alert, alertKey: 'k', seq: 0 };
    for (const batch of [{ log: 'l', alerts: [delivery] }, { log: 'l', alerts: [] }]) expect(isAlertBatch(batch)).toBe(AlertBatch.safeParse(batch).success);
    for (const batch of [{ log: 'l', alerts: [{ ...delivery, seq: -1 }] }, { alerts: [delivery] }, { log: 'l', alerts: [{ ...delivery, alert: {} }] }]) {
      expect(AlertBatch.safeParse(batch).success).toBe(false);
      expect(isAlertBatch(batch)).toBe(false);
    }
  });

  it('say what the request needs', () => {
    expect(() => validDecision({ ...asker, step: 'deny', decision: 'maybe' }))
      .toThrow('a decision needs { person, channel, step, decision: approve | reject | retry | skip | abort } (decision: Invalid option: expected one of "approve"|"reject"|"retry"|"skip"|"abort")');
  });
});
