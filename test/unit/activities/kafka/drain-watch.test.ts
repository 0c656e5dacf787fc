// The drain's clock: progress heartbeats, attempts handed over before their timeout, and failure only after nothing moved for stallAfter.
import { describe, expect, it } from 'vitest';
import { drainWatch, type DrainProgress } from '../../../../activities/kafka/drain-watch.js';
import { KafkaIrError } from '../../../../src/model/errors.js';
import { Settings } from '../../../../src/model/settings.js';

const T0 = Date.parse('2025-05-01T10:00:00Z');
const limits = (reassignment: object) => Settings.parse({ reassignment }).reassignment;

function attempt(opts: { previous?: DrainProgress; timeoutMs?: number; limits?: object; signal?: AbortSignal; at?: number } = {}) {
  const beats: DrainProgress[] = [];
  const clock = { now: opts.at ?? T0 };
  const watch = drainWatch(limits(opts.limits ?? {}), {
    heartbeat: (d) => beats.push(d as DrainProgress), previous: opts.previous, timeoutMs: opts.timeoutMs, signal: opts.signal,
  }, () => clock.now);
  return { watch, beats, clock };
}
const failure = (f: () => void) => { try { f(); } catch (err) { return err as KafkaIrError; } throw new Error('did not throw'); };

describe('drainWatch', () => {
  it('heartbeats at once, then every poll with partitions moved and remaining and bytes copied', () => {
    const { watch, beats, clock } = attempt();
    expect(beats).toEqual([{ startedAt: '2025-05-01T10:00:00.000Z', lastProgressAt: '2025-05-01T10:00:00.000Z' }]);
    watch.onProgress({ moved: 0, remaining: 2, of: 2, bytes: { copied: 0, total: 2048 } });
    clock.now += 5_000;
    watch.onProgress({ moved: 0, remaining: 2, of: 2, bytes: { copied: 1024, total: 2048 } });
    expect(beats.at(-1)).toEqual({ moved: 0, remaining: 2, of: 2, bytes: { copied: 1024, total: 2048 }, startedAt: '2025-05-01T10:00:00.000Z', lastProgressAt: '2025-05-01T10:00:05.000Z' });
  });

  it('hands the attempt over (retryable) at attemptWait, and just before the activity timeout without one', () => {
    const configured = attempt({ limits: { attemptWait: '10s' }, timeoutMs: 3_600_000 });
    configured.watch.onProgress({ moved: 0, remaining: 1, of: 1 });
    configured.clock.now += 10_001;
    const handover = failure(() => configured.watch.onProgress({ moved: 0, remaining: 1, of: 1, bytes: { copied: 10, total: 20 } }));
    expect(handover).toMatchObject({ code: 'REASSIGNMENT_IN_PROGRESS', retryable: true });
    expect(handover.message).toMatch(/^1 of 1 partition\(s\) still moving, 10 B of 20 B copied — the moves go on/);

    const byTimeout = attempt({ timeoutMs: 3_600_000, limits: { stallAfter: '2h' } });
    byTimeout.clock.now += 3_540_000;
    byTimeout.watch.onProgress({ moved: 0, remaining: 1, of: 1 });
    byTimeout.clock.now += 1;
    expect(failure(() => byTimeout.watch.onProgress({ moved: 1, remaining: 1, of: 2 }))).toMatchObject({ code: 'REASSIGNMENT_IN_PROGRESS' });
  });

  it('resumes from the last attempt: progress since its last heartbeat keeps the drain alive past stallAfter from the start', () => {
    const first = attempt({ limits: { stallAfter: '1m', attemptWait: '50s' } });
    first.watch.onProgress({ moved: 0, remaining: 3, of: 3, bytes: { copied: 0, total: 300 } });
    first.clock.now += 50_001;
    failure(() => first.watch.onProgress({ moved: 1, remaining: 2, of: 3, bytes: { copied: 100, total: 200 } }));

    const second = attempt({ limits: { stallAfter: '1m', attemptWait: '50s' }, previous: first.beats.at(-1), at: T0 + 100_000 });
    second.watch.onProgress({ moved: 1, remaining: 2, of: 3, bytes: { copied: 150, total: 200 } });
    expect(second.beats.at(-1)).toMatchObject({ startedAt: '2025-05-01T10:00:00.000Z', lastProgressAt: '2025-05-01T10:01:40.000Z' });
    second.clock.now += 30_000;
    expect(() => second.watch.onProgress({ moved: 3, remaining: 0, of: 3 })).not.toThrow();
  });

  it('fails for good when nothing moved for stallAfter, and turns a retryable error into that failure then', () => {
    const { watch, clock } = attempt({ limits: { stallAfter: '1m' } });
    watch.onProgress({ moved: 1, remaining: 1, of: 2, bytes: { copied: 5, total: 10 } });
    const unavailable = new KafkaIrError('KAFKA_UNAVAILABLE', 'listing partition reassignments: connection refused');
    clock.now += 59_000;
    watch.onProgress({ moved: 1, remaining: 1, of: 2, bytes: { copied: 5, total: 10 } });
    expect(watch.verdict(unavailable)).toBe(unavailable);
    clock.now += 2_000;
    const stalled = failure(() => watch.onProgress({ moved: 1, remaining: 1, of: 2, bytes: { copied: 5, total: 10 } }));
    expect(stalled).toMatchObject({ code: 'REASSIGNMENT_STALLED', retryable: false });
    expect(stalled.message).toMatch(/^nothing moved for 60 s: 1 of 2 partition\(s\) still moving, 5 B of 10 B copied — .*kafka-reassign-partitions --cancel/);
    expect(watch.verdict(unavailable)).toMatchObject({ code: 'REASSIGNMENT_STALLED', message: expect.stringContaining('last: listing partition reassignments: connection refused') });
    const drift = new KafkaIrError('PLAN_DRIFT', 'changed');
    expect(watch.verdict(drift)).toBe(drift);
  });

  it('stops waiting when the activity is cancelled', () => {
    const controller = new AbortController();
    const { watch } = attempt({ signal: controller.signal });
    controller.abort(new Error('cancelled'));
    expect(() => watch.onProgress({ moved: 0, remaining: 1, of: 1 })).toThrow('cancelled');
  });
});
