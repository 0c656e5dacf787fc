// `kafka-ir evidence export`: a topic range read as kafka.evidence.capture reads it, to an NDJSON file and/or Splunk HEC.
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { KafkaClient } from '../../adapters/kafka/client.js';
import { offsetRanges, topicRecords } from '../../adapters/kafka/evidence-metadata.js';
import { readPartitions, type PartitionRead } from '../../adapters/kafka/read-partitions.js';
import { exportFiles } from '../../adapters/siem/export-files.js';
import { DEFAULT_SOURCETYPE } from '../../adapters/siem/hec-event.js';
import { sha256File } from '../../adapters/evidence/sha256.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { RejectedEvent } from '../model/actions/siem.js';
import { chooseCluster } from '../model/clusters.js';
import { progressMeter } from './progress-meter.js';

export interface EvidenceExportOptions { topic?: string[]; from: string; to?: string; out?: string; splunk?: boolean; mask?: string[]; cluster?: string }
export interface ExportIo { out: (line: string) => void; err: (line: string) => void; tty?: NodeJS.WriteStream; log: Logger }

function instant(flag: string, value: string, io: ExportIo): Date | undefined {
  const at = new Date(/^\d+$/.test(value) ? Number(value) : value);
  if (Number.isNaN(at.getTime())) io.err(`kafka-ir: ${flag} is an ISO-8601 time (2026-01-31T10:00:00Z) or epoch milliseconds`);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

/** Parts in capture order, one after another: the same line order kafka.evidence.capture gives a topic. */
async function concatenate(reads: PartitionRead[], target: string): Promise<void> {
  const out = createWriteStream(target, { mode: 0o600 }); // evidence holds payloads: owner only
  for (const r of reads) await pipeline(createReadStream(r.file), out, { end: false });
  out.end();
  await once(out, 'finish');
}

/** A rejected line named by its Kafka coordinates: the NDJSON may be a temporary file. */
async function describe(file: string, rejected: RejectedEvent[]): Promise<string[]> {
  const lines = (await readFile(file, 'utf8')).split('\n');
  return rejected.map((r) => {
    const rec = (() => { try { return JSON.parse(lines[r.line - 1] ?? '') as { topic?: string; partition?: number; offset?: number }; } catch { return {}; } })();
    return `  line ${r.line}${rec.topic ? ` (${rec.topic}[${rec.partition}] offset ${rec.offset})` : ''}: ${r.reason}`;
  });
}

export async function evidenceExportCommand(config: Config, opts: EvidenceExportOptions, io: ExportIo, signal?: AbortSignal): Promise<number> {
  const topics = [...new Set(opts.topic ?? [])];
  if (topics.length === 0) { io.err('kafka-ir: name at least one --topic'); return 2; }
  if (!opts.out && !opts.splunk) { io.err('kafka-ir: say where to: --out <file.ndjson>, --splunk, or both'); return 2; }
  if (opts.splunk && !config.siem) { io.err('kafka-ir: --splunk needs SPLUNK_HEC_URL and SPLUNK_HEC_TOKEN (and SPLUNK_HEC_INDEX unless the token has a default index)'); return 2; }
  const from = instant('--from', opts.from, io);
  const to = opts.to === undefined ? undefined : instant('--to', opts.to, io);
  if (!from || (opts.to !== undefined && !to)) return 2;

  const chosen = opts.cluster === undefined ? undefined : chooseCluster(config.clusters.map((c) => c.name), opts.cluster);
  if (chosen && !chosen.ok) { io.err(`kafka-ir: --cluster: ${chosen.reason}`); return 2; }
  const settings = chosen ? config.clusters.find((c) => c.name === chosen.cluster)!.kafka : config.kafka;
  const kafka = new KafkaClient(settings, io.log.child({ component: 'kafka' }));
  const work = await mkdtemp(join(tmpdir(), 'kafka-ir-export-'));
  try {
    const ranges = await offsetRanges(kafka, await topicRecords(kafka, topics), from, to);
    const total = ranges.reduce((n, r) => n + (r.end - r.start), 0);
    const reading = progressMeter({ label: 'reading', unit: 'messages', total, tty: io.tty, log: (f, m) => io.log.info(f, m) });
    const reads = await readPartitions(kafka, ranges, work, opts.mask ?? [], {}, (p) => reading.update({ done: p.messages, bytes: p.bytes }), signal);
    reading.finish();
    const target = opts.out ?? join(work, 'export.ndjson');
    await concatenate(reads, target);
    const messages = reads.reduce((n, r) => n + r.messages, 0);
    if (opts.out) {
      const { sha256, bytes } = await sha256File(target);
      io.out(`wrote ${messages} message(s) of ${topics.join(', ')} to ${opts.out} (${bytes} bytes, sha256 ${sha256})`);
    }
    if (!opts.splunk || !config.siem) return 0;

    const sending = progressMeter({ label: 'sending', unit: 'events', total: messages, tty: io.tty, log: (f, m) => io.log.info(f, m) });
    const bytesRead = reads.reduce((n, r) => n + r.bytes, 0);
    const sent = await exportFiles([{ name: basename(target), path: target }], {
      sender: { settings: config.siem, signal },
      meta: { host: hostname(), sourcetype: config.siem.sourcetype ?? DEFAULT_SOURCETYPE, index: config.siem.index },
      // One line per message: the bytes are the read bytes in proportion.
      onProgress: (p) => sending.update({ done: p.line, bytes: Math.round((bytesRead * p.line) / Math.max(messages, 1)) }),
    });
    sending.finish();
    io.out(`sent ${sent.events} event(s) in ${sent.batches} batch(es) to Splunk HEC${sent.rejected.length ? `; ${sent.rejected.length} refused:` : ''}`);
    if (sent.rejected.length) for (const line of await describe(target, sent.rejected)) io.out(line);
    return sent.rejected.length ? 1 : 0;
  } finally {
    await rm(work, { recursive: true, force: true });
    await kafka.close();
  }
}
