// Progress of a long CLI job: a redrawn bar on a terminal (count, MB, rate, ETA), a log line now and then otherwise.

export interface Progress { done: number; bytes: number }
export interface Meter { update(p: Progress): void; finish(): void }

export interface MeterOptions {
  label: string;
  /** What `done` counts to (an estimate is fine: the bar stops at 100%). */
  total: number;
  unit: string;
  /** A terminal: the bar is redrawn in place. */
  tty?: NodeJS.WriteStream;
  /** Without a terminal: one structured line every `everyMs`. */
  log: (fields: Record<string, unknown>, msg: string) => void;
  everyMs?: number;
  now?: () => number;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** Rate and time left from the counts so far; `elapsedMs` 0 gives an unknown ETA rather than a division by zero. */
export function estimate(p: Progress, total: number, elapsedMs: number): { rate: number; etaSeconds: number; fraction: number } {
  const rate = elapsedMs > 0 ? (p.done * 1000) / elapsedMs : 0;
  const left = Math.max(0, total - p.done);
  return { rate, etaSeconds: left === 0 ? 0 : rate > 0 ? left / rate : Infinity, fraction: total > 0 ? Math.min(1, p.done / total) : 1 };
}

export function renderBar(label: string, unit: string, p: Progress, total: number, elapsedMs: number, width = 24): string {
  const { rate, etaSeconds, fraction } = estimate(p, total, elapsedMs);
  const filled = Math.round(fraction * width);
  const mb = (p.bytes / 1_000_000).toFixed(1);
  return `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.floor(fraction * 100)}% `
    + `${p.done}/${total} ${unit}  ${mb} MB  ${Math.round(rate)} ${unit}/s  ETA ${formatDuration(etaSeconds)}`;
}

export function progressMeter(o: MeterOptions): Meter {
  const now = o.now ?? Date.now;
  const started = now();
  let last: Progress = { done: 0, bytes: 0 };
  let drawnAt = -Infinity;
  const every = o.tty ? 100 : (o.everyMs ?? 10_000);
  const draw = () => {
    const elapsed = now() - started;
    if (o.tty) {
      o.tty.write(`\r${renderBar(o.label, o.unit, last, o.total, elapsed)}\x1b[K`);
      return;
    }
    const { rate, etaSeconds } = estimate(last, o.total, elapsed);
    o.log({ [o.unit]: last.done, total: o.total, mb: Number((last.bytes / 1_000_000).toFixed(1)), rate: Math.round(rate), eta: formatDuration(etaSeconds) }, `${o.label}: progress`);
  };
  return {
    update(p) {
      last = p;
      if (now() - drawnAt >= every) { drawnAt = now(); draw(); }
    },
    finish() {
      draw();
      if (o.tty) o.tty.write('\n');
    },
  };
}
