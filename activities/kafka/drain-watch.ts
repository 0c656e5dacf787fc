// How long partition moves may be waited for: progress in heartbeats, an attempt handed over to a retry before it times out, failure only when nothing moves.
import { bytesText } from '../../src/model/byte-size.js';
import { durationMs, durationText } from '../../src/model/duration.js';
import { KafkaIrError } from '../../src/model/errors.js';
import type { Settings } from '../../src/model/settings.js';
import type { MoveProgress } from '../../adapters/kafka/reassign.js';
import type { ActivityProgress } from '../activity-progress.js';

/** A drain's heartbeat details: how far it got, since when it runs and when it last moved; a retry carries them on. */
export interface DrainProgress extends Partial<MoveProgress> { startedAt: string; lastProgressAt: string }

export interface DrainWatch {
  /** Heartbeats `p`; throws once the drain stalled, the attempt is over, or the activity was cancelled. */
  onProgress(p: MoveProgress): void;
  /** The failure to report for `err`: a retryable one becomes final once nothing has moved for too long. */
  verdict(err: unknown): unknown;
}

const isDrainProgress = (d: unknown): d is DrainProgress =>
  typeof d === 'object' && d !== null && typeof (d as DrainProgress).startedAt === 'string' && typeof (d as DrainProgress).lastProgressAt === 'string';

const where = (p: MoveProgress) =>
  `${p.remaining} of ${p.of} partition(s) still moving${p.bytes ? `, ${bytesText(p.bytes.copied)} of ${bytesText(p.bytes.total)} copied` : ''}`;

const STALL_HINT = 'look at the brokers receiving the replicas (disk, logs) and at the throttle (kafka-configs --describe); raise the throttle, '
  + 'or cancel the moves (kafka-reassign-partitions --cancel) and undo the step';

export function drainWatch(limits: Settings['reassignment'], activity: ActivityProgress, now: () => number = Date.now): DrainWatch {
  const attemptStart = now();
  const stallMs = durationMs(limits.stallAfter);
  // Hand over before Temporal's own timeout ends the attempt (and with it the chance to say why).
  const beforeTimeout = activity.timeoutMs ? activity.timeoutMs - Math.min(60_000, activity.timeoutMs / 3) : Infinity;
  const attemptMs = Math.min(limits.attemptWait ? durationMs(limits.attemptWait) : Infinity, beforeTimeout);
  const startedAt = new Date(attemptStart).toISOString();
  let last: DrainProgress = isDrainProgress(activity.previous) ? activity.previous : { startedAt, lastProgressAt: startedAt };
  activity.heartbeat(last);
  const stalled = () => now() - Date.parse(last.lastProgressAt) > stallMs;

  return {
    onProgress(p) {
      if (activity.signal?.aborted) throw activity.signal.reason;
      // The first poll of a drain is its baseline; later ones progress when a partition finished or a byte was copied.
      const progressed = last.moved !== undefined
        && (p.moved > last.moved || (p.moved === last.moved && !!p.bytes && !!last.bytes && p.bytes.copied > last.bytes.copied));
      last = { ...p, startedAt: last.startedAt, lastProgressAt: progressed ? new Date(now()).toISOString() : last.lastProgressAt };
      activity.heartbeat(last);
      if (!p.remaining) return;
      if (stalled()) throw new KafkaIrError('REASSIGNMENT_STALLED', `nothing moved for ${durationText(stallMs)}: ${where(p)}`, STALL_HINT);
      if (now() - attemptStart > attemptMs) {
        throw new KafkaIrError('REASSIGNMENT_IN_PROGRESS', where(p), 'the moves go on: the next attempt resumes waiting for them without resubmitting');
      }
    },
    verdict(err) {
      if (!(err instanceof KafkaIrError) || !err.retryable || !stalled()) return err;
      return new KafkaIrError('REASSIGNMENT_STALLED', `nothing moved for ${durationText(stallMs)}; last: ${err.message}`, STALL_HINT, { cause: err });
    },
  };
}
