// Delegation tokens (KIP-48), which kafkajs lacks: listed by owner, and expired as their owner, the one Kafka lets expire them with its renewers.
import { MultipleErrors, describeDelegationTokenV3, expireDelegationTokenV2, type Connection } from '@platformatic/kafka';
import type { KafkaSettings } from '../../src/model/connections.js';
import type { ScramMechanism } from '../../src/model/credentials.js';
import { withAnyBroker } from './broker-connection.js';

/** A token as kafka-ir records it: never its HMAC, which is the token's password. */
export interface DelegationToken { tokenId: string; owner: string; requester: string; issued: string; expires: string; renewers: string[] }

/** Tokens are off unless the brokers set delegation.token.secret.key: then none can exist. */
export type TokenListing = { enabled: true; tokens: DelegationToken[] } | { enabled: false };

const principal = (type: string, name: string) => `${type}:${name}`;
const at = (ms: bigint) => new Date(Number(ms)).toISOString();

function kafkaErrorIds(err: unknown): string[] {
  const cause = (err as { cause?: unknown }).cause ?? err;
  if (!(cause instanceof Error) || !MultipleErrors.isMultipleErrors(cause)) return [];
  return (cause as AggregateError).errors.map((e: { apiId?: string }) => e.apiId ?? '');
}

async function describeOwned(c: Connection, user: string) {
  return (await describeDelegationTokenV3.api.async(c, [{ principalType: 'User', principalName: user }])).tokens;
}

/** The tokens `user` owns, as the engine (a super user, or granted DESCRIBE_TOKENS on the user) sees them. */
export async function describeTokens(settings: KafkaSettings, user: string): Promise<TokenListing> {
  try {
    const tokens = await withAnyBroker(settings, `listing the delegation tokens of ${user}`, (c) => describeOwned(c, user));
    return {
      enabled: true,
      tokens: tokens.map((t) => ({
        tokenId: t.tokenId, owner: principal(t.principalType, t.principalName),
        requester: principal(t.tokenRequesterPrincipalType, t.tokenRequesterPrincipalName),
        issued: at(t.issueTimestamp), expires: at(t.expiryTimestamp), renewers: t.renewers.map((r) => principal(r.principalType, r.principalName)),
      })).sort((a, b) => a.tokenId.localeCompare(b.tokenId)),
    };
  } catch (err) {
    if (kafkaErrorIds(err).includes('DELEGATION_TOKEN_AUTH_DISABLED')) return { enabled: false };
    throw err;
  }
}

/**
 * Expires every token the owner has, at once, signed in as the owner (Kafka refuses anyone else but a token's
 * renewers, super users included). Returns the ids it expired; one that went meanwhile is not an error.
 */
export async function expireTokensAsOwner(
  settings: KafkaSettings, owner: { user: string; password: string; mechanism: ScramMechanism },
): Promise<string[]> {
  const asOwner: KafkaSettings = {
    ...settings, sasl: { mechanism: owner.mechanism.toLowerCase() as 'scram-sha-512', username: owner.user, password: owner.password },
  };
  return withAnyBroker(asOwner, `expiring delegation tokens of ${owner.user}`, async (c) => {
    const expired: string[] = [];
    for (const token of await describeOwned(c, owner.user)) {
      try {
        // A negative period removes the token now.
        await expireDelegationTokenV2.api.async(c, token.hmac, -1n);
        expired.push(token.tokenId);
      } catch (err) {
        const ids = kafkaErrorIds(err);
        if (!ids.includes('DELEGATION_TOKEN_NOT_FOUND') && !ids.includes('DELEGATION_TOKEN_EXPIRED')) throw err;
      }
    }
    return expired;
  });
}
