// The incident's clock as inline SVG: phase spans, per step its approval wait, activity runs and votes, and what people did, on one time axis.
import { esc } from './html-escape.js';
import type { IncidentReport } from '../model/incident-report.js';
import { durationText } from '../model/duration.js';

const LEFT = 150;
const RIGHT = 970;
const ROW = 26;
const PHASE_COLOURS = ['#6e7781', '#7d4e00', '#953800', '#6639ba', '#116329', '#0a3069'];
const RUN = { plan: '#54aeff', apply: '#0969da', run: '#0969da', undo: '#8250df' } as const;
const WAIT = '#eac54f';

const text = (x: number, y: number, s: string, attrs = '') => `<text x="${x}" y="${y}"${attrs ? ` ${attrs}` : ''}>${esc(s)}</text>`;
const tip = (s: string) => `<title>${esc(s)}</title>`;

/** Round offsets from the opening (1, 2 or 5 × a power of ten of ms) that put four to ten ticks on the axis. */
function tickSteps(span: number): number[] {
  let step = 1;
  for (const unit of [1, 10, 100, 1_000, 10_000, 60_000, 600_000, 3_600_000, 36_000_000]) {
    const fit = [1, 2, 5].map((k) => k * unit).find((s) => span / s <= 10);
    if (fit) { step = fit; break; }
  }
  return Array.from({ length: Math.floor(span / step) + 1 }, (_, k) => k * step);
}

export function timelineSvg(r: IncidentReport): string {
  // The alert that opened the incident is stamped a moment before the workflow started: the axis starts at the earliest.
  const times = [r.incident.openedAt, r.incident.closedAt, ...r.timeline.map((e) => e.at)].filter((t): t is string => t !== undefined).map(Date.parse);
  const opened = Date.parse(r.incident.openedAt);
  const t0 = Math.min(...times);
  const t1 = Math.max(t0 + 1, ...times);
  const x = (at: string | number) => LEFT + ((typeof at === 'number' ? at : Date.parse(at)) - t0) / (t1 - t0) * (RIGHT - LEFT);
  // A span that took no visible time still gets a sliver, so it is seen.
  const bar = (from: string, to: string | undefined, y: number, h: number, fill: string, title: string, extra = '') => {
    const a = x(from);
    const b = to ? x(to) : RIGHT;
    return `<rect x="${a}" y="${y}" width="${Math.max(2, b - a)}" height="${h}" fill="${fill}" rx="2"${extra}>${tip(title)}</rect>`;
  };
  const rows: string[] = [];
  let y = 8;
  const row = (label: string, body: string) => {
    rows.push(`<g class="row">${text(LEFT - 14, y + ROW / 2 + 4, label.length > 22 ? `${label.slice(0, 21)}…` : label, 'font-size="11" text-anchor="end"')}`
      + `<line x1="${LEFT}" y1="${y + ROW}" x2="${RIGHT}" y2="${y + ROW}" stroke="#eaeef2"/>${body}</g>`);
    y += ROW;
  };

  row('phases', r.metrics.phases.map((p, i) => {
    const colour = PHASE_COLOURS[i % PHASE_COLOURS.length]!;
    const left = p.leftAt ? x(p.leftAt) : RIGHT;
    const label = left - x(p.enteredAt) > p.phase.length * 6.5 + 6 ? text(x(p.enteredAt) + 4, y + 17, p.phase, 'font-size="10" fill="#fff"') : '';
    return `<g class="phase-span">${bar(p.enteredAt, p.leftAt, y + 4, ROW - 8, colour, `${p.phase}: ${durationText(p.durationMs)}`)}${label}</g>`;
  }).join(''));

  const escalations = r.timeline.filter((e) => e.type === 'approval.escalated');
  for (const a of r.actions) {
    const approval = r.approvals.find((p) => p.step === a.step);
    if (a.runs.length === 0 && !approval) continue;
    const parts: string[] = [];
    if (approval) {
      parts.push(`<g class="wait">${bar(approval.requestedAt, approval.decidedAt, y + 7, ROW - 14, WAIT, `waiting for approval: ${durationText(approval.waitMs)} (${approval.outcome})`)}</g>`);
    }
    for (const run of a.runs) {
      parts.push(`<g class="run">${bar(run.scheduledAt, run.closedAt, y + 5, ROW - 10, run.outcome === 'completed' ? RUN[run.role] : '#cf222e', `${run.role} (${run.activity}): ${run.outcome}, ${durationText(run.durationMs)}`)}</g>`);
    }
    for (const e of escalations.filter((e) => e.step === a.step)) {
      const cx = x(e.at);
      parts.push(`<path class="escalation" d="M${cx - 5} ${y + ROW - 4}L${cx} ${y + 4}L${cx + 5} ${y + ROW - 4}z" fill="#bc4c00">${tip(`${e.at} ${e.summary}`)}</path>`);
    }
    for (const v of approval?.votes ?? []) {
      const cx = x(v.at);
      parts.push(`<path class="vote ${v.decision}" d="M${cx} ${y + 3}L${cx + 6} ${y + ROW / 2}L${cx} ${y + ROW - 3}L${cx - 6} ${y + ROW / 2}z" fill="${v.decision === 'approve' ? '#1a7f37' : '#cf222e'}" stroke="#fff">`
        + `${tip(`${v.at} ${v.person} (${v.channel}) ${v.decision}${v.reason ? `: ${v.reason}` : ''}`)}</path>`);
    }
    for (const f of approval?.refusals ?? []) {
      const cx = x(f.at);
      parts.push(`<path class="refusal" d="M${cx - 4} ${y + 9}l8 8m0 -8l-8 8" stroke="#57606a" stroke-width="2">${tip(`${f.at} ${f.person} (${f.channel}) refused: ${f.reason}`)}</path>`);
    }
    row(a.step, parts.join(''));
  }

  const PEOPLE: Record<string, string> = { alert: '#cf222e', note: '#57606a', lessons: '#1a7f37', abort: '#24292f', 'force-advance': '#bc4c00' };
  const acts = r.timeline.filter((e) => PEOPLE[e.type]);
  if (acts.length) {
    row('alerts, people', acts.map((e) => {
      const cx = x(e.at);
      return `<circle class="act ${esc(e.type)}" cx="${cx}" cy="${y + ROW / 2}" r="5" fill="${PEOPLE[e.type]}" stroke="#fff">${tip(`${e.at} ${e.type}${e.person ? ` by ${e.person}` : ''}: ${e.summary}`)}</circle>`;
    }).join(''));
  }

  const ticks = tickSteps(t1 - opened).map((ms) => {
    const at = opened + ms;
    return `<line x1="${x(at)}" y1="8" x2="${x(at)}" y2="${y + 4}" stroke="#d0d7de" stroke-dasharray="2 3"/>`
      + text(x(at), y + 16, ms === 0 ? 'opened' : `+${durationText(ms)}`, `font-size="10" text-anchor="${ms === 0 ? 'start' : 'middle'}" fill="#57606a"`);
  }).join('');
  const legendY = y + 36;
  const legend = [['approval wait', WAIT], ['plan', RUN.plan], ['apply / run', RUN.apply], ['undo', RUN.undo], ['approve', '#1a7f37'], ['reject / failed / alert', '#cf222e']]
    .map(([label, colour], k) => `<rect x="${LEFT + k * 120}" y="${legendY - 9}" width="14" height="10" rx="2" fill="${colour}"/>${text(LEFT + k * 120 + 19, legendY, label!, 'font-size="10"')}`).join('');
  return `<svg class="timeline-chart" viewBox="0 0 1000 ${legendY + 8}" width="100%" role="img" aria-label="Timeline of phases, approval waits and decisions" font-family="system-ui,sans-serif">`
    + `${ticks}${rows.join('')}${legend}</svg>`;
}
