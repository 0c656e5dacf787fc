// Refusals at the edge reach their incident aggregated: the first at once, the rest of an interval in one report with
// a count and the last five; ids that name no incident, and incidents beyond the cap, are only logged.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../../src/logger.js';
import type { EdgeRefusal } from '../../../../src/model/incident-requests.js';
import { RefusalReports } from '../../../../src/server/refusal-reports.js';

const A = 'ir-hold-0123456789abcdef-0badcafe';
const B = 'ir-hold-fedcba9876543210-0badcafe';

function setup(maxIncidents?: number) {
  const sent: { id: string; refusal: EdgeRefusal }[] = [];
  const reports = new RefusalReports({ async refuse(id, refusal) { sent.push({ id, refusal }); } }, 30_000, createLogger({ level: 'silent' }), maxIncidents);
  return { sent, reports };
}

beforeEach(() => { vi.useFakeTimers(); });
afterEach(() => { vi.useRealTimers(); });

describe('RefusalReports', () => {
  it('reports the first refusal at once and the next 119 of the interval as one report with a count and the last five', () => {
    const { sent, reports } = setup();
    for (let i = 0; i < 120; i++) reports.add(A, { channel: 'email', reason: `forged link ${i}`, step: 'deny' });
    expect(sent).toEqual([{ id: A, refusal: expect.objectContaining({ reason: 'forged link 0', count: 1 }) }]);
    vi.advanceTimersByTime(29_999);
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sent).toHaveLength(2);
    const second = sent[1]!.refusal;
    expect(second).toMatchObject({ channel: 'email', reason: 'forged link 119', step: 'deny', count: 119 });
    expect(second.samples!.map((s) => s.reason)).toEqual(['forged link 115', 'forged link 116', 'forged link 117', 'forged link 118', 'forged link 119']);
    vi.advanceTimersByTime(60_000); // nothing new: no empty report
    expect(sent).toHaveLength(2);
    reports.add(A, { channel: 'slack', reason: 'bad signature' }); // the interval has passed: at once again
    expect(sent).toHaveLength(3);
    reports.close();
  });

  it('keeps incidents apart, drops ids that are not incident ids, and follows at most maxIncidents at a time', () => {
    const { sent, reports } = setup(1);
    reports.add(A, { channel: 'email', reason: 'a' });
    reports.add(B, { channel: 'email', reason: 'b' }); // over the cap: logged only
    reports.add('not an incident', { channel: 'email', reason: 'c' });
    reports.add(undefined, { channel: 'slack', reason: 'd' });
    expect(sent.map((s) => s.id)).toEqual([A]);
    vi.advanceTimersByTime(30_000); // A had nothing more: forgotten, which frees the slot
    reports.add(B, { channel: 'email', reason: 'b' });
    expect(sent.map((s) => s.id)).toEqual([A, B]);
    reports.close();
  });
});
