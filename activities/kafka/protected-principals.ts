// Who kafka-ir never acts on, one rule for every action that names a principal (deny, revoke, rotate, delete credentials, throttle).
import { KafkaIrError } from '../../src/model/errors.js';
import type { Settings } from '../../src/model/settings.js';
import { authorizerFacts } from '../../adapters/kafka/authorizer.js';
import type { KafkaClient } from '../../adapters/kafka/client.js';

/** The actions that act on a principal, and why a super user is out of their reach, for the refusal's hint. */
const SUPER_USER_HINT = {
  'kafka.acl.deny': 'ACLs cannot stop a super user: remove it from super.users and restart the brokers, or rotate its credentials',
  'kafka.acl.revoke': 'ACLs cannot stop a super user: remove it from super.users and restart the brokers first',
  'kafka.credentials.rotate': 'a super user runs or administers the cluster; rotating its secret could stop brokers or tools: remove it from super.users (and authorizer.superUsers) first if this is meant',
  'kafka.credentials.revoke': 'a super user runs or administers the cluster; deleting its credentials could stop brokers or tools: remove it from super.users (and authorizer.superUsers) first if this is meant',
  'kafka.quota.throttle': "a super user runs or administers the cluster; throttling it could stall the cluster's own clients: remove it from super.users (and authorizer.superUsers) first if this is meant",
} as const;
export type PrincipalAction = keyof typeof SUPER_USER_HINT;

/**
 * Refuses (PROTECTED_PRINCIPAL, final) the engine's own principal (SASL user or certificate subject), those in
 * protectedPrincipals, and super users, declared (authorizer.superUsers) or reported by the brokers.
 */
export async function assertNotProtected(
  client: KafkaClient, principal: string, settings: Pick<Settings, 'protectedPrincipals' | 'authorizer'>, action: PrincipalAction,
): Promise<void> {
  if (client.ownPrincipals.includes(principal)) {
    throw new KafkaIrError('PROTECTED_PRINCIPAL', `${principal} is kafka-ir's own principal`, 'acting on it would stop the engine itself');
  }
  if (settings.protectedPrincipals.includes(principal)) {
    throw new KafkaIrError('PROTECTED_PRINCIPAL', `${principal} is listed in protectedPrincipals`, 'remove it from KAFKA_IR_CONFIG if it really must be acted on');
  }
  const facts = await authorizerFacts(client, settings.authorizer);
  if (facts.superUsers.includes(principal)) {
    throw new KafkaIrError('PROTECTED_PRINCIPAL', `${principal} is a super user (super.users)`, SUPER_USER_HINT[action]);
  }
}
