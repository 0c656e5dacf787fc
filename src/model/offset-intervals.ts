// Sets of half-open offset intervals [start, end) with the times they were seen; overlapping or touching ones merge.

export interface Interval { start: number; end: number; firstAt: number; lastAt: number }

export class OffsetIntervals {
  /** Sorted by start, disjoint, not touching. */
  private readonly items: Interval[] = [];

  add(start: number, end: number, at: number): void {
    if (end <= start) return;
    const last = this.items.at(-1);
    // Readers mostly move forward: the common case extends or follows the last interval.
    if (!last || start > last.end) {
      this.items.push({ start, end, firstAt: at, lastAt: at });
      return;
    }
    if (start >= last.start) {
      last.end = Math.max(last.end, end);
      last.firstAt = Math.min(last.firstAt, at);
      last.lastAt = Math.max(last.lastAt, at);
      return;
    }
    const merged: Interval = { start, end, firstAt: at, lastAt: at };
    const kept: Interval[] = [];
    for (const i of this.items) {
      if (i.end < merged.start || i.start > merged.end) { kept.push(i); continue; }
      merged.start = Math.min(merged.start, i.start);
      merged.end = Math.max(merged.end, i.end);
      merged.firstAt = Math.min(merged.firstAt, i.firstAt);
      merged.lastAt = Math.max(merged.lastAt, i.lastAt);
    }
    kept.push(merged);
    kept.sort((a, b) => a.start - b.start);
    this.items.splice(0, this.items.length, ...kept);
  }

  get intervals(): readonly Interval[] {
    return this.items;
  }

  /** Offsets covered. */
  get size(): number {
    return this.items.reduce((n, i) => n + i.end - i.start, 0);
  }

  /** Offsets covered inside [start, end). */
  sizeWithin(start: number, end: number): number {
    return this.items.reduce((n, i) => n + Math.max(0, Math.min(end, i.end) - Math.max(start, i.start)), 0);
  }

  /** The interval holding `offset`, if any. */
  holding(offset: number): Interval | undefined {
    return this.items.find((i) => i.start <= offset && offset < i.end);
  }
}
