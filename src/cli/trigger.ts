// `kafka-ir trigger`: builds a generic alert from flags or a file and posts it to the engine's intake.
import { readFileSync } from 'node:fs';
import type { ClientConfig } from '../config.js';
import { KafkaIrError } from '../model/errors.js';
import { callApi } from './api.js';

export interface TriggerOptions {
  kind?: string; severity?: string; principal?: string; clientId?: string; brokerId?: string; host?: string; cluster?: string;
  topic?: string[]; summary?: string; alert?: string; dryRun?: boolean; json?: boolean;
}

interface IntakeAnswer {
  incidents: { id: string; runbook: string; status: string }[];
  rejected: { index: number; issues: { path: string; message: string }[] }[];
  unmatched: { index: number; reason: string }[];
  deferred?: { index: number; reason: string }[];
  error?: string;
  issues?: { path: string; message: string }[];
}

export function alertFromOptions(o: TriggerOptions): unknown {
  if (o.alert) {
    try {
      return JSON.parse(readFileSync(o.alert, 'utf8'));
    } catch (err) {
      throw new KafkaIrError('INVALID_CONFIG', `--alert ${o.alert}: ${(err as Error).message}`, 'give a JSON file holding one alert (docs/design.md §6)');
    }
  }
  if (!o.kind || !o.severity) throw new KafkaIrError('INVALID_CONFIG', 'trigger needs --kind and --severity, or --alert <file.json>');
  const subject = {
    principal: o.principal, clientId: o.clientId, host: o.host,
    brokerId: o.brokerId === undefined ? undefined : Number(o.brokerId),
    topics: o.topic?.length ? o.topic : undefined, cluster: o.cluster,
  };
  return {
    kind: o.kind, severity: o.severity, source: 'kafka-ir-cli', observedAt: new Date().toISOString(),
    summary: o.summary ?? `${o.kind} triggered from the command line`,
    subject: Object.fromEntries(Object.entries(subject).filter(([, v]) => v !== undefined)),
  };
}

export async function triggerCommand(config: ClientConfig, o: TriggerOptions): Promise<number> {
  const res = await callApi<IntakeAnswer>(config, 'POST', `/v1/alerts${o.dryRun ? '?dryRun=true' : ''}`, alertFromOptions(o));
  if (o.json) process.stdout.write(`${JSON.stringify(res.body, null, 2)}\n`);
  if (res.status === 400) {
    if (!o.json) process.stderr.write(`kafka-ir: the alert is invalid:\n${(res.body.issues ?? []).map((i) => `  ${i.path || 'alert'}: ${i.message}`).join('\n')}\n`);
    return 2;
  }
  if (res.status !== 202) {
    if (!o.json) {
      process.stderr.write(`kafka-ir: intake answered ${res.status}: ${res.body.error ?? ''}\n`);
      for (const d of res.body.deferred ?? []) process.stderr.write(`  deferred: ${d.reason}\n`);
    }
    return 1;
  }
  if (!o.json) {
    for (const i of res.body.incidents) process.stdout.write(`${i.status} ${i.id} (runbook ${i.runbook})${o.dryRun ? ' — dry run' : ''}\n`);
    for (const u of res.body.unmatched) process.stdout.write(`unmatched: ${u.reason}\n`);
  }
  return res.body.incidents.length ? 0 : 1;
}
