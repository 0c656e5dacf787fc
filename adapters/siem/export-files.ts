// Streams evidence NDJSON files to Splunk HEC batch by batch, reporting a resumable position after each accepted batch.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { RejectedEvent, SiemExport } from '../../src/model/actions/siem.js';
import { batches, DEFAULT_LIMITS, type BatchLimits, type PendingEvent } from './hec-batches.js';
import { hecEvent, type HecEventMeta } from './hec-event.js';
import { sendBatch, type HecSender } from './hec-sender.js';

/** `name` is what a rejection reports (relative to the evidence directory). */
export interface ExportFile { name: string; path: string }

/** Everything up to and including `line` of files[`file`] is done: a retry continues after it, so nothing is sent twice. */
export interface ExportPosition extends SiemExport { file: number; line: number }

export interface ExportOptions {
  sender: HecSender;
  meta: HecEventMeta;
  limits?: BatchLimits;
  resume?: ExportPosition;
  onProgress?: (p: ExportPosition) => void;
}

const NOT_A_RECORD = 'not an evidence record (a JSON object with topic and timestamp)';

export async function exportFiles(files: ExportFile[], opts: ExportOptions): Promise<SiemExport> {
  const start = opts.resume ?? { file: 0, line: 0, events: 0, batches: 0, rejected: [] };
  const indexOf = new Map(files.map((f, i) => [f.name, i] as const));
  const done = (r: RejectedEvent, at: { file: number; line: number }) => {
    const i = indexOf.get(r.file) ?? 0;
    return i < at.file || (i === at.file && r.line <= at.line);
  };
  // Lines read ahead of the last accepted batch are reported only once the position passes them (a retry meets them again).
  const rejected: RejectedEvent[] = [...start.rejected];

  async function* events(): AsyncGenerator<PendingEvent> {
    for (let i = start.file; i < files.length; i++) {
      const f = files[i]!;
      let line = 0;
      for await (const text of createInterface({ input: createReadStream(f.path), crlfDelay: Infinity })) {
        line += 1;
        if ((i === start.file && line <= start.line) || text.length === 0) continue;
        const body = hecEvent(text, opts.meta);
        if (body === undefined) rejected.push({ file: f.name, line, reason: NOT_A_RECORD });
        else yield { file: f.name, line, body };
      }
    }
  }

  let position: ExportPosition = { ...start };
  for await (const batch of batches(events(), opts.limits ?? DEFAULT_LIMITS)) {
    opts.sender.signal?.throwIfAborted();
    const sent = await sendBatch(opts.sender, batch);
    rejected.push(...sent.rejected);
    const last = batch[batch.length - 1]!;
    const at = { file: indexOf.get(last.file)!, line: last.line };
    position = { ...at, events: position.events + sent.accepted, batches: position.batches + sent.batches, rejected: rejected.filter((r) => done(r, at)) };
    opts.onProgress?.(position);
  }
  const order = (r: RejectedEvent) => [indexOf.get(r.file) ?? 0, r.line] as const;
  rejected.sort((a, b) => order(a)[0] - order(b)[0] || order(a)[1] - order(b)[1]);
  return { events: position.events, batches: position.batches, rejected };
}
