// A principal's delegation tokens, expired with its credentials: planned from the engine's view, applied signed in as the owner.
import { randomBytes } from 'node:crypto';
import type { KafkaSettings } from '../../src/model/connections.js';
import type { ScramMechanism } from '../../src/model/credentials.js';
import { KafkaIrError } from '../../src/model/errors.js';
import type { Change } from '../../src/model/plan.js';
import { describeTokens, expireTokensAsOwner } from '../../adapters/kafka/delegation-tokens.js';
import { deleteScramCredentials, describeScramUsers, upsertScramCredential } from '../../adapters/kafka/scram.js';

type ExpireChange = Extract<Change, { op: 'token.expire' }>;

/** The owner's tokens as changes to make first, and what the plan says about them. */
export async function planTokenExpiry(settings: KafkaSettings, user: string): Promise<{ changes: ExpireChange[]; note: string }> {
  const listing = await describeTokens(settings, user);
  if (!listing.enabled) {
    return { changes: [], note: 'Delegation tokens are disabled on these brokers (no delegation.token.secret.key): the principal can have none.' };
  }
  if (!listing.tokens.length) return { changes: [], note: `${user} owns no delegation token.` };
  return {
    changes: listing.tokens.map((t) => ({ op: 'token.expire', owner: user, tokenId: t.tokenId })),
    note: `${user} owns ${listing.tokens.length} delegation token(s) (${listing.tokens.map((t) => `${t.tokenId}, requested by ${t.requester} at ${t.issued}`).join('; ')}). `
      + 'A token signs in as its owner and outlives a password change, so they are expired first. Kafka lets only a token\'s owner '
      + `(or its renewers) expire it: kafka-ir signs in as ${user} with a throw-away password of its own for that moment, which the rest of this step then replaces or deletes.`,
  };
}

const SIGN_IN_ATTEMPTS = 25;

/**
 * Expires the owner's tokens that are still alive: the planned ones, and any made since the plan (reported as
 * changed too: leaving one would leave the door the step closes). Signing in as the owner needs a password the
 * engine knows: a random one set for the moment (on a mechanism the owner already has, else SCRAM-SHA-512, deleted
 * again afterwards). Setting it also ends sign-ins with the old password, so no new token appears meanwhile.
 */
export async function applyTokenChanges(settings: KafkaSettings, changes: Change[]): Promise<{ changed: Change[]; alreadyInPlace: number }> {
  const planned = changes.filter((c): c is ExpireChange => c.op === 'token.expire');
  const changed: ExpireChange[] = [];
  for (const owner of new Set(planned.map((c) => c.owner))) {
    const listing = await describeTokens(settings, owner);
    if (!listing.enabled || !listing.tokens.length) continue;
    const present = (await describeScramUsers(settings)).get(owner) ?? [];
    const mechanism: ScramMechanism = present.includes('SCRAM-SHA-512') || !present.length ? 'SCRAM-SHA-512' : present[0]!;
    const password = randomBytes(24).toString('base64url');
    await upsertScramCredential(settings, owner, password, mechanism);
    let expired: string[] = [];
    try {
      // Brokers learn the credential from the metadata log a moment after the controller: sign-ins fail until then.
      for (let attempt = 1; ; attempt++) {
        try {
          expired = await expireTokensAsOwner(settings, { user: owner, password, mechanism });
          break;
        } catch (err) {
          if (attempt >= SIGN_IN_ATTEMPTS) throw err;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    } finally {
      if (!present.includes(mechanism)) await deleteScramCredentials(settings, owner, [mechanism]);
    }
    await waitUntilGone(settings, owner, expired);
    changed.push(...expired.map((tokenId): ExpireChange => ({ op: 'token.expire', owner, tokenId })));
  }
  const done = new Set(changed.map((c) => `${c.owner}|${c.tokenId}`));
  return { changed, alreadyInPlace: planned.filter((c) => !done.has(`${c.owner}|${c.tokenId}`)).length };
}

/** The step is done once the brokers no longer list the tokens, so a check that follows sees them gone. */
async function waitUntilGone(settings: KafkaSettings, owner: string, tokenIds: string[]): Promise<void> {
  for (let i = 0; ; i++) {
    const listing = await describeTokens(settings, owner);
    if (!listing.enabled || !listing.tokens.some((t) => tokenIds.includes(t.tokenId))) return;
    if (i >= 50) throw new KafkaIrError('KAFKA_UNAVAILABLE', `expired the delegation tokens of ${owner}, but a broker still lists them`, 'it will be retried');
    await new Promise((r) => setTimeout(r, 200));
  }
}
