// The access-record source the engine is given: scans files and/or a shipped topic for a window, reporting coverage and bad lines.
import { setTimeout as sleep } from 'node:timers/promises';
import type { LineCounts } from '../../src/model/access-findings.js';
import type { AccessLogSettings } from '../../src/model/access-log-settings.js';
import { timeZoneOffsetMs } from '../../src/model/access-log-settings.js';
import type { AccessRecord } from '../../src/model/access-records.js';
import { byteSize } from '../../src/model/byte-size.js';
import { durationMs } from '../../src/model/duration.js';
import { KafkaIrError } from '../../src/model/errors.js';
import { AccessLineParser, accessLogOf, lineTime, type AccessLog, type LineFilter } from './access-line-parser.js';
import { accessFiles, type BrokerFile } from './access-files.js';
import { fileStream, parseStream } from './file-lines.js';
import { probeLinesWritten } from './probe-lines.js';
import { scanTopic, type TopicMessages } from './topic-lines.js';

export interface ScanRequest {
  /** Epoch ms; records outside are not passed on (topic-id records always are). */
  window: { from: number; to: number };
  filter: LineFilter;
  onRecord(record: AccessRecord): void;
  /** Brokers whose `filter.marker` line a shipped topic must deliver before the scan ends (up to probeWait). */
  awaitMarkers?: number[];
  onProgress?(p: { bytes: number }): void;
  signal?: AbortSignal;
}

export interface BrokerSpan { broker: number; log: AccessLog; first: number; last: number }

export interface ScanResult {
  counts: LineCounts;
  /** How far each broker's records of each log reach, over all lines read (not only the window's). */
  spans: BrokerSpan[];
  /** When each broker wrote its marker line, per log. */
  markers: { broker: number; log: AccessLog; at: number }[];
  /** Files or messages that could not be read or placed. */
  problems: string[];
  bytes: number;
}

export interface AccessRecordSource {
  /** The configured sources in words, for reports. */
  readonly sources: string[];
  scan(request: ScanRequest): Promise<ScanResult>;
}

export interface AccessSourceDeps {
  /** Reads the shipped topic; required when settings name one. */
  topicMessages?: TopicMessages;
}

interface FileHead { firstAt?: number; log?: AccessLog }

/** How long a shipper may take to produce a line: a topic is read from this much before the window. */
const SHIPPING_LAG_MS = 5 * 60_000;
/** How often the files are looked at while the probe's lines are awaited. */
const PROBE_POLL_MS = 100;
/** Files that have not grown for this long are not being written: their probe lines are not coming. */
const PROBE_QUIET_MS = 1_000;

/** The time of the file's first log line (for reading a broker's files oldest first), and its first access line's log. */
async function fileHead(path: string, localOffsetMs: number): Promise<FileHead> {
  const stream = await fileStream(path);
  const head: FileHead = {};
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let s = 0;
      while (s < chunk.length && head.log === undefined) {
        const nl = chunk.indexOf(10, s);
        const e = nl === -1 ? chunk.length : nl;
        const t = lineTime(chunk, s, e, localOffsetMs);
        if (t) {
          head.firstAt ??= t.at;
          head.log = accessLogOf(chunk, e);
        }
        s = e + 1;
      }
      return head;
    }
    return head;
  } finally {
    stream.destroy();
  }
}

export function accessRecordSource(settings: AccessLogSettings, deps: AccessSourceDeps = {}): AccessRecordSource {
  const localOffsetMs = timeZoneOffsetMs(settings.timeZone);
  const maxLineBytes = byteSize(settings.maxLineBytes);
  const sources = [
    ...settings.files.map((f) => (typeof f === 'string' ? f : `broker ${f.broker}: ${f.paths.join(', ')}`)),
    ...(settings.topic ? [`topic ${settings.topic.name}`] : []),
  ];
  return {
    sources,
    async scan(request) {
      const spans = new Map<number, { request?: BrokerSpan; authorizer?: BrokerSpan }>();
      const markers = new Map<string, { broker: number; log: AccessLog; at: number }>();
      const marker = request.filter.marker;
      const { from, to } = request.window;
      const seen = (broker: number, log: AccessLog, at: number) => {
        let byLog = spans.get(broker);
        if (!byLog) { byLog = {}; spans.set(broker, byLog); }
        const span = byLog[log];
        if (!span) byLog[log] = { broker, log, first: at, last: at };
        else if (at < span.first) span.first = at;
        else if (at > span.last) span.last = at;
      };
      const parser = new AccessLineParser(request.filter, localOffsetMs, {
        seen,
        record(r) {
          const isMarker = marker !== undefined && (
            (r.kind === 'listOffsets' && r.topics.includes(marker)) || (r.kind === 'authorization' && r.resourceName === marker));
          if (isMarker) {
            const log = r.kind === 'authorization' ? 'authorizer' : 'request';
            markers.set(`${r.broker}/${log}`, { broker: r.broker, log, at: r.at });
            return;
          }
          if (r.kind === 'topicIds' || (r.at >= from && r.at <= to)) request.onRecord(r);
        },
      });
      const problems: string[] = [];
      let bytes = 0;
      const progress = (n: number) => { bytes += n; request.onProgress?.({ bytes }); };

      let found = await accessFiles(settings.files, settings.brokers);
      if (marker !== undefined && request.awaitMarkers?.length && found.files.length) {
        // Files still being written may yet get the lines; files that stay as they are (copies, a stopped shipper) will not.
        const deadline = Date.now() + durationMs(settings.probeWait);
        const sizes = () => found.files.map((f) => `${f.path}:${f.size}`).sort().join();
        let [last, changedAt] = [sizes(), Date.now()];
        while (!await probeLinesWritten(found.files, request.awaitMarkers, marker) && Date.now() < deadline && Date.now() - changedAt < PROBE_QUIET_MS) {
          await sleep(PROBE_POLL_MS, undefined, { signal: request.signal });
          found = await accessFiles(settings.files, settings.brokers);
          if (sizes() !== last) [last, changedAt] = [sizes(), Date.now()];
        }
      }
      problems.push(...found.problems);
      for (const file of await oldestFirst(found.files, localOffsetMs)) {
        request.signal?.throwIfAborted();
        // Every line of a file last written before the window is older than the window: its head is enough.
        if (file.mtimeMs < from && file.firstAt !== undefined && file.log !== undefined) {
          seen(file.broker, file.log, file.firstAt);
          progress(file.size);
          continue;
        }
        try {
          const stream = await fileStream(file.path);
          const read = await parseStream(stream, parser, file.broker, file.path, maxLineBytes, request.signal);
          progress(read.bytes);
        } catch (err) {
          if (request.signal?.aborted) throw err;
          problems.push(`${file.path}: ${(err as Error).message}`);
        }
      }

      if (settings.topic) {
        if (!deps.topicMessages) throw new KafkaIrError('INVALID_CONFIG', 'accessLog.topic is set but the engine gave no Kafka reader', 'this is a wiring bug: report it');
        const needed = new Set(request.awaitMarkers ?? []);
        const read = await scanTopic(deps.topicMessages, settings.topic, settings.brokers, parser, {
          // A message is produced after its line was written: start early enough that the window's first lines are in.
          from: from - SHIPPING_LAG_MS, more: () => marker !== undefined && [...needed].some((b) => !markers.has(`${b}/request`) || !markers.has(`${b}/authorizer`)),
          waitMs: durationMs(settings.probeWait), signal: request.signal, onBytes: progress,
        });
        problems.push(...read.problems);
      }
      return {
        counts: { ...parser.counts },
        spans: [...spans.values()].flatMap((s) => [s.authorizer, s.request].filter((x) => x !== undefined)).sort((a, b) => a.broker - b.broker),
        markers: [...markers.values()].sort((a, b) => a.broker - b.broker || a.log.localeCompare(b.log)),
        problems,
        bytes,
      };
    },
  };
}

/** Each broker's files in the order they were written: by their first line's time (rotated names do not sort). */
async function oldestFirst(files: BrokerFile[], localOffsetMs: number): Promise<(BrokerFile & FileHead)[]> {
  const timed = await Promise.all(files.map(async (f) => ({ ...f, ...await fileHead(f.path, localOffsetMs).catch(() => ({})) })));
  return timed.sort((a, b) => a.broker - b.broker || (a.firstAt ?? a.mtimeMs) - (b.firstAt ?? b.mtimeMs));
}
