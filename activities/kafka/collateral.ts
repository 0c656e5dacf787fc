// Who else loses access when allow.everyone.if.no.acl.found=true and a resource gains its first ACL (docs/design.md §5 safety rule).
import type { KafkaSettings } from '../../src/model/connections.js';
import type { AclBinding } from '../../src/model/acl.js';
import { describeScramUsers } from '../../adapters/kafka/scram.js';

export const COLLATERAL_CAVEAT = 'collateral principals are the SCRAM users with no ALLOW of their own; principals that authenticate otherwise '
  + '(mTLS, PLAIN, OAUTHBEARER) cannot be listed, and principals with some ALLOWs keep only what those ALLOWs grant';

/**
 * SCRAM users (as principals) that have no explicit ALLOW binding and are not super users: with allow-everyone
 * on, they reach resources only because those resources have no ACLs.
 */
export async function collateralPrincipals(
  settings: KafkaSettings, bindings: AclBinding[], superUsers: string[], exclude: string[],
): Promise<string[]> {
  const users = [...(await describeScramUsers(settings)).keys()].map((u) => `User:${u}`);
  const allowed = new Set(bindings.filter((b) => b.permission === 'allow').map((b) => b.principal));
  return users.filter((p) => !allowed.has(p) && !superUsers.includes(p) && !exclude.includes(p)).sort();
}
