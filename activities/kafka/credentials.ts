// SCRAM credential rotation (secret to the sink first, then the cluster) and revocation; the secret never leaves this path.
import { randomBytes } from 'node:crypto';
import type { KafkaSettings } from '../../src/model/connections.js';
import type { ActionInput } from '../../src/model/actions.js';
import { sessionWindow, type ScramMechanism } from '../../src/model/credentials.js';
import { KafkaIrError } from '../../src/model/errors.js';
import type { Change, Plan } from '../../src/model/plan.js';
import type { Settings } from '../../src/model/settings.js';
import { assertNotProtected } from './protected-principals.js';
import type { KafkaClient } from '../../adapters/kafka/client.js';
import { hashPlan } from './plan-hash.js';
import { deleteScramCredentials, describeScramUsers, upsertScramCredential } from '../../adapters/kafka/scram.js';
import { openSecretSink, secretKey } from '../../adapters/secret-sink.js';
import { authenticates } from '../../adapters/kafka/user-connection.js';
import { reauthIntervals } from '../../adapters/kafka/session-lifetime.js';
import { planTokenExpiry } from './delegation-tokens.js';

type RotateChange = Extract<Change, { op: 'scram.rotate' }>;
type DeleteChange = Extract<Change, { op: 'scram.delete' }>;

const LATE_TOKENS = 'A session still signed in with the old password can create a delegation token until it must re-authenticate, '
  + 'and no ACL stops a principal creating its own: deny first, and list its tokens again once that window has passed.';

/** What a credential change leaves open: the tokens it expires first, and the sessions still signed in. */
async function doorsLeft(client: KafkaClient, user: string) {
  const [tokens, intervals] = await Promise.all([planTokenExpiry(client.settings, user), reauthIntervals(client)]);
  const window = sessionWindow(intervals, user);
  const expiring = tokens.changes.length ? `expire its ${tokens.changes.length} delegation token(s), then ` : '';
  return { tokens: tokens.changes, expiring, short: window.short, notes: [tokens.note, window.note, LATE_TOKENS] };
}

/** Describing all users, not one: Kafka answers an unknown user with an error instead of "no credentials". */
async function mechanismsOf(settings: KafkaSettings, user: string): Promise<ScramMechanism[]> {
  return [...((await describeScramUsers(settings)).get(user) ?? [])].sort();
}

export async function planRotate(client: KafkaClient, input: ActionInput<'kafka.credentials.rotate'>, settings: Settings): Promise<Plan> {
  if (!settings.secretSink) {
    throw new KafkaIrError('INVALID_CONFIG', 'kafka.credentials.rotate needs a secret sink to hand the new secret to',
      'set secretSink in the KAFKA_IR_CONFIG file: { type: file, dir: /path } or { type: command, command: [...] }');
  }
  await assertNotProtected(client, input.principal, settings, 'kafka.credentials.rotate');
  const user = input.principal.slice('User:'.length);
  const mechanisms = await mechanismsOf(client.settings, user);
  const doors = await doorsLeft(client, user);
  const changes: Change[] = [...doors.tokens, ...(mechanisms.length ? [{ op: 'scram.rotate' as const, user, mechanisms }] : [])];
  const rotate = mechanisms.length
    ? `replace the ${mechanisms.join(' and ')} secret of ${user} with a new random one, stored in the ${settings.secretSink.type} secret sink`
    : `${user} has no SCRAM credentials to rotate`;
  return {
    action: 'kafka.credentials.rotate',
    summary: changes.length ? `${doors.expiring}${rotate}; ${doors.short}` : `${rotate} and no delegation token: nothing to change`,
    changes,
    inverse: [],
    notes: [
      'Irreversible: the old secret cannot be restored; clients of this user need the new secret from the secret sink.',
      'The new secret is written to the secret sink (keyed by incident and step) before the cluster changes; it is never in the plan, results or logs.',
      ...doors.notes,
    ],
    hash: hashPlan('kafka.credentials.rotate', changes),
  };
}

export async function planRevokeCredentials(client: KafkaClient, input: ActionInput<'kafka.credentials.revoke'>, settings: Settings): Promise<Plan> {
  await assertNotProtected(client, input.principal, settings, 'kafka.credentials.revoke');
  const user = input.principal.slice('User:'.length);
  const deletes: Change[] = (await mechanismsOf(client.settings, user)).map((mechanism) => ({ op: 'scram.delete', user, mechanism }));
  const doors = await doorsLeft(client, user);
  const changes = [...doors.tokens, ...deletes];
  const remove = deletes.length
    ? `delete the ${deletes.map((c) => (c as DeleteChange).mechanism).join(' and ')} credentials of ${user}`
    : `${user} has no SCRAM credentials to delete`;
  return {
    action: 'kafka.credentials.revoke',
    summary: changes.length ? `${doors.expiring}${remove}; ${doors.short}` : `${remove} and no delegation token: nothing to change`,
    changes,
    inverse: [],
    notes: ['Irreversible: the credentials can only be re-created with a new secret.', ...doors.notes],
    hash: hashPlan('kafka.credentials.revoke', changes),
  };
}

async function applyRotate(settings: KafkaSettings, engineSettings: Pick<Settings, 'secretSink' | 'commandEnv'>, c: RotateChange, key: string): Promise<boolean> {
  const present = await mechanismsOf(settings, c.user);
  const missing = c.mechanisms.filter((m) => !present.includes(m));
  if (missing.length) {
    throw new KafkaIrError('PLAN_DRIFT', `${c.user} no longer has ${missing.join(' and ')} credentials, which the plan would rotate`,
      'they were deleted since the plan was made: plan again and review');
  }
  const sink = openSecretSink(engineSettings.secretSink, engineSettings.commandEnv);
  if (!sink) throw new KafkaIrError('INVALID_CONFIG', 'no secretSink is configured any more', 'set secretSink in the KAFKA_IR_CONFIG file and retry');
  // The sink returns the secret an earlier attempt stored under this key, so a retry sets that one.
  const secret = await sink.keep(key, c.user, randomBytes(24).toString('base64url'));
  // SHA-256 first: once the SHA-512 probe succeeds, every planned mechanism has the new secret.
  const ordered = [...c.mechanisms].sort();
  if (await authenticates(settings, c.user, secret, ordered.at(-1)!)) return false;
  for (const mechanism of ordered) await upsertScramCredential(settings, c.user, secret, mechanism);
  return true;
}

/** Applies scram.* changes idempotently; `key` parts come from the step so a retry reuses the sink's secret. */
export async function applyScramChanges(
  settings: KafkaSettings, engineSettings: Settings, changes: Change[], req: { incidentId: string; step: string },
): Promise<{ changed: Change[]; alreadyInPlace: number }> {
  const changed: Change[] = [];
  for (const c of changes.filter((x): x is RotateChange => x.op === 'scram.rotate')) {
    if (await applyRotate(settings, engineSettings, c, secretKey(req.incidentId, req.step))) changed.push(c);
  }
  const deletes = changes.filter((x): x is DeleteChange => x.op === 'scram.delete');
  for (const user of new Set(deletes.map((d) => d.user))) {
    const present = await mechanismsOf(settings, user);
    const doomed = deletes.filter((d) => d.user === user && present.includes(d.mechanism));
    await deleteScramCredentials(settings, user, doomed.map((d) => d.mechanism));
    changed.push(...doomed);
    // Brokers apply the deletion from the metadata log a moment later: the step is done once it is visible, so a
    // baseline or check that follows sees the credential gone.
    for (let i = 0; (await mechanismsOf(settings, user)).some((m) => doomed.some((d) => d.mechanism === m)); i++) {
      if (i >= 50) throw new KafkaIrError('KAFKA_UNAVAILABLE', `deleted the SCRAM credentials of ${user}, but a broker still lists them`, 'it will be retried');
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return { changed, alreadyInPlace: changes.length - changed.length };
}
