// Classifies raw log lines (bytes) and turns the access lines a scan wants into records; the hot path of every scan.
import type { AccessRecord } from '../../src/model/access-records.js';
import type { LineCounts } from '../../src/model/access-findings.js';
import { authorizerRecord } from './authorizer-record.js';
import { requestRecord } from './request-record.js';
import { withoutSecrets } from './secret-fields.js';

export type AccessLog = 'request' | 'authorizer';

/**
 * What a scan keeps: one principal's lines and/or the request-log lines of some request types (`requests`, Kafka's
 * API names such as "CREATE_ACLS"), topic-id lines, and lines holding `marker`; every line when neither is given.
 * Authorizer lines are kept for a principal only.
 */
export interface LineFilter { principal?: string; requests?: readonly string[]; marker?: string }

export interface LineSink {
  record(record: AccessRecord): void;
  /** Access lines' times, kept or not (at least the first and last of each read): how far each broker's records reach. */
  seen(broker: number, log: AccessLog, at: number): void;
}

const REQUEST_SUFFIX = Buffer.from(' (kafka.request.logger)');
const AUTHORIZER_SUFFIX = Buffer.from(' (kafka.authorizer.logger)');
const COMPLETED = Buffer.from('Completed request:');
const PRINCIPAL = Buffer.from('Principal = ');
const TOPIC_ID_APIS = ['"requestApiKeyName":"CREATE_TOPICS"', '"requestApiKeyName":"DELETE_TOPICS"'];
const [LF, CR, SPACE, TAB, BRACKET, BRACE, ZERO] = [10, 13, 32, 9, 0x5b, 0x7b, 0x30];

/** A byte string searched once per buffer: each line asks whether the next occurrence falls inside it. */
class Needle {
  private readonly bytes: Buffer;
  private buf?: Buffer;
  private next = -1;
  private from = 0;

  constructor(text: string) {
    this.bytes = Buffer.from(text);
  }

  within(buf: Buffer, start: number, end: number): boolean {
    if (buf !== this.buf || (this.next !== -1 && this.next < start) || (this.next === -1 && start < this.from)) {
      this.buf = buf;
      this.from = start;
      this.next = buf.indexOf(this.bytes, start);
    }
    return this.next !== -1 && this.next + this.bytes.length <= end;
  }
}

const digit = (b: number | undefined) => b !== undefined && b >= ZERO && b <= ZERO + 9;
const num = (buf: Buffer, at: number, len: number) => {
  let n = 0;
  for (let i = at; i < at + len; i++) n = n * 10 + (buf[i]! - ZERO);
  return n;
};

/**
 * "[2026-12-07 04:25:41,353]" (stock pattern, local time) or "[2026-12-07 04:25:41,353+0000]" (ours); "T" and "."
 * are accepted too. Where the bracket closes, or -1 when the line does not start with such a time.
 */
function timeEnd(buf: Buffer, s: number, e: number): number {
  if (e - s < 25 || buf[s] !== BRACKET || !digit(buf[s + 1]) || !digit(buf[s + 4]) || buf[s + 5] !== 0x2d || buf[s + 14] !== 0x3a) return -1;
  for (const i of [2, 3, 6, 7, 9, 10, 12, 13, 15, 16, 18, 19, 21, 22, 23]) if (!digit(buf[s + i])) return -1;
  let i = s + 24;
  if (buf[i] === 0x5a) i++; // Z
  else if ((buf[i] === 0x2b || buf[i] === 0x2d) && digit(buf[i + 1]) && digit(buf[i + 2])) i += buf[i + 3] === 0x3a ? 6 : 5;
  return buf[i] === 0x5d ? i + 1 : -1;
}

/** The time (epoch ms) of a line `timeEnd` accepted. */
function timeOf(buf: Buffer, s: number, localOffsetMs: number): number {
  const at = Date.UTC(num(buf, s + 1, 4), num(buf, s + 6, 2) - 1, num(buf, s + 9, 2), num(buf, s + 12, 2), num(buf, s + 15, 2), num(buf, s + 18, 2), num(buf, s + 21, 3));
  const i = s + 24;
  if (buf[i] === 0x5a) return at;
  if (buf[i] !== 0x2b && buf[i] !== 0x2d) return at + localOffsetMs;
  const colon = buf[i + 3] === 0x3a ? 1 : 0;
  const minutes = num(buf, i + 1, 2) * 60 + num(buf, i + 3 + colon, 2);
  return at + (buf[i] === 0x2b ? -1 : 1) * minutes * 60_000;
}

/** The time of a log line in ms and where its bracket closes, or undefined. */
export function lineTime(buf: Buffer, s: number, e: number, localOffsetMs: number): { at: number; end: number } | undefined {
  const end = timeEnd(buf, s, e);
  return end === -1 ? undefined : { at: timeOf(buf, s, localOffsetMs), end };
}

const endsWith = (buf: Buffer, e: number, suffix: Buffer) => e >= suffix.length && buf.compare(suffix, 0, suffix.length, e - suffix.length, e) === 0;

/** Which access log a line (ending at `e`, before any \r) belongs to, by its logger. */
export function accessLogOf(buf: Buffer, e: number): AccessLog | undefined {
  const end = buf[e - 1] === CR ? e - 1 : e;
  if (endsWith(buf, end, REQUEST_SUFFIX)) return 'request';
  return endsWith(buf, end, AUTHORIZER_SUFFIX) ? 'authorizer' : undefined;
}
const startsWith = (buf: Buffer, at: number, prefix: Buffer) => buf.compare(prefix, 0, prefix.length, at, Math.min(at + prefix.length, buf.length)) === 0;
/** Stack traces and other continuation lines of multi-line messages. */
const CONTINUATION = /^(\s|Caused by:|[\w$.]+(Exception|Error)\b|\.\.\. \d+ more)/;

export class AccessLineParser {
  readonly counts: LineCounts = { records: 0, other: 0, garbage: 0, truncated: 0 };
  private readonly principalRequest?: Needle;
  private readonly principalAuthorizer?: Needle;
  private readonly requestTypes?: Needle[];
  private readonly marker?: Needle;
  private readonly topicIdApis = TOPIC_ID_APIS.map((t) => new Needle(t));
  /**
   * The first and last line of each log in the lines being read: lines come in time order, so their times bound
   * the others' and only theirs are computed (the date arithmetic is most of a skipped line's cost).
   */
  private readonly marks: Record<AccessLog, { first?: [Buffer, number]; last?: [Buffer, number] }> = { request: {}, authorizer: {} };

  constructor(filter: LineFilter, private readonly localOffsetMs: number, private readonly sink: LineSink) {
    if (filter.principal !== undefined) {
      this.principalRequest = new Needle(`"principal":${JSON.stringify(filter.principal)}`);
      this.principalAuthorizer = new Needle(`Principal = ${filter.principal} is `);
    }
    if (filter.requests) this.requestTypes = filter.requests.map((api) => new Needle(`"requestApiKeyName":"${api}"`));
    if (filter.marker) this.marker = new Needle(filter.marker);
  }

  /** Every line is kept when the filter names neither a principal nor request types. */
  private get everything(): boolean {
    return !this.principalRequest && !this.requestTypes;
  }

  /** Every complete line of buf[start, end) (lines end with \n; the last may lack it). `lineNo` is the first line's number. */
  lines(buf: Buffer, start: number, end: number, broker: number, name: string, lineNo: number): number {
    let s = start;
    let n = lineNo;
    while (s < end) {
      let e = buf.indexOf(LF, s);
      if (e === -1 || e > end) e = end;
      this.line(buf, s, buf[e - 1] === CR ? e - 1 : e, broker, name, n);
      n++;
      s = e + 1;
    }
    for (const log of ['request', 'authorizer'] as const) {
      const m = this.marks[log];
      if (m.first) this.sink.seen(broker, log, timeOf(m.first[0], m.first[1], this.localOffsetMs));
      if (m.last) this.sink.seen(broker, log, timeOf(m.last[0], m.last[1], this.localOffsetMs));
      m.first = undefined;
      m.last = undefined;
    }
    return n;
  }

  private mark(log: AccessLog, buf: Buffer, s: number): void {
    const m = this.marks[log];
    if (!m.first) m.first = [buf, s];
    else m.last = [buf, s];
  }

  /** A line cut short before it ended (a line over the limit, or a file ending mid-write). */
  truncated(): void {
    this.counts.truncated++;
  }

  line(buf: Buffer, s: number, e: number, broker: number, name: string, lineNo: number): void {
    if (e <= s) return;
    if (buf[s] === BRACE) return this.envelope(buf.toString('utf8', s, e), broker, name, lineNo);
    const end = timeEnd(buf, s, e);
    if (end === -1) {
      if (buf[s] === SPACE || buf[s] === TAB || CONTINUATION.test(buf.toString('latin1', s, Math.min(e, s + 200)))) this.counts.other++;
      else this.counts.garbage++;
      return;
    }
    // "] LEVEL message (logger)"
    const level = buf.indexOf(SPACE, end + 1);
    const msg = level === -1 || level >= e ? e : level + 1;
    if (endsWith(buf, e, REQUEST_SUFFIX)) {
      if (!startsWith(buf, msg, COMPLETED)) { this.counts.other++; return; }
      this.mark('request', buf, s);
      const keep = this.everything || this.principalRequest?.within(buf, s, e) || this.requestTypes?.some((n) => n.within(buf, s, e))
        || this.marker?.within(buf, s, e) || this.topicIdApis.some((n) => n.within(buf, s, e));
      if (!keep) { this.counts.records++; return; }
      const at = timeOf(buf, s, this.localOffsetMs);
      let body: unknown;
      try {
        body = JSON.parse(withoutSecrets(buf.toString('utf8', msg + COMPLETED.length, e - REQUEST_SUFFIX.length)));
      } catch {
        this.counts.truncated++;
        return;
      }
      this.counts.records++;
      for (const r of requestRecord(body as Record<string, unknown>, { at, broker, source: lineNo > 0 ? `${name}:${lineNo}` : name })) this.sink.record(r);
      return;
    }
    if (endsWith(buf, e, AUTHORIZER_SUFFIX)) {
      this.mark('authorizer', buf, s);
      const keep = this.everything || this.principalAuthorizer?.within(buf, s, e) || this.marker?.within(buf, s, e);
      if (!keep) { this.counts.records++; return; }
      const at = timeOf(buf, s, this.localOffsetMs);
      const r = authorizerRecord(buf.toString('utf8', msg, e - AUTHORIZER_SUFFIX.length), { at, broker, source: lineNo > 0 ? `${name}:${lineNo}` : name });
      if (!r) { this.counts.truncated++; return; }
      this.counts.records++;
      this.sink.record(r);
      return;
    }
    if (startsWith(buf, msg, COMPLETED) || startsWith(buf, msg, PRINCIPAL)) this.counts.truncated++;
    else this.counts.other++;
  }

  /** A shipper's JSON line: the log line is its "message" or "log" field. */
  private envelope(text: string, broker: number, name: string, lineNo: number): void {
    let inner: unknown;
    try {
      const json = JSON.parse(text) as Record<string, unknown>;
      inner = json.message ?? json.log;
    } catch {
      this.counts.garbage++;
      return;
    }
    if (typeof inner !== 'string' || inner.startsWith('{')) { this.counts.garbage++; return; }
    const buf = Buffer.from(inner.trimEnd());
    this.line(buf, 0, buf.length, broker, name, lineNo);
  }
}
