// `kafka-ir status [id]`: what an incident is doing, what ran and what is waiting, for a person or (--json) a machine.
import type { ClientConfig } from '../config.js';
import { describeUnconfirmed, describeWait } from '../model/broker-wait.js';
import type { IncidentView } from '../model/incident.js';
import { callApi } from './api.js';

const MARK: Record<string, string> = {
  pending: '·', planned: '◇', awaiting_approval: '?', running: '▶', done: '✓', failed: '✗', skipped: '–', rejected: '✗', undone: '↶',
  unconfirmed: '!', awaiting_answer: '?',
};

export function formatIncident(v: IncidentView): string {
  const lines = [
    `${v.drill ? 'DRILL  ' : ''}${v.id}  ${v.status.toUpperCase()}${v.drill ? ' (drill: no Kafka change)' : v.dryRun ? ' (dry run)' : ''}  phase: ${v.phase}`,
    `  runbook ${v.runbook.id} v${v.runbook.version} · ${v.cluster ? `cluster ${v.cluster} · ` : ''}subject ${v.subject} · severity ${v.severity} · ${v.alerts} alert(s)`,
    `  opened ${v.openedAt}${v.closedAt ? ` · ended ${v.closedAt}` : ''}`,
    '  steps:',
    ...v.steps.map((s) => {
      const extra = s.status === 'awaiting_approval' && s.approvals
        ? ` — waiting on ${s.approvals.waitingOn.join(', ') || 'a decision'} (${s.approvals.votes.length}/${s.approvals.quorum})`
        : s.status === 'awaiting_answer' && s.ask ? ` — ${s.ask.error}; answer: kafka-ir answer ${v.id} retry|skip|abort --step ${s.id} (${s.ask.waitingOn.join(', ')})`
        : s.status === 'unconfirmed' && s.waitingFor ? ` — ${describeUnconfirmed(s.waitingFor)}`
        : s.waitingFor ? ` — ${describeWait(s.waitingFor)}`
        : s.error ? ` — ${s.error}` : s.plan ? ` — ${s.plan.summary}` : '';
      // A skipped step's note says "skipped …" itself: it stands for the status.
      return `    ${MARK[s.status] ?? ' '} ${s.phase.padEnd(11)} ${s.id} (${s.action}) ${s.note ?? `${s.status}${extra}`}`;
    }),
    '  recent:',
    ...v.timeline.slice(-5).map((t) => `    ${t.at} ${t.type}${t.step ? ` ${String(t.step)}` : t.phase ? ` ${String(t.phase)}` : ''}`),
  ];
  return lines.join('\n');
}

/** What /healthz says when the engine cannot read some incidents (a wrong payload key): printed before anything else. */
async function warnIfDegraded(config: ClientConfig): Promise<boolean> {
  const health = await callApi<{ status?: string; reason?: string; fix?: string; incidents?: number }>(config, 'GET', '/healthz');
  if (health.body.status !== 'degraded') return false;
  process.stderr.write(`kafka-ir is degraded: ${health.body.reason} (${health.body.incidents} incident(s); the engine's log names them)\n`
    + `  to fix: ${health.body.fix}\n`);
  return true;
}

export async function statusCommand(config: ClientConfig, id: string | undefined, opts: { json?: boolean; all?: boolean }): Promise<number> {
  const degraded = await warnIfDegraded(config);
  if (id) {
    const res = await callApi<IncidentView & { error?: string }>(config, 'GET', `/v1/incidents/${encodeURIComponent(id)}`);
    if (res.status === 404) { process.stderr.write(`kafka-ir: no incident ${id}\n`); return 1; }
    process.stdout.write(opts.json ? `${JSON.stringify(res.body, null, 2)}\n` : `${formatIncident(res.body)}\n`);
    return degraded ? 1 : 0;
  }
  const res = await callApi<{ incidents: IncidentView[] }>(config, 'GET', `/v1/incidents${opts.all ? '' : '?status=open'}`);
  const incidents = res.body.incidents;
  if (opts.json) process.stdout.write(`${JSON.stringify(incidents, null, 2)}\n`);
  else if (incidents.length === 0) process.stdout.write(opts.all ? 'no incidents\n' : 'no open incidents (--all shows closed ones)\n');
  else process.stdout.write(`${incidents.map(formatIncident).join('\n\n')}\n`);
  return degraded ? 1 : 0;
}
