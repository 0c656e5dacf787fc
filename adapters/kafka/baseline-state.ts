// Reads the cluster's security state for a baseline: ACLs, SCRAM users (names and mechanisms, never secrets), quotas, dynamic configs.
import { ConfigSources, describeClientQuotasV0 } from '@platformatic/kafka';
import type { BaselineState, DynamicConfig, QuotaEntry } from '../../src/model/baseline.js';
import { describeBindings } from './acls.js';
import { describeBrokerConfigs, describeTopicConfigs, liveBrokers } from './broker-config.js';
import { withBrokerConnection, type BrokerAddress } from './broker-connection.js';
import type { KafkaClient } from './client.js';
import { describeScramUsers } from './scram.js';

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

export async function readBaselineState(client: KafkaClient): Promise<BaselineState> {
  const brokers = await liveBrokers(client);
  const [acls, users, quotas, brokerConfigs, topicConfigs] = await Promise.all([
    describeBindings(client),
    describeScramUsers(client.settings),
    readQuotas(client, brokers[0]!),
    readBrokerConfigs(client, brokers),
    readTopicConfigs(client, brokers[0]!),
  ]);
  return {
    takenAt: new Date().toISOString(),
    acls,
    scramUsers: [...users].map(([user, mechanisms]) => ({ user, mechanisms: [...mechanisms].sort() })).sort((a, b) => a.user.localeCompare(b.user)),
    quotas,
    configs: [...brokerConfigs, ...topicConfigs],
  };
}
