// Durations as runbooks write them ("90s", "15m", "24h", "1d"), parsed to milliseconds (the schema is duration-schema.ts;
// this file stays free of zod for the workflow sandbox).

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
export const DURATION_PATTERN = /^(\d+)(ms|s|m|h|d)$/;

export function durationMs(text: string): number {
  const m = DURATION_PATTERN.exec(text.trim());
  if (!m) throw new Error(`not a duration: "${text}" (use e.g. 90s, 15m, 24h)`);
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

/** Milliseconds as people read them in reports and notices ("850 ms", "42 s", "15 min", "3.5 h"); null: never happened. */
export const durationText = (ms: number | null): string => {
  if (ms === null) return '—';
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`;
};
