// kafka.blastRadius: what a principal can reach through ACLs, and what it did: from the brokers' access records, else its own groups' offsets.
import { ConfigResourceTypes } from '../../adapters/kafka/kafkajs-enums.js';
import type { ActionInput } from '../../src/model/actions.js';
import type { BlastRadius } from '../../src/model/actions/forensics.js';
import type { ClassifiedTouched, Coverage, TopicRead } from '../../src/model/access-findings.js';
import { accessOf } from '../../src/model/access.js';
import { classificationOf, type Settings } from '../../src/model/settings.js';
import { describeBindings } from '../../adapters/kafka/acls.js';
import type { KafkaClient } from '../../adapters/kafka/client.js';
import type { AccessRecordSource } from '../../adapters/access-log/access-source.js';
import { offsetsCoverage } from './access-coverage.js';
import { recordFindings } from './record-findings.js';
import { groupSharing } from './shared-groups.js';

export const GROUPLESS_CAVEAT = 'Consumption is a lower bound from committed group offsets: readers without a consumer group '
  + '(assign mode, e.g. kcat -C) and groups that never commit leave no offsets, so topics it can read may have been read unseen. '
  + 'Configure accessLog (the brokers\' request and authorizer logs) for exact answers.';

/** The brokers' super.users, or undefined when the brokers do not reveal it. */
async function superUsers(client: KafkaClient): Promise<string[] | undefined> {
  const res = await client.withAdmin('reading super.users', async (admin) => {
    const { brokers } = await admin.describeCluster();
    return admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.BROKER, name: String(brokers[0]?.nodeId ?? 0), configNames: ['super.users'] }],
    });
  });
  const entry = res.resources[0]?.configEntries.find((e) => e.configName === 'super.users');
  if (!entry) return [];
  if (entry.configValue === null || entry.configValue === undefined) return entry.isSensitive ? undefined : [];
  return entry.configValue.split(';').map((s) => s.trim()).filter(Boolean);
}

/**
 * Messages its groups committed past since `since`, per topic: for each partition the furthest group's committed
 * offset minus the offset at `since` (the furthest, not the sum: two groups reading one message expose it once).
 */
async function consumedSince(client: KafkaClient, groupIds: string[], since: number): Promise<Map<string, number>> {
  const furthest = new Map<string, Map<number, number>>();
  for (const groupId of groupIds) {
    const offsets = await client.withAdmin(`reading offsets of group ${groupId}`, (a) => a.fetchOffsets({ groupId }));
    for (const t of offsets) {
      const parts = furthest.get(t.topic) ?? new Map<number, number>();
      for (const p of t.partitions) parts.set(p.partition, Math.max(parts.get(p.partition) ?? -1, Number(p.offset)));
      furthest.set(t.topic, parts);
    }
  }
  const consumed = new Map<string, number>();
  for (const [topic, parts] of [...furthest].sort(([a], [b]) => a.localeCompare(b))) {
    const atSince = await client.withAdmin(`finding offsets of ${topic} at ${new Date(since).toISOString()}`, (a) => a.fetchTopicOffsetsByTimestamp(topic, since));
    let messages = 0;
    for (const [partition, committed] of parts) {
      const start = Number(atSince.find((s) => s.partition === partition)?.offset ?? committed);
      if (committed >= 0) messages += Math.max(0, committed - start);
    }
    if (messages > 0) consumed.set(topic, messages);
  }
  return consumed;
}

/** Each read partition's log now (start and end offsets), to draw the ranges against; a topic deleted since has none. */
async function withExtents(client: KafkaClient, reads: TopicRead[]): Promise<TopicRead[]> {
  return Promise.all(reads.map(async (read) => {
    const partitions = new Set(read.ranges.map((r) => r.partition));
    const offsets = await client.withAdmin(`reading the offsets of ${read.topic}`, (a) => a.fetchTopicOffsets(read.topic)).catch(() => undefined);
    if (!offsets) return read;
    const extent = offsets.filter((o) => partitions.has(o.partition))
      .map((o) => ({ partition: o.partition, start: Number(o.low), end: Number(o.high) })).sort((a, b) => a.partition - b.partition);
    return { ...read, extent };
  }));
}

export interface BlastRadiusOptions {
  /** The brokers' access records; absent: the answer comes from committed group offsets. */
  records?: AccessRecordSource;
  onProgress?: (p: { bytes: number }) => void;
  signal?: AbortSignal;
}

function recordsCaveat(coverage: Coverage): string {
  if (coverage.answer === 'exact') {
    const waived = coverage.waived.length ? ` (${coverage.waived.join('; ')})` : '';
    return `From the brokers' access records, which cover the whole window on every broker${waived}.`;
  }
  const gaps = coverage.missing.map((m) => m.reason).join('; ');
  return `From the brokers' access records, which do not cover everything (${gaps}): reads in those gaps are not seen.`;
}

/** Yes when a classified topic was read; not seen when none was and nothing escaped the records; else at risk. */
function classifiedAnswer(classified: BlastRadius['classified'], coverage: Coverage): ClassifiedTouched {
  const of = (status: string) => classified.filter((c) => c.status === status).map(({ topic, label }) => ({ topic, label }));
  const read = of('read');
  if (read.length) return { answer: 'yes', topics: read, because: `${coverage.basis === 'records' ? 'the brokers delivered records of' : 'its own groups committed past messages of'} ${read.map((t) => t.topic).join(', ')}` };
  const atRisk = of('atRisk');
  if (atRisk.length) {
    return { answer: 'atRisk', topics: atRisk, because: `it can read ${atRisk.map((t) => t.topic).join(', ')} and ${coverage.basis === 'records' ? 'the records do not cover the whole window' : 'only committed offsets were consulted'}: a read would not necessarily show` };
  }
  return {
    answer: 'notSeen', topics: [],
    because: classified.length ? `records from every broker cover ${coverage.window.from} to ${coverage.window.to} and show no read of ${classified.map((c) => c.topic).join(', ')}` : 'it can read no classified topic',
  };
}

export async function measureBlastRadius(
  client: KafkaClient, input: ActionInput<'kafka.blastRadius'>, settings: Pick<Settings, 'classifications' | 'authorizer'>,
  options: BlastRadiusOptions = {},
): Promise<BlastRadius> {
  const { principal } = input;
  const window = { from: Date.parse(input.since), to: Date.now() };
  const reported = await superUsers(client);
  const declared = settings.authorizer.superUsers;
  const superUser = declared.includes(principal) || reported?.includes(principal)
    ? true
    : reported === undefined && declared.length === 0 ? 'unknown' as const : false;
  const notes = superUser === 'unknown'
    ? [`the brokers do not reveal super.users and KAFKA_IR_CONFIG declares none (authorizer.superUsers): if ${principal} is a super user, it can read and write every topic whatever its ACLs`]
    : [];
  const bindings = superUser === true ? [] : [...await describeBindings(client, principal), ...await describeBindings(client, 'User:*')];
  const can = (resourceType: 'topic' | 'group', name: string, op: 'read' | 'write') =>
    superUser === true || accessOf(bindings, principal, resourceType, name, op) === 'allowed';

  const topics = (await client.withAdmin('listing topics', (a) => a.listTopics())).sort();
  const readableTopics = topics.filter((t) => can('topic', t, 'read'));
  const writableTopics = topics.filter((t) => can('topic', t, 'write'));

  const { groups: listed } = await client.withAdmin('listing consumer groups', (a) => a.listGroups());
  const groupIds = listed.map((g) => g.groupId).filter((id) => can('group', id, 'read')).sort();
  const described = groupIds.length
    ? (await client.withAdmin('describing consumer groups', (a) => a.describeGroups(groupIds))).groups
    : [];
  const groups = described.map((g) => ({
    id: g.groupId, state: g.state, members: g.members.map((m) => ({ clientId: m.clientId, host: m.clientHost })),
  }));

  const empty = { reads: [], unnamedReads: [], ranges: [], written: [], groupsUsed: [], sharedGroups: [], denied: [] };
  let found: Omit<BlastRadius, 'principal' | 'superUser' | 'readableTopics' | 'writableTopics' | 'groups' | 'classified' | 'caveat' | 'notes' | 'classifiedTouched' | 'coverage'>;
  let coverage: Coverage;
  let caveat: string;
  if (options.records) {
    const r = await recordFindings(client, options.records, principal, window, [...readableTopics, ...writableTopics], options.onProgress, options.signal);
    coverage = r.coverage;
    caveat = recordsCaveat(coverage);
    notes.push(...r.notes);
    found = {
      ...empty, reads: await withExtents(client, r.reads), unnamedReads: r.unnamedReads, written: r.written, groupsUsed: r.groupsUsed, denied: r.denied,
      ranges: r.reads.flatMap((t) => t.ranges.map((x) => ({ topic: t.topic, partition: x.partition, from: x.from, to: x.possibleTo }))),
      consumed: r.reads.map((t) => ({ topic: t.topic, messages: t.messages.atLeast })),
      readTopics: r.reads.map((t) => t.topic),
    };
  } else {
    // A group others may use too tells nothing about this principal: its offsets are listed, never charged.
    const everyone = await describeBindings(client);
    const sharing = groupSharing(everyone, principal, groupIds, [...declared, ...reported ?? []]);
    const own = groupIds.filter((id) => !sharing.get(id)?.length);
    const consumed = await consumedSince(client, own, window.from);
    coverage = offsetsCoverage(window);
    caveat = GROUPLESS_CAVEAT;
    found = {
      ...empty,
      sharedGroups: groupIds.flatMap((group) => {
        const sharedWith = sharing.get(group) ?? [];
        return sharedWith.length ? [{ group, sharedWith, note: 'shared — not attributed' as const }] : [];
      }),
      consumed: [...consumed].map(([topic, messages]) => ({ topic, messages })),
      readTopics: [...consumed.keys()],
    };
  }
  const classified = [...new Set([...readableTopics, ...found.readTopics])].sort().flatMap((topic) => {
    const label = classificationOf(settings, topic);
    if (!label) return [];
    const status = found.readTopics.includes(topic) ? 'read' as const : coverage.answer === 'exact' ? 'notSeen' as const : 'atRisk' as const;
    return [{ topic, label, status }];
  });
  return {
    principal, superUser, readableTopics, writableTopics, groups, ...found, classified, caveat, notes,
    classifiedTouched: classifiedAnswer(classified, coverage), coverage,
  };
}
