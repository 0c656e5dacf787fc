// Coverage of a window by the brokers' access records: exact only when every broker's both logs reach from its start to now.
import { describe, expect, it } from 'vitest';
import { accessCoverage, type CoverageInput } from '../../../../activities/kafka/access-coverage.js';

const at = (hhmm: string) => Date.parse(`2026-12-07T${hhmm}:00Z`);
const span = (broker: number, log: 'request' | 'authorizer', first: string, last: string) => ({ broker, log, first: at(first), last: at(last) });
const full = (broker: number) => [span(broker, 'request', '00:00', '10:00'), span(broker, 'authorizer', '00:00', '10:00')];
const input = (over: Partial<CoverageInput> = {}): CoverageInput => ({
  window: { from: at('01:00'), to: at('11:00') }, brokers: [1, 2],
  spans: [...full(1), ...full(2)],
  markers: [1, 2].flatMap((broker) => [{ broker, log: 'request' as const }, { broker, log: 'authorizer' as const }]),
  probeFailed: [], lines: { records: 10, other: 0, garbage: 0, truncated: 0 }, sources: ['files'], ...over,
});

describe('accessCoverage', () => {
  it('is exact when every broker\'s records start before the window and its probe line arrived', () => {
    expect(accessCoverage(input())).toMatchObject({ basis: 'records', answer: 'exact', missing: [], brokers: [{ broker: 1, covered: true }, { broker: 2, covered: true }] });
  });

  it('names a broker with no records at all', () => {
    const c = accessCoverage(input({ spans: full(1), markers: [{ broker: 1, log: 'request' }, { broker: 1, log: 'authorizer' }] }));
    expect(c.answer).toBe('estimate');
    expect(c.missing.map((m) => [m.broker, m.reason])).toEqual([
      [2, 'no request log records from broker 2 in the sources'], [2, 'no authorizer log records from broker 2 in the sources'],
    ]);
    expect(c.brokers).toEqual([expect.objectContaining({ broker: 1, covered: true }), { broker: 2, covered: false }]);
  });

  it('names the span before a broker\'s first record (rotated away) and after its last when no probe line came', () => {
    const c = accessCoverage(input({
      spans: [...full(1), span(2, 'request', '03:00', '10:00'), span(2, 'authorizer', '00:00', '10:00')],
      markers: [{ broker: 1, log: 'request' }, { broker: 1, log: 'authorizer' }, { broker: 2, log: 'request' }],
      probeFailed: [],
    }));
    expect(c.missing).toEqual([
      { broker: 2, from: '2026-12-07T01:00:00.000Z', to: '2026-12-07T03:00:00.000Z', reason: expect.stringMatching(/^broker 2's request log records begin at 2026-12-07T03:00:00.000Z/) },
      { broker: 2, from: '2026-12-07T10:00:00.000Z', to: '2026-12-07T11:00:00.000Z', reason: 'broker 2\'s authorizer log records end at 2026-12-07T10:00:00.000Z: its probe line did not arrive' },
    ]);
  });

  it('says when the probe could not reach a broker; a record later than the window also covers its end', () => {
    const c = accessCoverage(input({
      spans: [...full(1), span(2, 'request', '00:00', '12:00'), span(2, 'authorizer', '00:00', '10:00')],
      markers: [{ broker: 1, log: 'request' }, { broker: 1, log: 'authorizer' }], probeFailed: [{ broker: 2, error: 'connection refused' }],
    }));
    expect(c.missing.map((m) => m.reason)).toEqual(['broker 2\'s authorizer log records end at 2026-12-07T10:00:00.000Z: the probe could not reach it (connection refused)']);
  });

  it('waives records that begin late only when every topic the principal can reach was created after they begin', () => {
    const late = { spans: [span(1, 'request', '03:00', '10:00'), span(1, 'authorizer', '03:30', '10:00'), ...full(2)] };
    const createdAt = new Map([['orders', at('04:00')], ['payments', at('05:00')], ['legacy', at('02:00')]]);
    const exact = accessCoverage(input({ ...late, reachable: { topics: ['orders', 'payments'], createdAt } }));
    expect(exact).toMatchObject({ answer: 'exact', missing: [], brokers: [{ broker: 1, covered: true }, { broker: 2, covered: true }] });
    expect(exact.waived).toEqual([
      expect.stringMatching(/^broker 1's request log records begin at 2026-12-07T03:00:00.000Z, .* \(orders, payments\) was created later/),
      expect.stringMatching(/^broker 1's authorizer log records begin at 2026-12-07T03:30:00.000Z/),
    ]);
    // A topic older than the records, one whose creation no record shows, or nothing reachable at all: the gap stands.
    for (const topics of [['orders', 'legacy'], ['orders', 'unknown'], []]) {
      const c = accessCoverage(input({ ...late, reachable: { topics, createdAt } }));
      expect(c.answer, topics.join(',')).toBe('estimate');
      expect(c.waived).toEqual([]);
      expect(c.missing.map((m) => m.broker)).toEqual([1, 1]);
    }
  });
});
