// One evidence NDJSON line as an HEC event: Splunk's envelope { time, host, source, sourcetype, index, event } around the record.

export interface HecEventMeta { host: string; sourcetype: string; index?: string }
export const DEFAULT_SOURCETYPE = 'kafka-ir:evidence';

interface EvidenceRecordShape { topic: string; timestamp: number }

function isRecord(v: unknown): v is EvidenceRecordShape & Record<string, unknown> {
  return v !== null && typeof v === 'object' && typeof (v as EvidenceRecordShape).topic === 'string'
    && typeof (v as EvidenceRecordShape).timestamp === 'number' && Number.isFinite((v as EvidenceRecordShape).timestamp);
}

/**
 * The JSON text of the event, or undefined when the line is not an evidence record. HEC's `time` is epoch seconds
 * (milliseconds as the fraction); without it Splunk would stamp the event with the time it arrived, not when Kafka had it.
 */
export function hecEvent(line: string, meta: HecEventMeta): string | undefined {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isRecord(record)) return undefined;
  return JSON.stringify({
    time: record.timestamp / 1000,
    host: meta.host,
    source: `kafka:${record.topic}`,
    sourcetype: meta.sourcetype,
    ...(meta.index ? { index: meta.index } : {}),
    event: record,
  });
}
