// The demo's live progress: story lines, and a line per phase or step change of each watched incident (polled from the API).
import type { IncidentView, StepView } from '../model/incident.js';

export interface ProgressView {
  /** A line of the story (what the demo itself does). */
  say(line: string): void;
  /** Follows an incident until it ends; `label` tells incidents apart. */
  watch(id: string, label: string): void;
  stop(): Promise<void>;
}

const ANSI = { green: '\x1b[32m', yellow: '\x1b[33m', cyan: '\x1b[36m', red: '\x1b[31m', dim: '\x1b[2m', bold: '\x1b[1m', reset: '\x1b[0m' };
const MARK: Record<StepView['status'], [string, keyof typeof ANSI]> = {
  pending: ['·', 'dim'], planned: ['○', 'cyan'], awaiting_approval: ['?', 'yellow'], running: ['▸', 'cyan'], done: ['✓', 'green'],
  failed: ['✗', 'red'], skipped: ['-', 'dim'], rejected: ['✗', 'red'], undone: ['↺', 'green'], unconfirmed: ['!', 'yellow'],
  awaiting_answer: ['?', 'red'],
};

const MAX = 150;
const clip = (s: string) => (s.length > MAX ? `${s.slice(0, MAX - 1)}…` : s);

/** One line about a step's result or what it waits for; the plan's summary only the first time it is shown. */
function detail(step: StepView, planShown: boolean): string {
  const out = step.output as Record<string, unknown> | undefined;
  if (step.status === 'awaiting_approval') {
    const votes = step.approvals ? `${step.approvals.votes.length}/${step.approvals.quorum} approvals; may decide: ${step.approvals.waitingOn.join(', ')}` : '';
    return planShown ? votes : `${clip(step.plan?.summary ?? 'waiting for a decision')} (${votes})`;
  }
  if (step.status === 'failed' || step.status === 'rejected') return step.error ?? '';
  if (step.status !== 'done' || !out) return '';
  switch (step.action) {
    case 'kafka.blastRadius': {
      const consumed = (out.consumed as { topic: string; messages: number }[]).map((c) => `${c.topic} (${c.messages})`).join(', ');
      const coverage = out.coverage as { basis: string; answer: string } | undefined;
      const how = coverage ? ` [${coverage.answer}, from ${coverage.basis === 'records' ? 'the brokers\' records' : 'group offsets'}]` : '';
      return `read: ${consumed || 'nothing seen'}${how}; can read ${(out.readableTopics as string[]).length} topic(s)`;
    }
    case 'kafka.evidence.capture': return `${String(out.messages)} message(s) captured to ${String(out.dir)}`;
    case 'kafka.access.verify': return `every broker answers: ${String(out.verdict)}`;
    case 'kafka.baseline.diff': {
      const added = (out.added as { scramUsers: { user: string }[]; acls: unknown[] });
      return `since the baseline: ${added.scramUsers.length} new SCRAM user(s) (${added.scramUsers.map((u) => u.user).join(', ') || 'none'}), ${added.acls.length} new ACL(s)`;
    }
    case 'kafka.health.verify': return out.healthy ? 'cluster healthy' : `unhealthy: ${(out.problems as string[]).join('; ')}`;
    default: return Array.isArray(out.changed) ? `${out.changed.length} change(s) applied` : '';
  }
}

export function progressView(out: NodeJS.WritableStream & { isTTY?: boolean }, view: (id: string) => Promise<IncidentView>): ProgressView {
  const tty = out.isTTY === true && !process.env.NO_COLOR;
  const paint = (color: keyof typeof ANSI, text: string) => (tty ? `${ANSI[color]}${text}${ANSI.reset}` : text);
  const started = Date.now();
  const clock = () => paint('dim', `+${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s`);
  const write = (line: string) => out.write(`${clock()}  ${line}\n`);
  const watchers: Promise<void>[] = [];
  let stopped = false;

  async function follow(id: string, label: string): Promise<void> {
    const seen = new Map<string, string>();
    const planShown = new Set<string>();
    let phase = '';
    for (;;) {
      const v = await view(id).catch(() => undefined);
      if (v) {
        if (v.phase !== phase) {
          phase = v.phase;
          write(paint('bold', `[${label}] phase: ${phase}`));
        }
        for (const step of v.steps) {
          const key = `${step.status}|${step.approvals?.votes.length ?? 0}`;
          if (seen.get(step.id) === key || (step.status === 'pending' && !seen.has(step.id))) continue;
          seen.set(step.id, key);
          const [mark, color] = MARK[step.status];
          const text = tty ? `${paint(color, mark)} ${step.id}` : `${step.id}: ${step.status.replace('_', ' ')}`;
          const more = detail(step, planShown.has(step.id));
          if (step.status === 'awaiting_approval') planShown.add(step.id);
          write(`[${label}]   ${text}${more ? ` — ${more}` : ''}`);
        }
        if (v.status !== 'open') return;
      }
      if (stopped) return;
      await new Promise((r) => setTimeout(r, 400));
    }
  }

  return {
    say: (line) => write(paint('bold', tty ? `▶ ${line}` : `* ${line}`)),
    watch: (id, label) => { watchers.push(follow(id, label)); },
    async stop() {
      stopped = true;
      await Promise.all(watchers);
    },
  };
}
