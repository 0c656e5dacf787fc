// The answers a post-mortem opens with, read from the steps that ran the forensic actions (found by action, not by step id).
import { BlastRadius } from '../model/actions/forensics.js';
import { BaselineDiff, backdoorFindings } from '../model/baseline.js';
import type { IncidentView } from '../model/incident.js';
import type { ReportAnswers, ReportMetrics } from './incident-report.js';

/** The last step of `action` that finished with an output of that shape: a later run supersedes an earlier one. */
export function lastOutput<T>(view: IncidentView, action: string, parse: (x: unknown) => { success: true; data: T } | { success: false }) {
  for (const step of [...view.steps].reverse()) {
    if (step.action !== action || step.status !== 'done') continue;
    const parsed = parse(step.output);
    if (parsed.success) return { step: step.id, data: parsed.data };
  }
  return undefined;
}

function classifiedAnswer(blast: BlastRadius | undefined): ReportAnswers['classified'] {
  if (!blast) return { answer: 'unknown', topics: [] };
  const topics = blast.classified;
  const answer = topics.some((c) => c.status === 'read') ? 'yes' : topics.some((c) => c.status === 'atRisk') ? 'at risk' : 'not seen';
  return { answer, topics };
}

export function reportAnswers(view: IncidentView, metrics: ReportMetrics): ReportAnswers {
  const blast = lastOutput(view, 'kafka.blastRadius', (x) => BlastRadius.safeParse(x));
  const diff = lastOutput(view, 'kafka.baseline.diff', (x) => BaselineDiff.safeParse(x));
  return {
    blastRadius: blast ? { step: blast.step, principal: blast.data.principal } : null,
    topicsRead: (blast?.data.consumed ?? []).map((c) => ({ topic: c.topic, messages: { atLeast: c.messages, atMost: null }, partitions: [] })),
    coverage: blast ? { level: 'estimate', missing: [blast.data.caveat] } : { level: 'none', missing: ['no blast-radius step ran to the end'] },
    classified: classifiedAnswer(blast?.data),
    backdoors: diff ? { step: diff.step, baseline: diff.data.baseline, ...backdoorFindings(diff.data) } : null,
    timeToContainMs: metrics.timeToContainMs,
  };
}
