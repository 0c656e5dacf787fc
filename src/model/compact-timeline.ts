// Keeps an incident's timeline within its limits: the oldest entries from people and alerts fold into one summary entry; the machine's own stay.
import type { TimelineEntry } from './incident.js';

/** Entry types that can come in any number (people, alerts, notices); history and the archive keep every one of them. */
const FOLDABLE = new Set([
  'alert', 'alerts.sampled', 'note', 'lessons', 'decision.refused', 'request.refused', 'abort.refused', 'force-advance.refused',
  'force-advance', 'notify.failed',
]);

export const COMPACTED = 'timeline.compacted';

export const entryBytes = (entry: TimelineEntry): number => JSON.stringify(entry).length;

/**
 * The timeline with its oldest foldable entries folded into one `timeline.compacted` entry (how many of each type, and
 * from when until when), until it has at most `limits.entries` entries and `limits.bytes` of JSON, or nothing more
 * folds. The summary takes the place of the earliest entry it stands for, so the timeline stays in time order.
 */
export function compactTimeline(timeline: readonly TimelineEntry[], limits: { entries: number; bytes: number }): TimelineEntry[] {
  const earlier = timeline.find((t) => t.type === COMPACTED);
  // A first fold adds its summary entry (a few hundred bytes): count it in.
  let entries = timeline.length + (earlier ? 0 : 1);
  let bytes = timeline.reduce((n, t) => n + entryBytes(t), 0) + (earlier ? 0 : 400);
  const folded = new Set<number>();
  for (let i = 0; i < timeline.length && (entries > limits.entries || bytes > limits.bytes); i++) {
    if (!FOLDABLE.has(timeline[i]!.type)) continue;
    folded.add(i);
    entries -= 1;
    bytes -= entryBytes(timeline[i]!);
  }
  if (folded.size === 0) return [...timeline];
  const types: Record<string, number> = { ...(earlier?.types as Record<string, number> | undefined) };
  let until = String(earlier?.until ?? '');
  for (const i of folded) {
    const t = timeline[i]!;
    types[t.type] = (types[t.type] ?? 0) + 1;
    if (t.at > until) until = t.at;
  }
  const summary: TimelineEntry = {
    at: earlier?.at ?? timeline[Math.min(...folded)]!.at,
    type: COMPACTED,
    until,
    entries: Number(earlier?.entries ?? 0) + folded.size,
    types,
    note: 'older entries from people and alerts, counted here; every one is in the incident\'s history and its archive',
  };
  const out: TimelineEntry[] = [];
  let placed = false;
  timeline.forEach((t, i) => {
    if (t !== earlier && !folded.has(i)) out.push(t);
    else if (!placed) placed = out.push(summary) > 0;
  });
  return out;
}
