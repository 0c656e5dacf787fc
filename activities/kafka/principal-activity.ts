// Folds one principal's access records into what it read (offset ranges, proven and possible), wrote, used and was refused.
import type {
  DeniedAttempt, DeliveredRange, GroupUse, RecordRef, TopicRead, TopicWrite, UnnamedTopicRead,
} from '../../src/model/access-findings.js';
import type {
  AccessRecord, AuthorizationRecord, FetchRecord, GroupRecord, OffsetCommitRecord, ProduceRecord,
} from '../../src/model/access-records.js';
import { OffsetIntervals } from '../../src/model/offset-intervals.js';

interface TopicKey { topic?: string; topicId?: string }
const keyOf = (t: TopicKey) => (t.topicId ? `id:${t.topicId}` : `name:${t.topic ?? ''}`);
const iso = (ms: number) => new Date(ms).toISOString();
const label = (t: TopicKey, partition: number) => `${t.topic ?? `topic id ${t.topicId}`}[${partition}]`;

/** A proving line, worded only if it ends up first or last (most fetches are neither). */
interface Lazy { r: AccessRecord; says: () => string }
interface Proof { first?: Lazy; last?: Lazy }
const prove = (p: Proof, r: AccessRecord, says: () => string) => { const entry = { r, says }; p.first ??= entry; p.last = entry; };
const refOf = (l: Lazy): RecordRef => ({ broker: l.r.broker, at: iso(l.r.at), source: l.r.source, says: l.says() });
const proofList = (p: Proof) => (p.first ? (p.last && p.last !== p.first ? [refOf(p.first), refOf(p.last)] : [refOf(p.first)]) : []);

interface PartitionState { possible: OffsetIntervals; proven: OffsetIntervals }
interface TopicState {
  key: TopicKey;
  partitions: Map<number, PartitionState>;
  firstAt: number;
  lastAt: number;
  clientIds: Set<string>;
  hosts: Set<string>;
  atLeast: Proof;
  atMost: Proof;
}
/** A fetch that returned records, not yet followed by the same reader's next offset. */
interface Pending { from: number; highWatermark: number }
/** One partition in one connection's fetch session: its fetch offset, and the delivery awaiting proof. */
interface Cursor { offset?: number; pending?: Pending }
/** Per connection: topic (by id, or by name) → partition → cursor. */
type Session = { ids: Map<string, Map<number, Cursor>>; names: Map<string, Map<number, Cursor>> };
const newSession = (): Session => ({ ids: new Map(), names: new Map() });

function cursorOf(session: Session, t: TopicKey, partition: number, create: true): Cursor;
function cursorOf(session: Session, t: TopicKey, partition: number, create: false): Cursor | undefined;
function cursorOf(session: Session, t: TopicKey, partition: number, create: boolean): Cursor | undefined {
  const map = t.topicId !== undefined ? session.ids : session.names;
  const key = t.topicId ?? t.topic ?? '';
  let parts = map.get(key);
  if (!parts) {
    if (!create) return undefined;
    parts = new Map();
    map.set(key, parts);
  }
  let c = parts.get(partition);
  if (!c && create) { c = {}; parts.set(partition, c); }
  return c;
}

export interface PrincipalFindings {
  reads: TopicRead[];
  unnamedReads: UnnamedTopicRead[];
  written: TopicWrite[];
  groupsUsed: GroupUse[];
  denied: DeniedAttempt[];
  /** Topics the authorizer let it READ for a Fetch: names for reads by an id nothing else names. */
  fetchAuthorized: string[];
}

export class PrincipalActivity {
  private readonly sessions = new Map<string, Session>();
  private readonly topics = new Map<string, TopicState>();
  private readonly writes = new Map<string, { partitions: Set<number>; requests: number; bytes: number; firstAt: number; lastAt: number; clientIds: Set<string>; hosts: Set<string>; proof: Proof }>();
  private readonly groups = new Map<string, { joined: boolean; committed: boolean; commits: Map<string, GroupUse['commits'][number]>; topics: Set<string>; firstAt: number; lastAt: number; clientIds: Set<string> }>();
  private readonly denials = new Map<string, DeniedAttempt & { hostSet: Set<string> }>();
  private readonly authorizedFetch = new Set<string>();
  /** Topic ids named by CreateTopics/DeleteTopics lines (any principal). */
  readonly topicNames = new Map<string, string>();
  /** When the records show each topic created (CreateTopics, any principal): nothing of it existed before. */
  readonly createdAt = new Map<string, number>();

  constructor(readonly principal: string) {}

  add(r: AccessRecord): void {
    if (r.kind === 'topicIds') {
      for (const t of r.topics) {
        if (t.topicId) this.topicNames.set(t.topicId, t.name);
        if (!t.deleted) this.createdAt.set(t.name, Math.min(this.createdAt.get(t.name) ?? r.at, r.at));
      }
      return;
    }
    if (r.principal !== this.principal) return;
    switch (r.kind) {
      case 'fetch': return this.fetch(r);
      case 'produce': return this.produce(r);
      case 'offsetCommit': return this.commit(r);
      case 'group': return this.group(r);
      case 'authorization': return this.authorization(r);
      case 'listOffsets': return undefined;
    }
  }


  private topic(key: TopicKey, r: FetchRecord): TopicState {
    const k = keyOf(key);
    let t = this.topics.get(k);
    if (!t) {
      t = { key, partitions: new Map(), firstAt: r.at, lastAt: r.at, clientIds: new Set(), hosts: new Set(), atLeast: {}, atMost: {} };
      this.topics.set(k, t);
    }
    t.firstAt = Math.min(t.firstAt, r.at);
    t.lastAt = Math.max(t.lastAt, r.at);
    t.clientIds.add(r.clientId);
    t.hosts.add(r.host);
    return t;
  }

  private partition(t: TopicState, partition: number): PartitionState {
    let p = t.partitions.get(partition);
    if (!p) { p = { possible: new OffsetIntervals(), proven: new OffsetIntervals() }; t.partitions.set(partition, p); }
    return p;
  }

  /**
   * A client asks for offset N only once it holds everything before N: the same connection's next fetch offset
   * proves what the previous fetch delivered, as long as it lies within what that fetch could have sent (a jump
   * past the high watermark is a seek). Incremental fetch sessions omit unchanged partitions: the session
   * remembers their offsets.
   */
  private fetch(r: FetchRecord): void {
    const conn = `${r.broker}|${r.connection}`;
    // One session per connection, kept across full fetches: a delivery awaits its proof whatever the session epoch.
    let session = this.sessions.get(conn);
    if (!session) { session = newSession(); this.sessions.set(conn, session); }
    for (const f of r.forgotten) {
      (f.topicId !== undefined ? session.ids : session.names).get(f.topicId ?? f.topic ?? '')?.delete(f.partition);
    }
    for (const p of r.partitions) {
      const cursor = cursorOf(session, p, p.partition, true);
      const offset = p.fetchOffset;
      if (offset !== undefined) {
        const before = cursor.pending;
        if (before && before.from < offset && offset <= before.highWatermark) {
          const t = this.topic(p, r);
          this.partition(t, p.partition).proven.add(before.from, offset, r.at);
          prove(t.atLeast, r, () => `FETCH ${label(p, p.partition)} at offset ${offset}: offsets ${before.from}–${offset - 1} were received`);
        }
        cursor.pending = undefined;
        cursor.offset = offset;
      }
      const from = cursor.offset;
      const res = p.response;
      if (from === undefined || !res || res.error !== 0 || res.bytes === 0 || res.highWatermark <= from) continue;
      const t = this.topic(p, r);
      this.partition(t, p.partition).possible.add(from, res.highWatermark, r.at);
      prove(t.atMost, r, () => `FETCH ${label(p, p.partition)} from offset ${from}: ${res.bytes} bytes sent, high watermark ${res.highWatermark}`);
      cursor.pending = { from, highWatermark: res.highWatermark };
    }
  }

  private produce(r: ProduceRecord): void {
    for (const p of r.partitions) {
      if (p.error !== 0) continue;
      let w = this.writes.get(p.topic);
      if (!w) {
        w = { partitions: new Set(), requests: 0, bytes: 0, firstAt: r.at, lastAt: r.at, clientIds: new Set(), hosts: new Set(), proof: {} };
        this.writes.set(p.topic, w);
      }
      w.partitions.add(p.partition);
      w.requests++;
      w.bytes += p.bytes;
      w.firstAt = Math.min(w.firstAt, r.at);
      w.lastAt = Math.max(w.lastAt, r.at);
      w.clientIds.add(r.clientId);
      w.hosts.add(r.host);
      prove(w.proof, r, () => `PRODUCE ${p.topic}[${p.partition}]: ${p.bytes} bytes appended at offset ${p.baseOffset}`);
    }
  }

  private groupState(group: string, r: OffsetCommitRecord | GroupRecord) {
    let g = this.groups.get(group);
    if (!g) {
      g = { joined: false, committed: false, commits: new Map(), topics: new Set(), firstAt: r.at, lastAt: r.at, clientIds: new Set() };
      this.groups.set(group, g);
    }
    g.firstAt = Math.min(g.firstAt, r.at);
    g.lastAt = Math.max(g.lastAt, r.at);
    g.clientIds.add(r.clientId);
    return g;
  }

  /** A commit of offset C proves C was reached: it completes the proof of a delivery its reader never fetched past. */
  private commit(r: OffsetCommitRecord): void {
    const g = this.groupState(r.group, r);
    for (const p of r.partitions) {
      if (p.error !== 0 || p.offset < 0) continue;
      g.committed = true;
      const name = p.topic ?? (p.topicId ? this.topicNames.get(p.topicId) : undefined) ?? `topic id ${p.topicId}`;
      g.commits.set(`${name}/${p.partition}`, { topic: name, partition: p.partition, offset: p.offset, at: iso(r.at) });
      g.topics.add(name);
      for (const session of this.sessions.values()) {
        const pending = cursorOf(session, p, p.partition, false)?.pending;
        if (!pending || !(pending.from < p.offset && p.offset <= pending.highWatermark)) continue;
        const t = this.topics.get(keyOf(p));
        if (!t) continue;
        this.partition(t, p.partition).proven.add(pending.from, p.offset, r.at);
        prove(t.atLeast, r, () => `OFFSET_COMMIT ${label(p, p.partition)} = ${p.offset} by group ${r.group}`);
      }
    }
  }

  private group(r: GroupRecord): void {
    const g = this.groupState(r.group, r);
    if (r.error === 0 && r.request !== 'OffsetFetch') g.joined = true;
    for (const t of r.topics) g.topics.add(t);
  }

  private authorization(r: AuthorizationRecord): void {
    if (r.allowed) {
      if (r.request === 'Fetch' && r.operation === 'READ' && r.resourceType === 'Topic') this.authorizedFetch.add(r.resourceName);
      return;
    }
    const key = `${r.operation}|${r.resource}|${r.request}`;
    const d = this.denials.get(key);
    if (d) {
      d.count++;
      d.hostSet.add(r.host);
      d.firstAt = r.at < Date.parse(d.firstAt) ? iso(r.at) : d.firstAt;
      d.lastAt = r.at > Date.parse(d.lastAt) ? iso(r.at) : d.lastAt;
      return;
    }
    this.denials.set(key, {
      operation: r.operation, resource: r.resource, request: r.request, count: 1, hosts: [], hostSet: new Set([r.host]),
      firstAt: iso(r.at), lastAt: iso(r.at), proof: refOf({ r, says: () => `${r.operation} on ${r.resource} refused (${r.request})` }),
    });
  }

  /** The findings, with topic ids named through `names` (metadata) and the ids the records named themselves. */
  findings(names: ReadonlyMap<string, string>): PrincipalFindings {
    const nameOf = (k: TopicKey) => k.topic ?? (k.topicId ? names.get(k.topicId) ?? this.topicNames.get(k.topicId) : undefined);
    // A topic read by name (older clients) and by id (newer ones) is one topic.
    const byTopic = new Map<string, TopicState[]>();
    const unnamed: TopicState[] = [];
    for (const t of this.topics.values()) {
      const name = nameOf(t.key);
      if (name === undefined) unnamed.push(t);
      else byTopic.set(name, [...(byTopic.get(name) ?? []), t]);
    }
    const groupsOf = (topic: string) => [...this.groups].filter(([, g]) => g.topics.has(topic)).map(([id]) => id).sort();
    const reads = [...byTopic].sort(([a], [b]) => a.localeCompare(b)).map(([topic, states]) => ({ topic, ...readFields(states, groupsOf(topic)) }));
    const unnamedReads = unnamed.sort((a, b) => a.firstAt - b.firstAt).map((t) => ({ topicId: t.key.topicId ?? '', ...readFields([t], []) }));
    return {
      reads, unnamedReads,
      written: [...this.writes].sort(([a], [b]) => a.localeCompare(b)).map(([topic, w]) => ({
        topic, partitions: [...w.partitions].sort((a, b) => a - b), requests: w.requests, bytes: w.bytes,
        firstAt: iso(w.firstAt), lastAt: iso(w.lastAt), clientIds: [...w.clientIds].sort(), hosts: [...w.hosts].sort(), proof: proofList(w.proof),
      })),
      groupsUsed: [...this.groups].sort(([a], [b]) => a.localeCompare(b)).map(([group, g]) => ({
        group, joined: g.joined, committed: g.committed,
        commits: [...g.commits.values()].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition),
        firstAt: iso(g.firstAt), lastAt: iso(g.lastAt), clientIds: [...g.clientIds].sort(),
      })),
      denied: [...this.denials.values()].map(({ hostSet, ...d }) => ({ ...d, hosts: [...hostSet].sort() }))
        .sort((a, b) => a.resource.localeCompare(b.resource) || a.operation.localeCompare(b.operation)),
      fetchAuthorized: [...this.authorizedFetch].sort(),
    };
  }
}

/** Ranges, bounds and proof of one topic, merged over the keys it was read under. */
function readFields(states: TopicState[], groups: string[]): Omit<TopicRead, 'topic'> {
  const partitions = new Map<number, PartitionState>();
  for (const s of states) {
    for (const [n, p] of s.partitions) {
      const into = partitions.get(n) ?? { possible: new OffsetIntervals(), proven: new OffsetIntervals() };
      for (const i of p.possible.intervals) { into.possible.add(i.start, i.end, i.firstAt); into.possible.add(i.start, i.end, i.lastAt); }
      for (const i of p.proven.intervals) { into.proven.add(i.start, i.end, i.firstAt); into.proven.add(i.start, i.end, i.lastAt); }
      partitions.set(n, into);
    }
  }
  const ranges: DeliveredRange[] = [];
  let atLeast = 0;
  let atMost = 0;
  for (const [partition, p] of [...partitions].sort(([a], [b]) => a - b)) {
    for (const i of p.possible.intervals) {
      const proven = p.proven.holding(i.start);
      ranges.push({
        partition, from: i.start, provenTo: proven ? Math.min(proven.end, i.end) : i.start, possibleTo: i.end,
        firstAt: iso(i.firstAt), lastAt: iso(i.lastAt),
      });
      atLeast += p.proven.sizeWithin(i.start, i.end);
      atMost += i.end - i.start;
    }
  }
  const all = <T>(f: (s: TopicState) => Iterable<T>) => [...new Set(states.flatMap((s) => [...f(s)]))];
  const ends = (f: (s: TopicState) => Proof) => {
    const first = states.map(f).flatMap((p) => p.first ?? []).sort((a, b) => a.r.at - b.r.at)[0];
    const last = states.map(f).flatMap((p) => p.last ?? []).sort((a, b) => a.r.at - b.r.at).at(-1);
    return proofList({ first, last });
  };
  return {
    ranges,
    firstAt: iso(Math.min(...states.map((s) => s.firstAt))),
    lastAt: iso(Math.max(...states.map((s) => s.lastAt))),
    clientIds: all((s) => s.clientIds).sort(),
    hosts: all((s) => s.hosts).sort(),
    groups,
    messages: { atLeast, atMost },
    proof: { atLeast: ends((s) => s.atLeast), atMost: ends((s) => s.atMost) },
  };
}
