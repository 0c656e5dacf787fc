// kafka.admin.audit: every administrative request since a time (request logs), the changes since the last baseline, the backdoors among them, raised as follow-ups.
import { randomUUID } from 'node:crypto';
import type { AccessRecordSource } from '../../adapters/access-log/access-source.js';
import { loadBaseline } from '../../adapters/evidence/baseline-store.js';
import { probeBrokers } from '../../adapters/kafka/access-probe.js';
import { readBaselineState } from '../../adapters/kafka/baseline-state.js';
import type { KafkaClient } from '../../adapters/kafka/client.js';
import { ADMIN_APIS, type AdminRecord } from '../../src/model/access-records.js';
import type { ActionInput } from '../../src/model/actions.js';
import type { AdminAudit, AdminFinding, FollowUp } from '../../src/model/admin-audit.js';
import { adminFindings } from '../../src/model/admin-findings.js';
import { diffBaselines } from '../../src/model/baseline.js';
import { KafkaIrError } from '../../src/model/errors.js';
import { followUpAlert, isDryRunIncident, type RaiseAlert } from '../../src/model/follow-ups.js';
import type { Settings } from '../../src/model/settings.js';
import { accessCoverage } from './access-coverage.js';

/** The newest requests kept in the output (findings are all kept): the history holds the step's output. */
const MAX_REQUESTS = 1000;

export interface AdminAuditDeps {
  kafka: KafkaClient;
  settings: Pick<Settings, 'protectedPrincipals'>;
  evidenceDir: string;
  accessRecords?: AccessRecordSource;
  /** The engine's intake: absent, findings are listed with their follow-ups "not raised". */
  raiseAlert?: RaiseAlert;
}

export interface AuditRequest { incidentId: string; step: string; input: ActionInput<'kafka.admin.audit'>; cluster?: string }
type Progress = { onProgress?: (p: { bytes: number }) => void; signal?: AbortSignal };

/** The last baseline taken before `since` (else the earliest), or why there is none to compare with. */
async function baselineBefore(evidenceDir: string, since: number) {
  try {
    return { found: await loadBaseline(evidenceDir, 'latest', undefined, since) };
  } catch (err) {
    if (err instanceof KafkaIrError && err.code === 'BASELINE_UNUSABLE') return { why: err.message };
    throw err;
  }
}

/** The admin requests of the window, with the coverage of the request logs that hold them. */
async function readRecords(client: KafkaClient, source: AccessRecordSource, window: { from: number; to: number }, progress: Progress) {
  const marker = `__kafka-ir-probe-${randomUUID()}`;
  const probe = await probeBrokers(client, marker);
  const records: AdminRecord[] = [];
  const scan = await source.scan({
    window, filter: { requests: ADMIN_APIS, marker }, onRecord: (r) => { if (r.kind === 'admin') records.push(r); },
    awaitMarkers: probe.sent.map((s) => s.broker), onProgress: progress.onProgress, signal: progress.signal,
  });
  const coverage = accessCoverage({
    window, brokers: probe.brokers, spans: scan.spans, markers: scan.markers, probeFailed: probe.failed, lines: scan.counts, sources: source.sources,
    logs: ['request'],
  });
  return { records, coverage, problems: scan.problems };
}

/** One follow-up may wait on a busy incident; the hunt's answer must not wait on it for ever. */
const RAISE_WAIT_MS = 10_000;

async function withinRaiseTime<T>(raising: Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => { timer = setTimeout(() => resolve(undefined), RAISE_WAIT_MS); });
  try {
    return await Promise.race([raising, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Each finding that calls for one raised once, as the alert `followUpAlert` makes; the intake routes and deduplicates it. */
async function raiseFollowUps(
  raise: RaiseAlert | undefined, findings: AdminFinding[], from: { incidentId: string; step: string; cluster?: string }, progress: Progress,
): Promise<FollowUp[]> {
  const once = new Map<string, AdminFinding & { followUp: NonNullable<AdminFinding['followUp']> }>();
  for (const f of findings) if (f.followUp && !once.has(f.fingerprint)) once.set(f.fingerprint, { ...f, followUp: f.followUp });
  progress.signal?.throwIfAborted();
  progress.onProgress?.({ bytes: 0 });
  // All at once: each is an update to another incident, and one that does not answer must not hold the others.
  return Promise.all([...once.values()].map(async (f): Promise<FollowUp> => {
    const base = { fingerprint: f.fingerprint, kind: f.followUp.kind, principal: f.followUp.principal };
    if (!raise) return { ...base, status: 'not raised', reason: 'this engine has no intake to raise it into' };
    let outcome: Awaited<ReturnType<RaiseAlert>> | undefined;
    try {
      outcome = await withinRaiseTime(raise(followUpAlert(f, from, new Date().toISOString()), { dryRun: isDryRunIncident(from.incidentId) }));
    } catch (err) {
      // One follow-up the intake refused must not cost the hunt its findings, nor the other follow-ups.
      return { ...base, status: 'not raised', reason: `the engine's intake refused it (${err instanceof Error ? err.message : String(err)}): raise it by hand` };
    }
    if (!outcome) return { ...base, status: 'not raised', reason: `the engine's intake did not answer within ${RAISE_WAIT_MS / 1000} s: raise it by hand` };
    return outcome.matched
      ? { ...base, status: outcome.status, incident: outcome.id, runbook: outcome.runbook }
      : { ...base, status: 'unmatched', reason: outcome.reason };
  }));
}

export async function auditAdminRequests(deps: AdminAuditDeps, req: AuditRequest, progress: Progress = {}): Promise<AdminAudit> {
  const since = Date.parse(req.input.since);
  const to = Date.now();
  const notes: string[] = [];
  const baseline = await baselineBefore(deps.evidenceDir, since);
  if (!deps.accessRecords && !baseline.found) {
    throw new KafkaIrError('INVALID_CONFIG', `nothing to hunt with: no access records are configured and ${baseline.why ?? 'no baseline is usable'}`,
      "configure accessLog (the brokers' request logs, docs/access-records.md) and a baseline schedule (baseline.every) in KAFKA_IR_CONFIG");
  }
  const takenAt = baseline.found ? Date.parse(baseline.found.state.takenAt) : undefined;
  // Read from the baseline on: a change made between it and the window is in the diff, and the records say who made it.
  const window = { from: Math.min(since, takenAt ?? since), to };
  const diff = baseline.found
    ? diffBaselines(baseline.found.ref, baseline.found.state, await readBaselineState(deps.kafka), baseline.found.notes)
    : undefined;
  if (baseline.why) notes.push(`no baseline to compare with (${baseline.why}): only the records are read`);
  if (diff) notes.push(...diff.notes);

  let records: AdminRecord[] = [];
  let coverage: AdminAudit['coverage'] = null;
  if (deps.accessRecords) {
    const read = await readRecords(deps.kafka, deps.accessRecords, window, progress);
    ({ records, coverage } = read);
    notes.push(...read.problems);
    if (coverage.answer !== 'exact') notes.push(`the request logs do not cover the whole window (${coverage.missing.map((m) => m.reason).join('; ')}): requests in those gaps are not seen`);
  } else {
    notes.push('no access records are configured (accessLog): who made each change, and when, is not known; only the baseline diff is read');
  }

  const trusted = new Map<string, string>([
    ...deps.kafka.ownPrincipals.map((p): [string, string] => [p, "kafka-ir's own principal"]),
    ...deps.settings.protectedPrincipals.map((p): [string, string] => [p, 'a protected principal (protectedPrincipals)']),
  ]);
  const { requests, findings } = adminFindings(records, {
    trusted, diff, withRecords: deps.accessRecords !== undefined, ...(baseline.found && takenAt !== undefined ? { usersAtBaseline: { at: takenAt, users: new Set(baseline.found.state.scramUsers.map((u) => u.user)) } } : {}),
  });
  const followUps = req.input.followUp ? await raiseFollowUps(deps.raiseAlert, findings, { incidentId: req.incidentId, step: req.step, cluster: req.cluster }, progress) : [];
  return {
    window: { from: new Date(window.from).toISOString(), to: new Date(to).toISOString() },
    since: new Date(since).toISOString(),
    baseline: baseline.found ? { ref: baseline.found.ref, takenAt: baseline.found.state.takenAt } : null,
    requests: requests.slice(-MAX_REQUESTS),
    requestsLeftOut: Math.max(0, requests.length - MAX_REQUESTS),
    findings,
    followUps,
    coverage,
    notes,
  };
}
