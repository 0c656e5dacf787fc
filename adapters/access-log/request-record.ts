// A kafka.request.logger "Completed request:{…}" JSON body → an access record (the request types that show access).
import {
  ADMIN_REQUEST_TYPES, type AccessRecord, type FetchPartition, type FetchRecord, type GroupRecord, type OffsetCommitRecord, type ProduceRecord,
} from '../../src/model/access-records.js';
import { adminItems } from './admin-record.js';

/** The JSON Kafka's RequestConvertToJson writes: only the fields read here, all optional (any version, any type). */
interface Json { [key: string]: unknown }
type Origin = Pick<FetchRecord, 'at' | 'broker' | 'source'>;

const arr = (v: unknown): Json[] => (Array.isArray(v) ? v as Json[] : []);
const num = (v: unknown, fallback = 0): number => (typeof v === 'number' ? v : fallback);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The client's address: Kafka names a connection "<local host:port>-<remote host:port>-<index>" (IPs, no '-' inside). */
export function clientHost(connection: string): string {
  const dash = connection.indexOf('-');
  const colon = connection.lastIndexOf(':', connection.indexOf('-', dash + 1));
  return dash === -1 || colon <= dash ? '' : connection.slice(dash + 1, colon);
}

const NO_ID = 'AAAAAAAAAAAAAAAAAAAAAA';
/** Requests by name carry an all-zero id, requests by id an empty name. */
const nameOf = (t: Json) => { const n = t.topic ?? t.name; return typeof n === 'string' && n !== '' ? n : undefined; };
const idOf = (t: Json) => (typeof t.topicId === 'string' && t.topicId !== NO_ID ? t.topicId : undefined);
const topicRef = (t: Json) => {
  const topic = nameOf(t);
  const topicId = idOf(t);
  return { ...(topic ? { topic } : {}), ...(topicId ? { topicId } : {}) };
};
const refKey = (r: { topic?: string; topicId?: string }, partition: number) => `${r.topicId ?? ''}/${r.topic ?? ''}/${partition}`;

function fetchRecord(req: Json, res: Json): Pick<FetchRecord, 'partitions' | 'forgotten'> | undefined {
  // A follower's fetch: replicaId ≥ 0 (before v15), or replicaState (v15+).
  if (num(req.replicaId, -1) >= 0 || (req.replicaState && num((req.replicaState as Json).replicaId, -1) >= 0)) return undefined;
  const partitions: FetchPartition[] = [];
  for (const t of arr(req.topics)) {
    const topic = nameOf(t);
    const topicId = idOf(t);
    for (const p of arr(t.partitions)) {
      const part: FetchPartition = { partition: num(p.partition), fetchOffset: num(p.fetchOffset) };
      if (topic !== undefined) part.topic = topic;
      if (topicId !== undefined) part.topicId = topicId;
      partitions.push(part);
    }
  }
  // Most fetches name a handful of partitions: a scan beats building a map.
  for (const t of arr(res.responses)) {
    const topic = nameOf(t);
    const topicId = idOf(t);
    for (const p of arr(t.partitions)) {
      const partition = num(p.partitionIndex);
      const response = { error: num(p.errorCode), highWatermark: num(p.highWatermark, -1), bytes: num(p.recordsSizeInBytes) };
      const known = partitions.find((x) => x.partition === partition && x.topic === topic && x.topicId === topicId);
      if (known) { known.response = response; continue; }
      const part: FetchPartition = { partition, response };
      if (topic !== undefined) part.topic = topic;
      if (topicId !== undefined) part.topicId = topicId;
      partitions.push(part);
    }
  }
  const forgotten = arr(req.forgottenTopicsData).flatMap((t) => {
    const ref = topicRef(t);
    return (Array.isArray(t.partitions) ? t.partitions as unknown[] : []).map((p) => ({ ...ref, partition: num(p) }));
  });
  return { partitions, forgotten };
}

function produceRecord(req: Json, res: Json): ProduceRecord['partitions'] {
  const answers = new Map<string, Json>();
  for (const t of arr(res.responses)) {
    for (const p of arr(t.partitionResponses)) answers.set(`${str(t.name) ?? ''}/${num(p.index)}`, p);
  }
  return arr(req.topicData).flatMap((t) => arr(t.partitionData).map((p) => {
    const topic = str(t.name) ?? '';
    const partition = num(p.index);
    const answer = answers.get(`${topic}/${partition}`);
    return { topic, partition, bytes: num(p.recordsSizeInBytes), error: num(answer?.errorCode, -1), baseOffset: num(answer?.baseOffset, -1) };
  }));
}

function commitRecord(req: Json, res: Json): OffsetCommitRecord['partitions'] {
  const errors = new Map<string, number>();
  for (const t of arr(res.topics)) {
    for (const p of arr(t.partitions)) errors.set(refKey(topicRef(t), num(p.partitionIndex)), num(p.errorCode));
  }
  return arr(req.topics).flatMap((t) => {
    const ref = topicRef(t);
    return arr(t.partitions).map((p) => {
      const partition = num(p.partitionIndex);
      return { ...ref, partition, offset: num(p.committedOffset, -1), error: errors.get(refKey(ref, partition)) ?? -1 };
    });
  });
}

/** The topics a consumer-protocol JoinGroup subscribes to (ConsumerProtocolSubscription: int16 version, topic array). */
export function subscribedTopics(metadataBase64: string): string[] {
  const b = Buffer.from(metadataBase64, 'base64');
  if (b.length < 6) return [];
  const count = b.readInt32BE(2);
  const topics: string[] = [];
  let at = 6;
  for (let i = 0; i < count && at + 2 <= b.length; i++) {
    const len = b.readInt16BE(at);
    if (len < 0 || at + 2 + len > b.length) return topics;
    topics.push(b.toString('utf8', at + 2, at + 2 + len));
    at += 2 + len;
  }
  return topics;
}

function groupRecords(api: string, req: Json, res: Json): Pick<GroupRecord, 'request' | 'group' | 'error' | 'topics'>[] {
  if (api === 'JOIN_GROUP') {
    const protocols = req.protocolType === 'consumer' ? arr(req.protocols) : [];
    const topics = [...new Set(protocols.flatMap((p) => (typeof p.metadata === 'string' ? subscribedTopics(p.metadata) : [])))];
    return [{ request: 'JoinGroup', group: str(req.groupId) ?? '', error: num(res.errorCode), topics }];
  }
  if (api === 'SYNC_GROUP') return [{ request: 'SyncGroup', group: str(req.groupId) ?? '', error: num(res.errorCode), topics: [] }];
  // OffsetFetch v8+ batches groups; earlier versions ask for one.
  const groups = Array.isArray(req.groups) ? arr(req.groups) : [{ groupId: req.groupId, topics: req.topics }];
  const errors = new Map(arr(res.groups).map((g) => [str(g.groupId), num(g.errorCode)]));
  return groups.map((g) => ({
    request: 'OffsetFetch' as const, group: str(g.groupId) ?? '', error: errors.get(str(g.groupId)) ?? num(res.errorCode),
    topics: arr(g.topics).flatMap((t) => str(t.name) ?? []),
  }));
}

/**
 * The records a request log body shows: none for requests that are neither about access nor administrative, and
 * for followers' fetches. A controller's copy of an admin request a broker forwarded to it is left out too: the
 * broker's own line names the client's host. `body` is the parsed JSON after "Completed request:", its secrets
 * already stripped.
 */
export function requestRecord(body: Json, origin: Origin): AccessRecord[] {
  const header = (body.requestHeader ?? {}) as Json;
  const api = str(header.requestApiKeyName) ?? '';
  const req = (body.request ?? {}) as Json;
  const res = (body.response ?? {}) as Json;
  const connection = str(body.connection) ?? '';
  const forwarded = body.isForwarded === true;
  const base = {
    at: origin.at, broker: origin.broker, source: origin.source,
    principal: str(body.principal) ?? '', clientId: str(header.clientId) ?? '', host: clientHost(connection), connection,
  };
  switch (api) {
    case 'FETCH': {
      const fetch = fetchRecord(req, res);
      return fetch ? [{
        kind: 'fetch', at: base.at, broker: base.broker, source: base.source, principal: base.principal, clientId: base.clientId,
        host: base.host, connection, partitions: fetch.partitions, forgotten: fetch.forgotten,
      }] : [];
    }
    case 'PRODUCE':
      return [{ kind: 'produce', ...base, partitions: produceRecord(req, res) }];
    case 'LIST_OFFSETS':
      return [{ kind: 'listOffsets', ...base, topics: arr(req.topics).flatMap((t) => str(t.name) ?? []) }];
    case 'OFFSET_COMMIT':
      return [{ kind: 'offsetCommit', ...base, group: str(req.groupId) ?? '', partitions: commitRecord(req, res) }];
    case 'JOIN_GROUP': case 'SYNC_GROUP': case 'OFFSET_FETCH':
      return groupRecords(api, req, res).map((g) => ({ kind: 'group', ...base, ...g }));
    case 'CREATE_TOPICS': case 'DELETE_TOPICS': {
      const deleted = api === 'DELETE_TOPICS';
      const topics = arr(deleted ? res.responses : res.topics).flatMap((t) => {
        const name = str(t.name);
        // Versions before 7 (kafkajs among their clients) answer without the id: the name and the time still tell when it began.
        const topicId = str(t.topicId);
        const named = topicId && topicId !== 'AAAAAAAAAAAAAAAAAAAAAA' ? { topicId } : {};
        return name && num(t.errorCode) === 0 ? [{ name, ...named, deleted }] : [];
      });
      return [
        ...(topics.length ? [{ kind: 'topicIds' as const, ...origin, principal: base.principal, topics }] : []),
        ...(deleted || forwarded ? [] : [{ kind: 'admin' as const, ...base, request: 'CreateTopics', items: adminItems(api, req, res) }]),
      ];
    }
    default: {
      const request = (ADMIN_REQUEST_TYPES as Record<string, string>)[api];
      return request && !forwarded ? [{ kind: 'admin', ...base, request, items: adminItems(api, req, res) }] : [];
    }
  }
}
