// The answers a post-mortem opens with, read from the steps that ran the forensic actions (found by action, not by step id).
import { BlastRadius } from '../model/actions/forensics.js';
import { AdminAudit } from '../model/admin-audit.js';
import { BaselineDiff, backdoorFindings } from '../model/baseline.js';
import type { IncidentView } from '../model/incident.js';
import type { AnsweredRead, ReportAnswers, ReportMetrics } from '../model/incident-report.js';

/** The last step of `action` that finished with an output of that shape: a later run supersedes an earlier one. */
export function lastOutput<T>(view: IncidentView, action: string, parse: (x: unknown) => { success: true; data: T } | { success: false }) {
  for (const step of [...view.steps].reverse()) {
    if (step.action !== action || step.status !== 'done') continue;
    const parsed = parse(step.output);
    if (parsed.success) return { step: step.id, data: parsed.data };
  }
  return undefined;
}

function topicsRead(b: BlastRadius): AnsweredRead[] {
  const fields = (r: Omit<BlastRadius['reads'][number], 'topic'>) => ({ messages: r.messages, ranges: r.ranges, clientIds: r.clientIds, hosts: r.hosts, groups: r.groups });
  if (b.coverage?.basis === 'records') {
    return [...b.reads.map((r) => ({ topic: r.topic, ...fields(r), ...(r.extent ? { extent: r.extent } : {}) })), ...b.unnamedReads.map((r) => ({ topic: `topic id ${r.topicId}`, ...fields(r) }))];
  }
  // Committed offsets bound the count from below only, and name no delivered offsets.
  return b.consumed.map((c) => ({ topic: c.topic, messages: { atLeast: c.messages, atMost: null }, ranges: [], clientIds: [], hosts: [], groups: [] }));
}

function coverage(b: BlastRadius | undefined): ReportAnswers['coverage'] {
  if (!b) return { answer: 'unknown', basis: null, window: null, missing: [], note: 'no blast-radius step ran to the end' };
  // An output recorded before access records were read has no coverage: it was an offsets estimate.
  if (!b.coverage) return { answer: 'estimate', basis: 'offsets', window: null, missing: [], note: b.caveat };
  const c = b.coverage;
  return { answer: c.answer, basis: c.basis, window: c.window, missing: c.missing, note: c.basis === 'offsets' ? b.caveat : null };
}

function classified(b: BlastRadius | undefined): ReportAnswers['classified'] {
  if (!b) return { answer: 'unknown', topics: [], because: 'no blast-radius step ran to the end' };
  if (b.classifiedTouched) {
    const t = b.classifiedTouched;
    return { answer: t.answer === 'notSeen' ? 'not seen' : t.answer === 'atRisk' ? 'at risk' : 'yes', topics: t.topics, because: t.because };
  }
  const pick = (status: string) => b.classified.filter((c) => c.status === status).map(({ topic, label }) => ({ topic, label }));
  if (pick('read').length) return { answer: 'yes', topics: pick('read'), because: 'its groups committed offsets on them' };
  if (pick('atRisk').length) return { answer: 'at risk', topics: pick('atRisk'), because: b.caveat };
  return { answer: 'not seen', topics: [], because: 'it can read no classified topic' };
}

/** The hunt's findings, each with the follow-up incident it raised (matched by fingerprint) or why none. */
function hunt(step: string, a: AdminAudit): NonNullable<ReportAnswers['hunt']> {
  const followUps = new Map(a.followUps.map((f) => [f.fingerprint, f]));
  return {
    step, window: a.window, coverage: a.coverage?.answer ?? 'none', requests: a.requests.length + a.requestsLeftOut,
    refused: a.requests.filter((r) => r.outcome === 'refused').length,
    findings: a.findings.map((f) => {
      const raised = followUps.get(f.fingerprint);
      return {
        kind: f.kind, says: f.says, by: f.by, at: f.at, host: f.host, why: f.why ?? null,
        followUp: raised ? { status: raised.status, incident: raised.incident ?? null, runbook: raised.runbook ?? null, reason: raised.reason ?? null } : null,
      };
    }),
  };
}

export function reportAnswers(view: IncidentView, metrics: ReportMetrics): ReportAnswers {
  const blast = lastOutput(view, 'kafka.blastRadius', (x) => BlastRadius.safeParse(x));
  const diff = lastOutput(view, 'kafka.baseline.diff', (x) => BaselineDiff.safeParse(x));
  const audit = lastOutput(view, 'kafka.admin.audit', (x) => AdminAudit.safeParse(x));
  const b = blast?.data;
  return {
    blastRadius: blast ? { step: blast.step, principal: blast.data.principal } : null,
    topicsRead: b ? topicsRead(b) : [],
    coverage: coverage(b),
    classified: classified(b),
    written: (b?.written ?? []).map(({ topic, requests, bytes }) => ({ topic, requests, bytes })),
    denied: (b?.denied ?? []).map(({ operation, resource, request, count }) => ({ operation, resource, request, count })),
    sharedGroups: (b?.sharedGroups ?? []).map(({ group, sharedWith }) => ({ group, sharedWith })),
    backdoors: diff ? { step: diff.step, baseline: diff.data.baseline, ...backdoorFindings(diff.data) } : null,
    hunt: audit ? hunt(audit.step, audit.data) : null,
    timeToContainMs: metrics.timeToContainMs,
  };
}
