// Configs through @platformatic/kafka: a broker's own read from and written to that broker (KRaft brokers refuse another's), topics' from any.
import {
  ConfigResourceTypes, ConfigSources, IncrementalAlterConfigOperationTypes, MultipleErrors,
  describeConfigsV4, incrementalAlterConfigsV1,
} from '@platformatic/kafka';
import type { KafkaSettings } from '../../src/model/connections.js';
import { KafkaIrError } from '../../src/model/errors.js';
import type { Change } from '../../src/model/plan.js';
import { withBrokerConnection, type BrokerAddress } from './broker-connection.js';
import type { KafkaClient } from './client.js';
import { liveBrokers } from './cluster-members.js';

type ConfigChange = Extract<Change, { op: 'config.set' }>;
export type DescribeConfigsResponseConfig = describeConfigsV4.DescribeConfigsResponseConfig;

/** Read with the configs by health and isolation; asked of whichever broker answers (cluster-members.ts). */
export { liveBrokers };

export async function brokerAddress(client: KafkaClient, id: number): Promise<BrokerAddress> {
  const brokers = await liveBrokers(client);
  const broker = brokers.find((b) => b.id === id);
  if (!broker) {
    throw new KafkaIrError('UNSAFE_PLAN', `broker ${id} is not a live member of the cluster (live: ${brokers.map((b) => b.id).join(', ')})`,
      'check the broker id; a broker that is down needs no isolation by kafka-ir');
  }
  return broker;
}

/** Kafka's per-resource error messages, which the protocol library folds into one generic error. */
export function responseErrorDetail(err: unknown): string | undefined {
  if (!(err instanceof Error) || !MultipleErrors.isMultipleErrors(err)) return undefined;
  return (err as AggregateError).errors
    .map((e: { apiId?: string; serverErrorMessage?: string | null; message?: string }) => [e.apiId, e.serverErrorMessage ?? e.message].filter(Boolean).join(': '))
    .join('; ');
}

async function rejectedWithDetail<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const detail = responseErrorDetail(err);
    if (detail) throw new KafkaIrError(/AUTHORIZATION/.test(detail) ? 'KAFKA_AUTH' : 'KAFKA_REJECTED', `${what}: ${detail}`, undefined, { cause: err });
    throw err;
  }
}

/** The broker's configs as that broker itself reports them (synonyms show which dynamic levels are set). */
export async function describeBrokerConfigs(
  settings: KafkaSettings, broker: BrokerAddress, keys: string[] | null, includeSynonyms = false,
): Promise<DescribeConfigsResponseConfig[]> {
  const what = `describing the configs of broker ${broker.id}`;
  const res = await withBrokerConnection(settings, broker, what, (c) => rejectedWithDetail(what, () =>
    describeConfigsV4.api.async(c, [{ resourceType: ConfigResourceTypes.BROKER, resourceName: String(broker.id), configurationKeys: keys }], includeSynonyms, false)));
  return res.results[0]?.configs ?? [];
}

const UNKNOWN_TOPIC_OR_PARTITION = 3;

/** Topic configs as `broker` reports them; a topic deleted meanwhile is left out rather than failing the rest. */
export async function describeTopicConfigs(
  settings: KafkaSettings, broker: BrokerAddress, topics: string[], keys: string[] | null = null,
): Promise<Map<string, DescribeConfigsResponseConfig[]>> {
  if (!topics.length) return new Map();
  const what = 'describing topic configs';
  const res = await withBrokerConnection(settings, broker, what, async (c) => {
    try {
      return await describeConfigsV4.api.async(c, topics.map((name) => ({ resourceType: ConfigResourceTypes.TOPIC, resourceName: name, configurationKeys: keys })), false, false);
    } catch (err) {
      const partial = (err as { response?: describeConfigsV4.DescribeConfigsResponse }).response;
      if (partial?.results.every((r) => r.errorCode === 0 || r.errorCode === UNKNOWN_TOPIC_OR_PARTITION)) return partial;
      return rejectedWithDetail(what, () => Promise.reject(err));
    }
  });
  return new Map(res.results.filter((r) => r.errorCode === 0).map((r) => [r.resourceName, r.configs]));
}

/** The per-broker dynamic value of a key, if one is set (not the static, default or cluster-wide value). */
export function perBrokerValue(configs: DescribeConfigsResponseConfig[], key: string): string | undefined {
  const entry = configs.find((c) => c.name === key);
  return entry?.configSource === ConfigSources.DYNAMIC_BROKER_CONFIG ? entry.value ?? undefined : undefined;
}

/** A broker or a topic whose dynamic configs are read or written. */
export interface ConfigTarget { resource: 'broker' | 'topic'; name: string }
/** Each key's dynamic value on its target (per broker, per topic), or undefined where none is set there. */
export type DynamicValues = Map<string, string | undefined>;
export const targetKey = (t: ConfigTarget) => `${t.resource} ${t.name}`;

/** Dynamic values of `keys` for each target (by `targetKey`): each broker asked itself, the topics together in one request. */
export async function dynamicConfigs(client: KafkaClient, targets: ConfigTarget[], keys: string[]): Promise<Map<string, DynamicValues>> {
  const brokers = await liveBrokers(client);
  const byId = (name: string) => brokers.find((b) => String(b.id) === name) ?? brokerAddress(client, Number(name));
  const topics = targets.filter((t) => t.resource === 'topic').map((t) => t.name);
  const [brokerConfigs, topicConfigs] = await Promise.all([
    Promise.all(targets.filter((t) => t.resource === 'broker').map(async (t) => [t, await describeBrokerConfigs(client.settings, await byId(t.name), keys)] as const)),
    describeTopicConfigs(client.settings, brokers[0]!, topics, keys),
  ]);
  const topicValue = (configs: DescribeConfigsResponseConfig[], key: string) => {
    const entry = configs.find((c) => c.name === key);
    return entry?.configSource === ConfigSources.TOPIC_CONFIG ? entry.value ?? undefined : undefined;
  };
  return new Map([
    ...brokerConfigs.map(([t, configs]) => [targetKey(t), new Map(keys.map((k) => [k, perBrokerValue(configs, k)]))] as const),
    ...topics.map((name) => [targetKey({ resource: 'topic', name }), new Map(keys.map((k) => [k, topicValue(topicConfigs.get(name) ?? [], k)]))] as const),
  ]);
}

/** Sets (a value) or deletes (undefined) dynamic configs incrementally: each broker's on that broker, every topic's in one request. */
export async function alterDynamicConfigs(client: KafkaClient, entries: (ConfigTarget & { key: string; value: string | undefined })[]): Promise<void> {
  if (!entries.length) return;
  const brokers = await liveBrokers(client);
  const requests = new Map<string, { broker: number | undefined; targets: ConfigTarget[] }>();
  for (const t of entries) {
    // Topics go to any broker (it forwards to the controller); a broker's own configs only to that broker.
    const via = t.resource === 'broker' ? `broker ${t.name}` : 'topics';
    const request = requests.get(via) ?? { broker: t.resource === 'broker' ? Number(t.name) : undefined, targets: [] };
    if (!request.targets.some((x) => targetKey(x) === targetKey(t))) request.targets.push({ resource: t.resource, name: t.name });
    requests.set(via, request);
  }
  for (const [via, { broker, targets }] of requests) {
    const address = broker === undefined ? brokers[0]! : brokers.find((b) => b.id === broker) ?? await brokerAddress(client, broker);
    const what = `setting configs of ${via === 'topics' ? `topic(s) ${targets.map((t) => t.name).join(', ')}` : via}`;
    await withBrokerConnection(client.settings, address, what, (c) => rejectedWithDetail(what, () =>
      incrementalAlterConfigsV1.api.async(c, targets.map((t) => ({
        resourceType: t.resource === 'broker' ? ConfigResourceTypes.BROKER : ConfigResourceTypes.TOPIC,
        resourceName: t.name,
        configs: entries.filter((e) => targetKey(e) === targetKey(t)).map((e) => e.value === undefined
          ? { name: e.key, configOperation: IncrementalAlterConfigOperationTypes.DELETE }
          : { name: e.key, configOperation: IncrementalAlterConfigOperationTypes.SET, value: e.value }),
      })), false)));
  }
}

/** Sets or deletes per-broker dynamic configs exactly as planned; a value already in place is counted, not rewritten. */
export async function applyConfigChanges(client: KafkaClient, changes: Change[]): Promise<{ changed: Change[]; alreadyInPlace: number }> {
  const configChanges = changes.filter((c): c is ConfigChange => c.op === 'config.set');
  const changed: Change[] = [];
  for (const name of [...new Set(configChanges.map((c) => c.name))]) {
    const mine = configChanges.filter((c) => c.name === name);
    const target: ConfigTarget = { resource: 'broker', name };
    const current = (await dynamicConfigs(client, [target], mine.map((c) => c.key))).get(targetKey(target))!;
    const todo = mine.filter((c) => {
      const value = current.get(c.key);
      if (value === c.after) return false;
      if (value !== c.before) {
        throw new KafkaIrError('PLAN_DRIFT', `broker ${name} ${c.key} is ${value ?? '(not set per broker)'}, but the plan expected ${c.before ?? '(not set per broker)'}`,
          'someone changed it since the plan was made: plan again');
      }
      return true;
    });
    await alterDynamicConfigs(client, todo.map((t) => ({ ...target, key: t.key, value: t.after })));
    changed.push(...todo);
  }
  return { changed, alreadyInPlace: configChanges.length - changed.length };
}
