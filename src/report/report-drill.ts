// A drill's score from its view: time to each decision, who answered, who was reached and stayed silent, what a real run would have changed.
import type { IncidentView, TimelineEntry } from '../model/incident.js';
import type { DrillScore } from '../model/incident-report.js';
import { describeChange } from '../model/plan.js';

const REQUESTS = { 'approval.requested': 'approval', 'failure.asked': 'failure' } as const;
const strings = (x: unknown): string[] => (Array.isArray(x) ? x.filter((v): v is string => typeof v === 'string') : []);
const ms = (from: string, to: string) => Math.max(0, Date.parse(to) - Date.parse(from));

/** What settled one request: the step's end if the machine ended it there (timeout, veto), else the last answer given. */
function outcomeOf(kind: 'approval' | 'failure', answers: TimelineEntry[], ended: TimelineEntry | undefined): { outcome: string; by?: TimelineEntry } {
  const last = answers.at(-1);
  if (ended && ended.status !== 'rejected' && ended.status !== 'failed') return { outcome: String(ended.status) };
  if (!last) return { outcome: ended ? String(ended.status) : 'waiting' };
  if (kind === 'failure') return { outcome: String(last.decision), by: last };
  return { outcome: last.decision === 'reject' ? 'rejected' : ended ? String(ended.status) : 'approved', by: last };
}

export function drillScore(view: IncidentView): DrillScore | null {
  if (!view.drill) return null;
  const t = view.timeline;
  const decisions = t.flatMap((entry, i) => {
    const kind = REQUESTS[entry.type as keyof typeof REQUESTS];
    if (!kind) return [];
    const step = String(entry.step);
    // This request's span: up to the next request about the same step.
    const end = t.findIndex((e, j) => j > i && e.step === step && e.type in REQUESTS);
    const span = t.slice(i + 1, end < 0 ? undefined : end).filter((e) => e.step === step);
    const answers = span.filter((e) => e.type === 'decision');
    const escalatedTo = [...new Set(span.filter((e) => e.type === 'approval.escalated').flatMap((e) => strings(e.people)))];
    const reached = new Set([...strings(entry.people ?? entry.waitingOn), ...escalatedTo]);
    const answered = new Set(answers.map((a) => String(a.person)));
    const { outcome, by } = outcomeOf(kind, answers, span.find((e) => e.type === 'step.ended'));
    return [{
      step, kind, requestedAt: entry.at, outcome,
      timeToDecisionMs: by ? ms(entry.at, by.at) : null,
      answeredBy: answers.map((a) => ({ person: String(a.person), channel: String(a.channel), decision: String(a.decision), at: a.at, afterMs: ms(entry.at, a.at) })),
      silent: [...reached].filter((p) => !answered.has(p)),
      escalatedTo,
    }];
  });
  const wouldHaveChanged = view.steps.filter((s) => s.plan && s.plan.changes.length > 0).map((s) => ({
    step: s.id, action: s.action, summary: s.plan!.summary, changes: s.plan!.changes.map(describeChange),
  }));
  return { decisions, wouldHaveChanged };
}
