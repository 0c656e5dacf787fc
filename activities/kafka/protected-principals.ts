// Who kafka-ir never acts on — its own principal (SASL user, or certificate subject after the brokers' mapping rules), protectedPrincipals, super users — one rule for every action that names a principal.
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

/** The client ids the engine's own connections send (`kafka-ir`, `kafka-ir-probe`, …): a quota on one alone would throttle the engine. */
export function assertNotOwnClientId(clientId: string): void {
  if (clientId === 'kafka-ir' || clientId.startsWith('kafka-ir-')) {
    throw new KafkaIrError('PROTECTED_PRINCIPAL', `client id ${clientId} is one kafka-ir's own clients send`,
      "a quota on it would throttle the engine itself: name the principal too, or the attacker's own client id");
  }
}

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
