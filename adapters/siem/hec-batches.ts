// Groups HEC events into request bodies: bounded by bytes and by count, in the order they were read.

/** One event and where it came from, so a refusal can name the evidence line. */
export interface PendingEvent { file: string; line: number; body: string }
export interface BatchLimits { maxBytes: number; maxEvents: number }

/** Splunk's default max_content_length was 1 MB before 8.x; staying under it works with every HEC. */
export const DEFAULT_LIMITS: BatchLimits = { maxBytes: 1_000_000, maxEvents: 1_000 };

/** An event larger than `maxBytes` goes alone: HEC decides whether it fits its own limit. */
export async function* batches(events: AsyncIterable<PendingEvent> | Iterable<PendingEvent>, limits: BatchLimits): AsyncGenerator<PendingEvent[]> {
  let batch: PendingEvent[] = [];
  let bytes = 0;
  for await (const e of events) {
    const size = Buffer.byteLength(e.body);
    if (batch.length > 0 && (bytes + size > limits.maxBytes || batch.length >= limits.maxEvents)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(e);
    bytes += size;
  }
  if (batch.length > 0) yield batch;
}

/** HEC's batch format: JSON objects one after another, not an array. */
export function batchBody(batch: PendingEvent[]): string {
  return batch.map((e) => e.body).join('\n');
}
