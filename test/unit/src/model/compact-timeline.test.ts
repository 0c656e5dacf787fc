// An incident's timeline kept within its limits: the oldest entries from people and alerts fold into one summary, the machine's own entries stay, time order holds.
import { describe, expect, it } from 'vitest';
import { COMPACTED, compactTimeline } from '../../../../src/model/compact-timeline.js';
import type { TimelineEntry } from '../../../../src/model/incident.js';

const at = (i: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();
const note = (i: number): TimelineEntry => ({ at: at(i), type: 'note', person: 'alice', channel: 'api', text: `note ${i}` });

describe('compactTimeline', () => {
  it('folds the oldest notes and alerts into one summary in their place, keeping phases, steps and decisions', () => {
    const timeline: TimelineEntry[] = [
      { at: at(0), type: 'alert', alertKey: 'k0', kind: 'x', summary: 's', source: 'test' },
      { at: at(1), type: 'phase', phase: 'detection' },
      ...Array.from({ length: 10 }, (_, i) => note(i + 2)),
      { at: at(12), type: 'decision', step: 'deny', person: 'bob', decision: 'approve' },
      { at: at(13), type: 'step.ended', step: 'deny', status: 'skipped' },
    ];
    const out = compactTimeline(timeline, { entries: 8, bytes: 1e6 });
    expect(out).toHaveLength(8);
    expect(out.map((t) => t.type)).toEqual([COMPACTED, 'phase', 'note', 'note', 'note', 'note', 'decision', 'step.ended']);
    expect(out[0]).toMatchObject({ at: at(0), until: at(7), entries: 7, types: { alert: 1, note: 6 } });
    expect(out.slice(2, 6).map((t) => t.text)).toEqual(['note 8', 'note 9', 'note 10', 'note 11']);
  });

  it('adds later folds to the one summary, and honours a size limit as well as a count', () => {
    const first = compactTimeline(Array.from({ length: 20 }, (_, i) => note(i)), { entries: 10, bytes: 1e6 });
    const second = compactTimeline([...first, ...Array.from({ length: 10 }, (_, i) => note(20 + i))], { entries: 1e6, bytes: 1_000 });
    expect(second.filter((t) => t.type === COMPACTED)).toHaveLength(1);
    expect(second[0]).toMatchObject({ at: at(0), entries: 30 - (second.length - 1), types: { note: 30 - (second.length - 1) } });
    expect(JSON.stringify(second).length).toBeLessThan(1_100);
    expect(second.at(-1)!.text).toBe('note 29');
  });

  it('leaves a timeline of the machine\'s own entries as it is, however long', () => {
    const phases: TimelineEntry[] = Array.from({ length: 6 }, (_, i) => ({ at: at(i), type: 'step.done', step: `s${i}` }));
    expect(compactTimeline(phases, { entries: 2, bytes: 10 })).toEqual(phases);
  });
});
