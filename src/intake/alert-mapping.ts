// Maps flat source fields (Alertmanager labels, Splunk result fields) to a generic alert candidate, per the configured mapping.
import type { AlertMapping } from '../model/settings.js';

type Field = keyof AlertMapping['labels'];

/** docs/design.md §6: the Alertmanager default mapping, also used for Splunk result fields. */
const DEFAULT_NAMES: Record<Field, string[]> = {
  kind: ['kind', 'alertname'],
  severity: ['severity'],
  summary: ['summary', 'alertname'],
  principal: ['principal'],
  clientId: ['client_id'],
  host: ['host'],
  topic: ['topic'],
  brokerId: ['broker_id'],
  cluster: ['cluster'],
};

const DEFAULT_SEVERITIES: Record<string, string> = {
  info: 'low', warning: 'medium', error: 'high', critical: 'critical',
  // Sources that already speak the generic scale keep their value.
  low: 'low', medium: 'medium', high: 'high',
};

export interface ResolvedMapping {
  names: Record<Field, string[]>;
  severities: Record<string, string>;
}

export function resolveMapping(mapping: AlertMapping | undefined): ResolvedMapping {
  return {
    names: { ...DEFAULT_NAMES, ...mapping?.labels },
    severities: { ...DEFAULT_SEVERITIES, ...mapping?.severities },
  };
}

/** The first named field present and non-empty; multivalue fields (Splunk) give their first value. */
function pick(fields: Record<string, unknown>, names: readonly string[]): string | undefined {
  for (const name of names) {
    const raw = fields[name];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
    if (typeof value === 'number') return String(value);
  }
  return undefined;
}

/**
 * An alert candidate, not yet validated: values that cannot be mapped are passed through as they are so that the
 * Alert schema names the problem (e.g. broker_id "abc" → "subject.brokerId: expected number").
 */
export function mapFields(
  fields: Record<string, unknown>, mapping: ResolvedMapping,
  extra: { source: string; observedAt: string; kindFallback?: string; summaryFallback?: string; summaryFields?: Record<string, unknown> },
): Record<string, unknown> {
  const get = (field: Field) => pick(fields, mapping.names[field]);
  const severity = get('severity');
  const brokerId = get('brokerId');
  const topic = get('topic');
  const subject = Object.fromEntries(Object.entries({
    principal: get('principal'),
    clientId: get('clientId'),
    host: get('host'),
    topics: topic === undefined ? undefined : [topic],
    brokerId: brokerId === undefined ? undefined : /^\d+$/.test(brokerId) ? Number(brokerId) : brokerId,
    cluster: get('cluster'),
  }).filter(([, v]) => v !== undefined));
  const kind = get('kind') ?? extra.kindFallback;
  const summary = (extra.summaryFields && pick(extra.summaryFields, mapping.names.summary)) ?? get('summary') ?? extra.summaryFallback ?? kind;
  return {
    kind,
    severity: severity === undefined ? undefined : (mapping.severities[severity.toLowerCase()] ?? severity),
    summary,
    source: extra.source,
    observedAt: extra.observedAt,
    subject,
  };
}
