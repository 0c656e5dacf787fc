// The brokers' authorizer settings (super.users, allow.everyone.if.no.acl.found): read from the brokers where they tell, else as declared.
import { KafkaIrError } from '../../src/model/errors.js';
import type { Settings } from '../../src/model/settings.js';
import { describeBrokerConfigs } from './broker-config.js';
import type { KafkaClient } from './client.js';
import { liveBrokers } from './cluster-members.js';

export interface AuthorizerFacts {
  superUsers: string[];
  /** undefined: the brokers hide it and KAFKA_IR_CONFIG does not declare it. */
  allowEveryoneIfNoAclFound: boolean | undefined;
}

/** Broker config values, from whichever live broker answers first; a key is absent when unset or reported as sensitive (null value). */
export async function brokerSettings(client: Pick<KafkaClient, 'settings'>, names: string[]): Promise<Record<string, string>> {
  const brokers = await liveBrokers(client);
  if (!brokers.length) throw new KafkaIrError('KAFKA_UNAVAILABLE', `reading ${names.join(', ')}: no live broker`, 'it will be retried');
  const configs = await Promise.any(brokers.map((b) => describeBrokerConfigs(client.settings, b, names)))
    .catch((err: unknown) => { throw (err as AggregateError).errors[0]; });
  return Object.fromEntries(configs.flatMap((e) => (names.includes(e.name) && typeof e.value === 'string' ? [[e.name, e.value]] : [])));
}

/**
 * Kafka 3.9 reports both settings as sensitive (they belong to the authorizer, not to KafkaConfig), so the
 * declared values usually decide; a broker that does report them wins for allow-everyone and adds super users.
 */
export async function authorizerFacts(client: Pick<KafkaClient, 'settings'>, declared: Settings['authorizer']): Promise<AuthorizerFacts> {
  const { 'super.users': superUsers, 'allow.everyone.if.no.acl.found': allowEveryone } =
    await brokerSettings(client, ['super.users', 'allow.everyone.if.no.acl.found']);
  const reported = superUsers?.split(';').map((s) => s.trim()).filter(Boolean) ?? [];
  return {
    superUsers: [...new Set([...declared.superUsers, ...reported])],
    allowEveryoneIfNoAclFound: allowEveryone === undefined ? declared.allowEveryoneIfNoAclFound : allowEveryone === 'true',
  };
}
