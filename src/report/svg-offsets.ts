// Per topic read, each partition's delivered offsets drawn against the partition as far as the brokers showed it, as inline SVG.
import { esc } from './html-escape.js';
import type { AnsweredRead } from '../model/incident-report.js';

const LEFT = 190;
const RIGHT = 950;
const ROW = 30;
const PROVEN = '#a40e26';
const POSSIBLE = '#ff8182';

const text = (x: number, y: number, s: string, attrs = '') => `<text x="${x}" y="${y}"${attrs ? ` ${attrs}` : ''}>${esc(s)}</text>`;

/**
 * The bar of a partition is its log when the blast radius was measured (`extent`: log start to end offset), with what
 * retention had already deleted before it; without an extent (a topic deleted since, an older output) it runs from 0 to
 * the high watermark of the last fetch that returned records (the furthest `possibleTo`).
 * Undefined when no topic has delivered ranges (basis offsets names no offsets).
 */
export function offsetsSvg(reads: readonly AnsweredRead[]): string | undefined {
  const drawn = reads.filter((t) => t.ranges.length > 0);
  if (!drawn.length) return undefined;
  const rows: string[] = [];
  let y = 4;
  for (const t of drawn) {
    rows.push(`<g class="topic">${text(4, y + 15, t.topic.length > 60 ? `${t.topic.slice(0, 59)}…` : t.topic, 'font-size="12" font-weight="600"')}</g>`);
    y += 22;
    const partitions = [...new Set(t.ranges.map((r) => r.partition))].sort((a, b) => a - b);
    for (const p of partitions) {
      const ranges = t.ranges.filter((r) => r.partition === p);
      const log = t.extent?.find((e) => e.partition === p);
      const end = Math.max(1, log?.end ?? 0, ...ranges.map((r) => Math.max(r.possibleTo, r.provenTo, r.from + 1)));
      const start = Math.min(log?.start ?? 0, end);
      const x = (offset: number) => LEFT + (offset / end) * (RIGHT - LEFT);
      const bars = ranges.map((r) => {
        const possible = `<rect x="${x(r.from)}" y="${y + 6}" width="${Math.max(3, x(r.possibleTo) - x(r.from))}" height="${ROW - 14}" fill="${POSSIBLE}" fill-opacity="0.45">`
          + `<title>${esc(`possibly delivered: offsets ${r.from}–${r.possibleTo - 1}`)}</title></rect>`;
        const proven = r.provenTo > r.from
          ? `<rect class="proven" x="${x(r.from)}" y="${y + 6}" width="${Math.max(3, x(r.provenTo) - x(r.from))}" height="${ROW - 14}" fill="${PROVEN}">`
            + `<title>${esc(`delivered (proven): offsets ${r.from}–${r.provenTo - 1}, ${r.firstAt} → ${r.lastAt}`)}</title></rect>`
          : '';
        const label = `${r.from}–${r.provenTo - 1}`;
        const inside = r.provenTo > r.from && x(r.provenTo) - x(r.from) > label.length * 6 + 8
          ? text(x(r.from) + 4, y + ROW / 2 + 2, label, 'font-size="9.5" fill="#fff"') : '';
        return `<g class="range">${possible}${proven}${inside}</g>`;
      }).join('');
      rows.push(`<g class="partition">${text(LEFT - 10, y + ROW / 2 + 3, `partition ${p}`, 'font-size="11" text-anchor="end"')}`
        + (start > 0 ? `<rect class="deleted" x="${LEFT}" y="${y + 6}" width="${x(start) - LEFT}" height="${ROW - 14}" fill="#f6f8fa" stroke="#d0d7de" stroke-dasharray="3 2"><title>${esc(`offsets 0–${start - 1}: deleted by retention when measured`)}</title></rect>` : '')
        + `<rect x="${x(start)}" y="${y + 6}" width="${RIGHT - x(start)}" height="${ROW - 14}" fill="#eaeef2" rx="2"><title>${esc(log ? `partition ${p}: offsets ${start}–${end - 1} in the log when measured` : `partition ${p}: offsets 0–${end - 1} as far as the fetches showed`)}</title></rect>`
        + bars
        + text(LEFT, y + ROW + 2, start > 0 ? `0 (deleted to ${start})` : '0', 'font-size="9" fill="#57606a"')
        + text(RIGHT, y + ROW + 2, `${end}`, 'font-size="9" fill="#57606a" text-anchor="end"')
        + '</g>');
      y += ROW + 6;
    }
    y += 4;
  }
  const legendY = y + 14;
  const legend = `<rect x="${LEFT}" y="${legendY - 9}" width="14" height="10" fill="${PROVEN}"/>${text(LEFT + 19, legendY, 'delivered, proven (the reader asked for the next offset or committed it)', 'font-size="10"')}`
    + `<rect x="${LEFT}" y="${legendY + 5}" width="14" height="10" fill="${POSSIBLE}" fill-opacity="0.45"/>${text(LEFT + 19, legendY + 14, 'possibly delivered (up to the high watermark of the fetch)', 'font-size="10"')}`
    + `<rect x="${LEFT}" y="${legendY + 19}" width="14" height="10" fill="#eaeef2"/>${text(LEFT + 19, legendY + 28, 'the partition: its log when measured (else offset 0 to the high watermark last seen)', 'font-size="10"')}`;
  return `<svg class="offsets-chart" viewBox="0 0 1000 ${legendY + 36}" width="100%" role="img" aria-label="Offsets read per topic and partition" font-family="system-ui,sans-serif">`
    + `${rows.join('')}${legend}</svg>`;
}
