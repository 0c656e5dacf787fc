// The runbook's statechart as inline SVG: phases left to right, their steps top to bottom, the path this incident took drawn bold.
import { esc } from './html-escape.js';
import type { FlowStep, ReportFlow } from '../model/incident-report.js';

const COL = 160;
const GAP = 30;
const PAD = 8;
const HEAD = 28;
const STEP_W = COL - 2 * PAD;
const END_W = 96;
const PATH = '#0969da';
const IDLE = '#afb8c1';

/** Fill, stroke and dash per step status: the legend below the chart names them. */
const LOOK: Record<string, { fill: string; stroke: string; dash?: string; label: string }> = {
  done: { fill: '#dafbe1', stroke: '#1a7f37', label: 'done' },
  failed: { fill: '#ffebe9', stroke: '#cf222e', label: 'failed' },
  rejected: { fill: '#ffebe9', stroke: '#cf222e', label: 'rejected' },
  skipped: { fill: '#f6f8fa', stroke: '#6e7781', dash: '4 3', label: 'skipped' },
  undone: { fill: '#fff8c5', stroke: '#9a6700', label: 'undone' },
  pending: { fill: '#ffffff', stroke: '#d0d7de', label: 'not reached' },
  active: { fill: '#ddf4ff', stroke: PATH, label: 'in progress' },
};
const lookOf = (status: string) => LOOK[status] ?? LOOK.active!;

/** Cut to what fits at ~6 units a character; the full text stays in the element's <title>. */
const fit = (s: string, width: number, size: number) => {
  const max = Math.floor(width / (size * 0.6));
  return s.length > max ? `${s.slice(0, Math.max(1, max - 1))}…` : s;
};
const text = (x: number, y: number, s: string, attrs = '') => `<text x="${x}" y="${y}"${attrs ? ` ${attrs}` : ''}>${esc(s)}</text>`;

const STEP_H = 48;

function stepBox(step: FlowStep, x: number, y: number): string {
  const look = lookOf(step.status);
  const dash = look.dash ? ` stroke-dasharray="${look.dash}"` : '';
  const approval = step.approval ? ` · approval by ${step.approval.quorum}` : '';
  return `<g class="step ${esc(step.status)}"><title>${esc(`${step.id}: ${step.action} — ${look.label}${approval}`)}</title>`
    + `<rect x="${x}" y="${y}" width="${STEP_W}" height="${STEP_H}" rx="5" fill="${look.fill}" stroke="${look.stroke}" stroke-width="${step.status === 'pending' ? 1 : 1.6}"${dash}/>`
    + text(x + 6, y + 14, fit(step.id, STEP_W - 12, 11), 'font-size="11" font-weight="600"')
    + text(x + 6, y + 28, fit(step.action, STEP_W - 12, 9.5), 'font-size="9.5" fill="#57606a"')
    + text(x + 6, y + 41, `${look.label}${approval}`, `font-size="9" fill="${look.stroke}"`)
    + '</g>';
}

const arrow = (x1: number, y1: number, x2: number, y2: number, taken: boolean, id: string) =>
  `<path d="M${x1} ${y1}L${x2} ${y2}" stroke="${taken ? PATH : IDLE}" stroke-width="${taken ? 2.4 : 1.2}" fill="none" marker-end="url(#${id}-${taken ? 'on' : 'off'})"/>`;

/** The statechart of one report; `id` keeps marker ids unique on the page. */
export function statechartSvg(flow: ReportFlow, id = 'flow'): string {
  const parts: string[] = [];
  // Each phase's column: its items stacked, a parallel group framed, the gate last.
  const columns = flow.phases.map((p, i) => {
    const x = i * (COL + GAP);
    let y = HEAD + 8;
    const body: string[] = [];
    const ends: number[] = [];
    const starts: number[] = [];
    for (const item of p.items) {
      starts.push(y);
      if (item.parallel) {
        const top = y;
        y += 14;
        for (const s of item.steps) { body.push(stepBox(s, x + PAD + 4, y)); y += STEP_H + 6; }
        body.push(`<rect x="${x + PAD}" y="${top}" width="${STEP_W + 8}" height="${y - top}" rx="6" fill="none" stroke="#8c959f" stroke-dasharray="3 3"/>`,
          text(x + PAD + 5, top + 10, 'parallel', 'font-size="8.5" fill="#57606a"'));
      } else {
        body.push(stepBox(item.steps[0]!, x + PAD, y));
        y += STEP_H;
      }
      ends.push(y);
      y += 16;
    }
    // Arrows between consecutive items: taken when the later item was reached.
    for (let k = 1; k < p.items.length; k += 1) {
      const taken = p.items[k]!.steps.some((s) => s.status !== 'pending');
      body.push(arrow(x + COL / 2, ends[k - 1]! + 1, x + COL / 2, starts[k]! - 2, taken, id));
    }
    if (p.gate) {
      const passed = flow.phases[i + 1]?.entered ?? flow.end === 'closed';
      body.push(`<g class="gate"><title>${esc(p.gate.kind === 'verified' ? 'gate: containment verified before eradication' : 'gate: lessons recorded before close')}${p.gate.forced ? ' (forced past)' : ''}</title>`
        + `<rect x="${x + PAD + 16}" y="${y}" width="${STEP_W - 32}" height="20" rx="10" fill="${passed ? '#ddf4ff' : '#ffffff'}" stroke="${passed ? PATH : IDLE}"${p.gate.forced ? ' stroke-dasharray="2 2"' : ''}/>`
        + text(x + COL / 2, y + 14, `gate: ${p.gate.kind}${p.gate.forced ? ' (forced)' : ''}`, 'font-size="9" text-anchor="middle"') + '</g>');
      y += 28;
    }
    if (p.items.length === 0 && !p.gate) {
      body.push(text(x + COL / 2, y + 14, p.entered ? 'no steps: passed through' : 'no steps', 'font-size="9.5" text-anchor="middle" fill="#6e7781" font-style="italic"'));
      y += 24;
    }
    return { x, bottom: y, body, p };
  });
  const height = Math.max(...columns.map((c) => c.bottom), 120) + 10;
  for (const c of columns) {
    const on = c.p.entered;
    parts.push(`<g class="phase ${on ? 'entered' : 'not-entered'}"><rect x="${c.x}" y="0" width="${COL}" height="${height}" rx="10" fill="${on ? '#f6fbff' : '#fbfbfc'}" `
      + `stroke="${on ? PATH : IDLE}" stroke-width="${on ? 2 : 1}"${on ? '' : ' stroke-dasharray="5 4"'}/>`
      + text(c.x + COL / 2, 19, c.p.phase, `font-size="12.5" font-weight="600" text-anchor="middle" fill="${on ? '#0a3069' : '#6e7781'}"`)
      + `<line x1="${c.x}" y1="${HEAD}" x2="${c.x + COL}" y2="${HEAD}" stroke="${on ? PATH : IDLE}" stroke-width="0.8"/>`
      + c.body.join('') + '</g>');
  }
  // Phase to phase along the headers, then the last phase to the final states.
  columns.slice(1).forEach((c) => parts.push(arrow(c.x - GAP + 1, 15, c.x - 3, 15, c.p.entered, id)));
  const endX = columns.length * (COL + GAP);
  const final = (y: number, label: string, reached: boolean, colour: string) =>
    `<g class="final ${label}${reached ? ' reached' : ''}"><circle cx="${endX + END_W / 2}" cy="${y}" r="15" fill="#fff" stroke="${reached ? colour : IDLE}" stroke-width="${reached ? 2.4 : 1.2}"/>`
    + `<circle cx="${endX + END_W / 2}" cy="${y}" r="9" fill="${reached ? colour : IDLE}"/>`
    + text(endX + END_W / 2, y + 30, label, `font-size="11" text-anchor="middle" font-weight="${reached ? 600 : 400}"`) + '</g>';
  parts.push(arrow(endX - GAP + 1, 15, endX + END_W / 2 - 18, 15, flow.end === 'closed', id), final(15, 'closed', flow.end === 'closed', '#1a7f37'));
  const abortY = height - 45;
  parts.push(final(abortY, 'aborted', flow.end === 'aborted', '#cf222e'));
  const from = flow.phases.findIndex((p) => p.phase === flow.lastPhase);
  if (flow.end === 'aborted' && from >= 0) {
    // Any state may abort; only the edge this incident took is drawn, below the phases and up the last gap, crossing nothing.
    const x = columns[from]!.x + COL / 2;
    parts.push(`<path d="M${x} ${height}V${height + 8}H${endX - GAP / 2}V${abortY}H${endX + END_W / 2 - 18}" stroke="#cf222e" stroke-width="2.4" fill="none" marker-end="url(#${id}-abort)"/>`);
  }
  const legendY = height + 26;
  const legend = ['done', 'failed', 'skipped', 'undone', 'active', 'pending'].map((s, k) => {
    const look = LOOK[s]!;
    return `<rect x="${k * 110}" y="${legendY - 9}" width="14" height="11" rx="2" fill="${look.fill}" stroke="${look.stroke}"${look.dash ? ` stroke-dasharray="${look.dash}"` : ''}/>`
      + text(k * 110 + 19, legendY, look.label, 'font-size="10"');
  }).join('') + `<line x1="660" y1="${legendY - 4}" x2="690" y2="${legendY - 4}" stroke="${PATH}" stroke-width="2.4"/>` + text(696, legendY, 'path taken', 'font-size="10"');
  const width = endX + END_W;
  const marker = (name: string, colour: string) =>
    `<marker id="${id}-${name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="${colour}"/></marker>`;
  return `<svg class="statechart" viewBox="-2 -2 ${width + 4} ${legendY + 8}" width="100%" role="img" `
    + `aria-label="${esc(`Runbook statechart: ${flow.phases.filter((p) => p.entered).map((p) => p.phase).join(' → ')} → ${flow.end}`)}" font-family="system-ui,sans-serif">`
    + `<defs>${marker('on', PATH)}${marker('off', IDLE)}${marker('abort', '#cf222e')}</defs>${parts.join('')}${legend}</svg>`;
}
