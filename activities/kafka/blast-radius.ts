// kafka.blastRadius: what a principal can reach through ACLs, its groups and their members, and what those groups consumed.
import { ConfigResourceTypes } from '../../adapters/kafka/kafkajs-enums.js';
import type { ActionInput } from '../../src/model/actions.js';
import type { BlastRadius } from '../../src/model/actions/forensics.js';
import { accessOf } from '../../src/model/access.js';
import { classificationOf, type Settings } from '../../src/model/settings.js';
import { describeBindings } from './acl.js';
import type { KafkaClient } from '../../adapters/kafka/client.js';

export const GROUPLESS_CAVEAT = 'Consumption is a lower bound from committed group offsets: readers without a consumer group '
  + '(assign mode, e.g. kcat -C) and groups that never commit leave no offsets, so topics it can read may have been read unseen.';

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

export async function measureBlastRadius(
  client: KafkaClient, input: ActionInput<'kafka.blastRadius'>, settings: Pick<Settings, 'classifications' | 'authorizer'>,
): Promise<BlastRadius> {
  const { principal } = input;
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

  const consumed = await consumedSince(client, groupIds, Date.parse(input.since));
  const readTopics = [...consumed.keys()];
  const classified = [...new Set([...readableTopics, ...readTopics])].sort().flatMap((topic) => {
    const label = classificationOf(settings, topic);
    return label ? [{ topic, label, status: consumed.has(topic) ? 'read' as const : 'atRisk' as const }] : [];
  });
  const window = { from: new Date(Date.parse(input.since)).toISOString(), to: new Date().toISOString() };
  return {
    principal, superUser, readableTopics, writableTopics, groups,
    consumed: [...consumed].map(([topic, messages]) => ({ topic, messages })),
    readTopics, classified, caveat: GROUPLESS_CAVEAT, notes,
    reads: [], unnamedReads: [], ranges: [], written: [], groupsUsed: [], sharedGroups: [], denied: [],
    coverage: {
      basis: 'offsets', answer: 'estimate', window, brokers: [],
      missing: [{ ...window, reason: 'no access records configured (accessLog in KAFKA_IR_CONFIG): only committed group offsets' }],
      lines: { records: 0, other: 0, garbage: 0, truncated: 0 }, sources: [],
    },
  };
}
