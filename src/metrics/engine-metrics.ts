// Prometheus metrics of one engine (GET /metrics): intake results, open and ended incidents, phase and approval times, action outcomes.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { IncidentReport } from '../model/incident-report.js';
import { parseIncidentId, workflowIdParts } from '../model/incident.js';
import { DEFAULT_CLUSTER } from '../model/clusters.js';
import type { OpenCount } from '../temporal/open-incidents.js';

export type IntakeResult = 'started' | 'attached' | 'duplicate' | 'unmatched' | 'rejected';

export interface EngineMetrics {
  registry: Registry;
  intake(result: IntakeResult, runbook?: string, count?: number): void;
  /** Fed by every report archived at close: the incident's times and outcomes enter the histograms once. */
  observeReport(report: IncidentReport): void;
}

/** Incident work spans seconds (automatic) to days (waiting on people). */
const BUCKETS = [1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 24 * 3600, 7 * 24 * 3600];

/** The cluster an incident acted on, as its id names it. */
const clusterOf = (incidentId: string) => workflowIdParts(parseIncidentId(incidentId)?.workflowId ?? '')?.cluster ?? DEFAULT_CLUSTER;

export function createEngineMetrics(options: { openIncidents?: () => Promise<OpenCount[]>; intakeBacklog?: () => number } = {}): EngineMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'kafka_ir_process_' });
  const intake = new Counter({
    name: 'kafka_ir_intake_alerts_total', help: 'Alerts received, by what happened to them (started, attached, duplicate, unmatched, rejected) and runbook',
    labelNames: ['result', 'runbook'], registers: [registry],
  });
  new Gauge({
    name: 'kafka_ir_incidents_open', help: 'Open incidents by runbook and cluster (Temporal visibility, read at scrape time)', labelNames: ['runbook', 'cluster'], registers: [registry],
    async collect() {
      this.reset();
      // A scrape must not fail because Temporal is briefly away: the other metrics still answer.
      const open = await options.openIncidents?.().catch(() => undefined);
      for (const { runbook, cluster, count } of open ?? []) this.set({ runbook, cluster }, count);
    },
  });
  new Gauge({
    name: 'kafka_ir_intake_backlog_alerts', help: 'Alerts answered 202 and written to the intake log, not yet delivered to their incidents', registers: [registry],
    collect() { this.set(options.intakeBacklog?.() ?? 0); },
  });
  const ended = new Counter({ name: 'kafka_ir_incidents_ended_total', help: 'Incidents archived at close by this engine, by runbook, cluster and status (closed, aborted)', labelNames: ['runbook', 'cluster', 'status'], registers: [registry] });
  const times = new Histogram({
    name: 'kafka_ir_incident_time_seconds', help: 'Time from opening to triage, containment, recovery and close', labelNames: ['runbook', 'measure'], buckets: BUCKETS, registers: [registry],
  });
  const phases = new Histogram({ name: 'kafka_ir_phase_duration_seconds', help: 'Time spent in each phase', labelNames: ['runbook', 'phase'], buckets: BUCKETS, registers: [registry] });
  const approvals = new Histogram({
    name: 'kafka_ir_approval_wait_seconds', help: 'approval.requested → approved or rejected, per step', labelNames: ['runbook', 'step', 'outcome'], buckets: BUCKETS, registers: [registry],
  });
  const actions = new Counter({ name: 'kafka_ir_action_outcomes_total', help: 'Runbook steps by action and final status', labelNames: ['runbook', 'action', 'status'], registers: [registry] });

  return {
    registry,
    intake: (result, runbook = '', count = 1) => { if (count > 0) intake.inc({ result, runbook }, count); },
    observeReport(report) {
      const runbook = report.incident.runbook.id;
      ended.inc({ runbook, cluster: clusterOf(report.incident.id), status: report.incident.status });
      const m = report.metrics;
      for (const [measure, ms] of [['triage', m.timeToTriageMs], ['contain', m.timeToContainMs], ['recover', m.timeToRecoverMs], ['close', m.timeToCloseMs]] as const) {
        if (ms !== null) times.observe({ runbook, measure }, ms / 1000);
      }
      for (const p of m.phases) if (p.durationMs !== null) phases.observe({ runbook, phase: p.phase }, p.durationMs / 1000);
      for (const a of report.approvals) if (a.waitMs !== null) approvals.observe({ runbook, step: a.step, outcome: a.outcome }, a.waitMs / 1000);
      for (const a of report.actions) actions.inc({ runbook, action: a.action, status: a.status });
    },
  };
}
