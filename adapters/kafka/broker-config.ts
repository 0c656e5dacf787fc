// Configs through @platformatic/kafka: a broker's own read from and written to that broker (FACTS: KRaft brokers refuse another's), topics' from any.
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

/** Sets or deletes per-broker dynamic configs exactly as planned; a value already in place is counted, not rewritten. */
export async function applyConfigChanges(client: KafkaClient, changes: Change[]): Promise<{ changed: Change[]; alreadyInPlace: number }> {
  const configChanges = changes.filter((c): c is ConfigChange => c.op === 'config.set');
  const changed: Change[] = [];
  for (const name of [...new Set(configChanges.map((c) => c.name))]) {
    const mine = configChanges.filter((c) => c.name === name);
    const broker = await brokerAddress(client, Number(name));
    const current = await describeBrokerConfigs(client.settings, broker, mine.map((c) => c.key));
    const todo = mine.filter((c) => {
      const value = perBrokerValue(current, c.key);
      if (value === c.after) return false;
      if (value !== c.before) {
        throw new KafkaIrError('PLAN_DRIFT', `broker ${name} ${c.key} is ${value ?? '(not set per broker)'}, but the plan expected ${c.before ?? '(not set per broker)'}`,
          'someone changed it since the plan was made: plan again');
      }
      return true;
    });
    if (!todo.length) continue;
    const what = `setting configs of broker ${name}`;
    await withBrokerConnection(client.settings, broker, what, (c) => rejectedWithDetail(what, () =>
      incrementalAlterConfigsV1.api.async(c, [{
        resourceType: ConfigResourceTypes.BROKER,
        resourceName: name,
        configs: todo.map((t) => t.after === undefined
          ? { name: t.key, configOperation: IncrementalAlterConfigOperationTypes.DELETE }
          : { name: t.key, configOperation: IncrementalAlterConfigOperationTypes.SET, value: t.after }),
      }], false)));
    changed.push(...todo);
  }
  return { changed, alreadyInPlace: configChanges.length - changed.length };
}
