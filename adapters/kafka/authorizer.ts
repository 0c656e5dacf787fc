// The brokers' authorizer settings (super.users, allow.everyone.if.no.acl.found): read from the brokers where they tell, else as declared.
import { ConfigResourceTypes } from './kafkajs-enums.js';
import type { Settings } from '../../src/model/settings.js';
import type { KafkaClient } from './client.js';

export interface AuthorizerFacts {
  superUsers: string[];
  /** undefined: the brokers hide it and KAFKA_IR_CONFIG does not declare it. */
  allowEveryoneIfNoAclFound: boolean | undefined;
}

/** A broker's config value; undefined when unset or reported as sensitive (null value). */
export async function brokerSetting(client: KafkaClient, name: string): Promise<string | undefined> {
  const res = await client.withAdmin(`reading broker setting ${name}`, async (admin) => {
    const { brokers } = await admin.describeCluster();
    return admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.BROKER, name: String(brokers[0]?.nodeId ?? 0), configNames: [name] }],
    });
  });
  return res.resources[0]?.configEntries.find((e) => e.configName === name)?.configValue ?? undefined;
}

/**
 * Kafka 3.9 reports both settings as sensitive (they belong to the authorizer, not to KafkaConfig), so the
 * declared values usually decide; a broker that does report them wins for allow-everyone and adds super users.
 */
export async function authorizerFacts(client: KafkaClient, declared: Settings['authorizer']): Promise<AuthorizerFacts> {
  const [superUsers, allowEveryone] = await Promise.all([
    brokerSetting(client, 'super.users'), brokerSetting(client, 'allow.everyone.if.no.acl.found'),
  ]);
  const reported = superUsers?.split(';').map((s) => s.trim()).filter(Boolean) ?? [];
  return {
    superUsers: [...new Set([...declared.superUsers, ...reported])],
    allowEveryoneIfNoAclFound: allowEveryone === undefined ? declared.allowEveryoneIfNoAclFound : allowEveryone === 'true',
  };
}
