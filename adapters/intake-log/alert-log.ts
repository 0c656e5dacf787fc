// The intake's durable log: an alert is answered 202 only once its line is on disk (group commit: one write and one
// fdatasync for every alert that arrived meanwhile); delivery marks follow. On open, what was written but never marked
// delivered is handed back for delivery. Local files only: no broker, no Temporal (docs/operations.md, "Intake log").
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { KafkaIrError } from '../../src/model/errors.js';

/** A segment is closed past this size; a closed segment is deleted once every alert in it was delivered. */
const SEGMENT_BYTES = 64 * 1024 * 1024;
const SEGMENT = /^segment-(\d{16})\.ndjson$/;
const segmentName = (firstSeq: number) => `segment-${String(firstSeq).padStart(16, '0')}.ndjson`;

export interface Logged<T> { seq: number; record: T; bytes: number }

interface Waiter { seq: number; resolve: () => void; reject: (err: Error) => void }

export class AlertLog<T extends object> {
  /** Random per log: with the sequence number, what an incident remembers to recognise a redelivered alert. */
  readonly id: string;
  private next: number;
  /** The highest sequence number on disk. */
  private synced: number;
  private buffer: string[] = [];
  private waiters: Waiter[] = [];
  private flushing?: Promise<void>;
  private failed?: Error;
  private active!: { firstSeq: number; handle: FileHandle; bytes: number };
  /** Undelivered alerts per segment (by its first sequence number). */
  private readonly outstanding = new Map<number, number>();
  private replay: Logged<T>[];
  /** Called after each group commit (the deliverer takes what became durable). */
  onSynced: () => void = () => {};

  private constructor(private readonly dir: string) {
    this.id = readOrCreate(join(dir, 'log-id'), () => randomBytes(6).toString('hex'));
    const { pending, floor } = this.read();
    this.replay = pending;
    this.next = floor;
    this.synced = floor - 1;
  }

  /** Opens (or creates) the log in `dir`, refusing a directory another live engine holds. */
  static async open<T extends object>(dir: string): Promise<AlertLog<T>> {
    mkdirSync(dir, { recursive: true, mode: 0o750 });
    lock(dir);
    const log = new AlertLog<T>(dir);
    await log.roll();
    for (const [first, count] of log.outstanding) if (count === 0 && first !== log.active.firstSeq) log.drop(first);
    return log;
  }

  /** What was written before this open and never marked delivered, oldest first (handed out once). */
  takeReplay(): Logged<T>[] {
    const replay = this.replay;
    this.replay = [];
    return replay;
  }

  /** Appends a record built with its sequence number; `durable(seq)` settles once it is on disk. */
  append(make: (seq: number) => T): Logged<T> {
    if (this.failed) throw this.failed;
    const seq = this.next++;
    const record = make(seq);
    const line = `${JSON.stringify({ s: seq, r: record })}\n`;
    this.buffer.push(line);
    this.outstanding.set(this.active.firstSeq, (this.outstanding.get(this.active.firstSeq) ?? 0) + 1);
    this.flushing ??= this.flush();
    return { seq, record, bytes: line.length };
  }

  durable(seq: number): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    if (seq <= this.synced) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ seq, resolve, reject }));
  }

  /** Whether `seq` is on disk (only such alerts are delivered: an answer 202 never precedes its write). */
  isDurable(seq: number): boolean {
    return seq <= this.synced;
  }

  /** Marks alerts delivered (written with the next group; losing the mark only means a redelivery the incident drops). */
  delivered(seqs: readonly number[]): void {
    if (!seqs.length || this.failed) return;
    this.buffer.push(`${JSON.stringify({ d: seqs })}\n`);
    for (const seq of seqs) {
      const first = this.segmentOf(seq);
      const left = (this.outstanding.get(first) ?? 1) - 1;
      this.outstanding.set(first, left);
      if (left === 0 && first !== this.active.firstSeq) this.drop(first);
    }
    this.flushing ??= this.flush();
  }

  /** Writes what is buffered, then closes; `remove`: delete the whole directory (nothing is left to deliver). */
  async close(remove = false): Promise<void> {
    while (this.flushing) await this.flushing;
    await this.active.handle.close();
    if (remove) rmSync(this.dir, { recursive: true, force: true });
    else unlinkSync(join(this.dir, 'lock'));
    held.delete(this.dir);
  }

  private async flush(): Promise<void> {
    try {
      while (this.buffer.length) {
        const text = this.buffer.join('');
        const top = this.next - 1;
        this.buffer = [];
        await this.active.handle.write(text);
        await this.active.handle.datasync();
        this.active.bytes += Buffer.byteLength(text);
        this.synced = top;
        const done = this.waiters.filter((w) => w.seq <= top);
        this.waiters = this.waiters.filter((w) => w.seq > top);
        done.forEach((w) => w.resolve());
        if (this.active.bytes > SEGMENT_BYTES) await this.roll();
        this.onSynced();
      }
    } catch (err) {
      this.failed = new KafkaIrError('INVALID_CONFIG', `the intake log in ${this.dir} cannot be written: ${(err as Error).message}`,
        'free space or fix permissions of KAFKA_IR_DATA_DIR, then restart the engine (what was answered 202 is on disk and is delivered then)');
      this.waiters.splice(0).forEach((w) => w.reject(this.failed!));
    } finally {
      this.flushing = undefined;
    }
  }

  /** Starts a new segment at the next sequence number (its name keeps the numbering going after older ones are deleted). */
  private async roll(): Promise<void> {
    const previous = this.active;
    const handle = await open(join(this.dir, segmentName(this.next)), 'a', 0o640);
    this.active = { firstSeq: this.next, handle, bytes: 0 };
    this.outstanding.set(this.next, this.outstanding.get(this.next) ?? 0);
    if (previous) {
      await previous.handle.close();
      if (this.outstanding.get(previous.firstSeq) === 0) this.drop(previous.firstSeq);
    }
  }

  private drop(firstSeq: number): void {
    this.outstanding.delete(firstSeq);
    rmSync(join(this.dir, segmentName(firstSeq)), { force: true });
  }

  private segmentOf(seq: number): number {
    let found = this.active.firstSeq;
    for (const first of this.outstanding.keys()) if (first <= seq && (first > found || found > seq)) found = first;
    return found;
  }

  /** Every segment's records minus the delivered ones; a torn last line (a crash mid-write, never answered 202) is skipped. */
  private read(): { pending: Logged<T>[]; floor: number } {
    const records = new Map<number, Logged<T> & { segment: number }>();
    const delivered = new Set<number>();
    let floor = 0;
    for (const name of readdirSync(this.dir).filter((n) => SEGMENT.test(n)).sort()) {
      const first = Number(SEGMENT.exec(name)![1]);
      floor = Math.max(floor, first);
      this.outstanding.set(first, 0);
      for (const line of readFileSync(join(this.dir, name), 'utf8').split('\n')) {
        if (!line) continue;
        let entry: { s?: number; r?: T; d?: number[] };
        try { entry = JSON.parse(line); } catch { continue; }
        if (typeof entry.s === 'number' && entry.r) {
          records.set(entry.s, { seq: entry.s, record: entry.r, bytes: line.length + 1, segment: first });
          floor = Math.max(floor, entry.s + 1);
        } else entry.d?.forEach((seq) => delivered.add(seq));
      }
    }
    const pending = [...records.values()].filter((r) => !delivered.has(r.seq)).sort((a, b) => a.seq - b.seq);
    for (const { segment } of pending) this.outstanding.set(segment, this.outstanding.get(segment)! + 1);
    return { pending: pending.map(({ seq, record, bytes }) => ({ seq, record, bytes })), floor };
  }
}

function readOrCreate(file: string, make: () => string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const value = make();
  writeFileSync(file, `${value}\n`, { mode: 0o640 });
  return value;
}

/** Logs this process holds open. */
const held = new Set<string>();

/** One engine per log: a second one on the same directory would deliver the same alerts twice. */
function lock(dir: string): void {
  const file = join(dir, 'lock');
  if (held.has(dir)) {
    throw new KafkaIrError('INVALID_CONFIG', `the intake log ${dir} is held by another engine in this process`,
      'give each engine its own KAFKA_IR_DATA_DIR or TEMPORAL_TASK_QUEUE');
  }
  if (existsSync(file)) {
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (pid && pid !== process.pid && alive(pid)) {
      throw new KafkaIrError('INVALID_CONFIG', `the intake log ${dir} is held by another engine (process ${pid}, since ${statSync(file).mtime.toISOString()})`,
        'give each engine on this machine its own KAFKA_IR_DATA_DIR or TEMPORAL_TASK_QUEUE');
    }
  }
  const fd = openSync(file, 'w', 0o640);
  writeFileSync(fd, `${process.pid}\n`);
  closeSync(fd);
  held.add(dir);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
