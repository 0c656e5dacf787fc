// The detections on the brokers' access records (docs/detections.md): each record checked against what was seen before. Pure.
import type { AccessRecord, AdminRecord, AuthorizationRecord, FetchRecord } from './access-records.js';
import type { Alert } from './alert.js';
import type { ChangeWindow, DetectionRuleName, DetectionSettings } from './detection-settings.js';
import { durationMs } from './duration.js';

/** Each rule's name as alerts and docs write it. */
export const DETECTION_NAMES: Record<DetectionRuleName, string> = {
  classifiedFirstRead: 'classified-first-read',
  newReadSource: 'new-read-source',
  securityChange: 'security-change',
  deniedThenAllowed: 'denied-then-allowed',
};

export interface Detection { rule: DetectionRuleName; alert: Alert }

export interface DetectorContext {
  /** The classification label of a topic, if it has one (settings.classifications). */
  classificationOf(topic: string): string | undefined;
  /** kafka-ir's own principal(s), protectedPrincipals and ignorePrincipals: nothing they do raises an alert. */
  trusted: ReadonlySet<string>;
  /** SCRAM users that exist when the detector starts. */
  scramUsers: Iterable<string>;
  /** Topic ids (as the logs write them) → names, from metadata; the records' CreateTopics lines add to it. */
  topicNames: ReadonlyMap<string, string>;
}

type LastSeen = Map<string, Map<string, number>>;

function touch(map: LastSeen, principal: string, key: string, at: number): void {
  let inner = map.get(principal);
  if (!inner) map.set(principal, (inner = new Map()));
  inner.set(key, Math.max(at, inner.get(key) ?? 0));
}

const isUser = (principal: string) => principal.startsWith('User:') && principal !== 'User:*';

/** Remembers who read what from where, and raises a detection when a record breaks with it. `learn` builds the baseline silently. */
export class AccessDetector {
  private readonly reads: LastSeen = new Map();
  private readonly hosts: LastSeen = new Map();
  private readonly clientIds: LastSeen = new Map();
  private readonly denials = new Map<string, number[]>();
  private readonly scramUsers: Set<string>;
  private readonly topicNames: Map<string, string>;

  constructor(private readonly settings: DetectionSettings, private readonly context: DetectorContext) {
    this.scramUsers = new Set(context.scramUsers);
    this.topicNames = new Map(context.topicNames);
  }

  /** Adds what metadata says now about topic ids. */
  addTopicNames(names: ReadonlyMap<string, string>): void {
    for (const [id, name] of names) this.topicNames.set(id, name);
  }

  /** Topic ids the records named that no metadata or CreateTopics line resolved (the caller may refresh metadata). */
  unresolved(record: AccessRecord): string[] {
    if (record.kind !== 'fetch') return [];
    return record.partitions.flatMap((p) => (p.topic === undefined && p.topicId !== undefined && !this.topicNames.has(p.topicId) ? [p.topicId] : []));
  }

  learn(record: AccessRecord): void {
    this.check(record, false);
  }

  inspect(record: AccessRecord): Detection[] {
    return this.check(record, true);
  }

  /** Forgets what is older than the baseline window. */
  prune(now: number): void {
    const oldest = now - durationMs(this.settings.baselineWindow);
    for (const map of [this.reads, this.hosts, this.clientIds]) {
      for (const [principal, inner] of map) {
        for (const [key, at] of inner) if (at < oldest) inner.delete(key);
        if (inner.size === 0) map.delete(principal);
      }
    }
  }

  private check(record: AccessRecord, raise: boolean): Detection[] {
    switch (record.kind) {
      case 'topicIds':
        for (const t of record.topics) if (t.topicId) this.topicNames.set(t.topicId, t.name);
        return [];
      case 'fetch': return this.fetch(record, raise);
      case 'admin': return this.admin(record, raise);
      case 'authorization': return this.authorization(record, raise);
      default: return [];
    }
  }

  private alert(rule: DetectionRuleName, record: AccessRecord, key: string, fields: Pick<Alert, 'kind' | 'summary' | 'subject'>): Detection {
    const name = DETECTION_NAMES[rule];
    return {
      rule,
      alert: {
        ...fields,
        severity: this.settings.rules[rule].severity,
        summary: `${name}: ${fields.summary}`,
        source: `kafka-ir detection ${name}`,
        observedAt: new Date(record.at).toISOString(),
        labels: { 'kafka-ir.detection': name, 'kafka-ir.record': record.source, 'kafka-ir.broker': String(record.broker) },
        fingerprint: `detection|${name}|${key}`,
      },
    };
  }

  private fetch(record: FetchRecord, raise: boolean): Detection[] {
    const { principal, host, clientId, at } = record;
    if (this.context.trusted.has(principal) || !isUser(principal)) return [];
    const out: Detection[] = [];
    const { classifiedFirstRead, newReadSource } = this.settings.rules;
    if (raise && newReadSource.enabled && this.hosts.has(principal)) {
      const subject = { principal, host, clientId };
      if (newReadSource.hosts && !this.hosts.get(principal)!.has(host)) {
        out.push(this.alert('newReadSource', record, `${principal}|host:${host}`, {
          kind: 'compromised-credentials', subject,
          summary: `${principal} read from ${host}, a host it did not read from in the last ${this.settings.baselineWindow}`,
        }));
      }
      if (newReadSource.clientIds && !this.clientIds.get(principal)?.has(clientId)) {
        out.push(this.alert('newReadSource', record, `${principal}|client:${clientId}`, {
          kind: 'compromised-credentials', subject,
          summary: `${principal} read with client id "${clientId}", which it did not use in the last ${this.settings.baselineWindow}`,
        }));
      }
    }
    touch(this.hosts, principal, host, at);
    touch(this.clientIds, principal, clientId, at);
    const delivered = new Set(record.partitions.flatMap((p) => {
      const topic = p.topic ?? (p.topicId === undefined ? undefined : this.topicNames.get(p.topicId));
      return topic !== undefined && p.response !== undefined && p.response.error === 0 && p.response.bytes > 0 ? [topic] : [];
    }));
    for (const topic of delivered) {
      const label = this.context.classificationOf(topic);
      if (raise && classifiedFirstRead.enabled && label !== undefined && !this.reads.get(principal)?.has(topic)) {
        out.push(this.alert('classifiedFirstRead', record, `${principal}|${topic}`, {
          kind: 'data-exfiltration', subject: { principal, host, clientId, topics: [topic] },
          summary: `${principal} was delivered records of ${topic} (classified ${label}) from ${host}, client id "${clientId}"; it read none in the last ${this.settings.baselineWindow}`,
        }));
      }
      touch(this.reads, principal, topic, at);
    }
    return out;
  }

  private inChangeWindow(at: number, by: string): boolean {
    return this.settings.changeWindows.some((w: ChangeWindow) =>
      at >= Date.parse(w.from) && at <= Date.parse(w.to) && (w.principals === undefined || w.principals.includes(by)));
  }

  private admin(record: AdminRecord, raise: boolean): Detection[] {
    const out: Detection[] = [];
    const by = record.principal;
    const judged = raise && this.settings.rules.securityChange.enabled && !this.context.trusted.has(by) && !this.inChangeWindow(record.at, by);
    for (const item of record.items) {
      if (item.error !== 0) continue;
      if (item.op === 'scram.upsert') {
        if (judged && !this.scramUsers.has(item.user)) {
          out.push(this.alert('securityChange', record, `scram.created|${item.user}`, {
            kind: 'unauthorized-access', subject: { principal: `User:${item.user}`, host: record.host, clientId: record.clientId },
            summary: `${by} created the SCRAM user ${item.user} (${item.mechanism}) from ${record.host}, outside any declared change window`,
          }));
        }
        this.scramUsers.add(item.user);
      } else if (item.op === 'scram.delete') {
        this.scramUsers.delete(item.user);
      } else if (item.op === 'acl.create' && judged) {
        const b = item.binding;
        const broad = b.operation === 'all' || b.resourceName === '*' || b.principal === 'User:*';
        if (b.permission !== 'allow' || !broad) continue;
        const subject = isUser(b.principal) ? b.principal : by;
        if (!isUser(subject)) continue;
        const binding = `ALLOW ${b.principal} ${b.operation} on ${b.resourceType} ${b.patternType === 'literal' ? '' : `${b.patternType} `}${b.resourceName} from ${b.host}`;
        out.push(this.alert('securityChange', record, `acl.granted|${binding}`, {
          kind: 'unauthorized-access', subject: { principal: subject, host: record.host, clientId: record.clientId },
          summary: `${by} created ${binding} from ${record.host}, outside any declared change window`,
        }));
      }
    }
    return out;
  }

  private authorization(record: AuthorizationRecord, raise: boolean): Detection[] {
    const { principal, resource, at } = record;
    const rule = this.settings.rules.deniedThenAllowed;
    if (this.context.trusted.has(principal) || !isUser(principal) || !rule.enabled) return [];
    const key = `${principal}|${resource}`;
    const since = at - durationMs(rule.within);
    const denied = (this.denials.get(key) ?? []).filter((t) => t >= since);
    if (!record.allowed) {
      this.denials.set(key, [...denied, at]);
      return [];
    }
    this.denials.delete(key);
    if (!raise || denied.length < rule.minDenied) return [];
    return [this.alert('deniedThenAllowed', record, `${key}|${denied[0]}`, {
      kind: 'unauthorized-access', subject: { principal, host: record.host },
      summary: `${principal} was refused ${denied.length} times on ${resource} within ${rule.within}, then allowed ${record.operation} (${record.request}) from ${record.host}`,
    })];
  }
}
