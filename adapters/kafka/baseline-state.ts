// Reads the cluster's security state for a baseline: ACLs, SCRAM users and tokens (never secrets), quotas, configs, topics, groups.
import { ConfigSources, describeClientQuotasV0, describeDelegationTokenV3 } from '@platformatic/kafka';
import type { BaselineState, DynamicConfig, QuotaEntry, TokenEntry, TopicEntry } from '../../src/model/baseline.js';
import { allTopicsMetadata } from './all-topics.js';
import { describeBindings } from './acls.js';
import { describeBrokerConfigs, describeTopicConfigs, liveBrokers } from './broker-config.js';
import { withBrokerConnection, type BrokerAddress } from './broker-connection.js';
import type { KafkaClient } from './client.js';
import { describeScramUsers } from './scram.js';
import { logTopicId } from './topic-ids.js';

/** Kafka's answer when the brokers have no delegation.token.secret.key: no token can exist. */
const DELEGATION_TOKEN_AUTH_DISABLED = 61;
const at = (ms: bigint) => new Date(Number(ms)).toISOString();

async function readQuotas(client: KafkaClient, broker: BrokerAddress): Promise<QuotaEntry[]> {
  // No components and strict=false: every quota entity (KIP-546).
  const res = await withBrokerConnection(client.settings, broker, 'describing client quotas', (c) => describeClientQuotasV0.api.async(c, [], false));
  return res.entries.map((e) => ({
    entity: e.entity.map((x) => ({ type: x.entityType, name: x.entityName ?? null })),
    values: Object.fromEntries(e.values.map((v) => [v.key, v.value])),
  }));
}

/** Per-broker and cluster-wide dynamic broker configs; synonyms reveal a cluster default a per-broker value overrides. */
async function readBrokerConfigs(client: KafkaClient, brokers: BrokerAddress[]): Promise<DynamicConfig[]> {
  const found = new Map<string, DynamicConfig>();
  for (const broker of brokers) {
    for (const config of await describeBrokerConfigs(client.settings, broker, null, true)) {
      for (const s of config.synonyms) {
        const sensitive = config.isSensitive;
        if (s.source === ConfigSources.DYNAMIC_BROKER_CONFIG) {
          found.set(`b|${broker.id}|${s.name}`, { resource: 'broker', name: String(broker.id), key: s.name, value: sensitive ? null : s.value ?? null });
        } else if (s.source === ConfigSources.DYNAMIC_DEFAULT_BROKER_CONFIG) {
          found.set(`d|${s.name}`, { resource: 'broker-default', name: '', key: s.name, value: sensitive ? null : s.value ?? null });
        }
      }
    }
  }
  return [...found.values()];
}

async function readTopicConfigs(client: KafkaClient, broker: BrokerAddress): Promise<DynamicConfig[]> {
  const topics = await client.withAdmin('listing topics', (a) => a.listTopics());
  const configs = await describeTopicConfigs(client.settings, broker, topics);
  return [...configs].flatMap(([name, entries]) => entries
    .filter((c) => c.configSource === ConfigSources.TOPIC_CONFIG)
    .map((c): DynamicConfig => ({ resource: 'topic', name, key: c.name, value: c.isSensitive ? null : c.value ?? null })));
}

/** Every delegation token (the engine, a super user, sees all), without its HMAC; none when tokens are off. */
async function readTokens(client: KafkaClient, broker: BrokerAddress): Promise<TokenEntry[]> {
  return withBrokerConnection(client.settings, broker, 'describing delegation tokens', async (c) => {
    let tokens;
    try {
      // No owners: every token.
      ({ tokens } = await describeDelegationTokenV3.api.async(c, null as never));
    } catch (err) {
      if ((err as { response?: { errorCode?: number } }).response?.errorCode === DELEGATION_TOKEN_AUTH_DISABLED) return [];
      throw err;
    }
    return tokens.map((t) => ({
      tokenId: t.tokenId, owner: `${t.principalType}:${t.principalName}`,
      requester: t.tokenRequesterPrincipalName ? `${t.tokenRequesterPrincipalType}:${t.tokenRequesterPrincipalName}` : `${t.principalType}:${t.principalName}`,
      renewers: t.renewers.map((r) => `${r.principalType}:${r.principalName}`).sort(), issuedAt: at(t.issueTimestamp), expiresAt: at(t.expiryTimestamp),
    })).sort((a, b) => a.tokenId.localeCompare(b.tokenId));
  });
}

/** Every topic, internal ones included, with its id as the logs write it. */
async function readTopics(client: KafkaClient, broker: BrokerAddress): Promise<TopicEntry[]> {
  const meta = await withBrokerConnection(client.settings, broker, 'reading topics', allTopicsMetadata);
  return meta.topics.flatMap((t) => (t.name ? [{ name: t.name, topicId: logTopicId(t.topicId) }] : [])).sort((a, b) => a.name.localeCompare(b.name));
}

export async function readBaselineState(client: KafkaClient): Promise<Omit<BaselineState, 'previous'>> {
  const brokers = await liveBrokers(client);
  const [acls, users, quotas, brokerConfigs, topicConfigs, tokens, topics, groups] = await Promise.all([
    describeBindings(client),
    describeScramUsers(client.settings),
    readQuotas(client, brokers[0]!),
    readBrokerConfigs(client, brokers),
    readTopicConfigs(client, brokers[0]!),
    readTokens(client, brokers[0]!),
    readTopics(client, brokers[0]!),
    client.withAdmin('listing consumer groups', (a) => a.listGroups()),
  ]);
  return {
    takenAt: new Date().toISOString(),
    acls,
    scramUsers: [...users].map(([user, mechanisms]) => ({ user, mechanisms: [...mechanisms].sort() })).sort((a, b) => a.user.localeCompare(b.user)),
    quotas,
    configs: [...brokerConfigs, ...topicConfigs],
    tokens,
    topics,
    groups: groups.groups.map((g) => g.groupId).sort(),
  };
}
