// SCRAM credentials (KIP-554), which kafkajs lacks: described and altered through @platformatic/kafka's protocol calls.
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { ScramMechanisms, alterUserScramCredentialsV0, describeUserScramCredentialsV0 } from '@platformatic/kafka';
import type { KafkaSettings } from '../../src/model/connections.js';
import type { ScramMechanism } from '../../src/model/credentials.js';
import { KafkaIrError } from '../../src/model/errors.js';
import { withAnyBroker } from './broker-connection.js';

const ITERATIONS = 8192;
const DIGEST = { 'SCRAM-SHA-256': { algorithm: 'sha256', bytes: 32 }, 'SCRAM-SHA-512': { algorithm: 'sha512', bytes: 64 } } as const;

/** The SCRAM mechanisms each named user has credentials for. */
export async function describeScramUsers(settings: KafkaSettings, users?: string[]): Promise<Map<string, ScramMechanism[]>> {
  const res = await withAnyBroker(settings, 'describing SCRAM users', (c) =>
    describeUserScramCredentialsV0.api.async(c, users?.map((name) => ({ name })) ?? null as never));
  const names = Object.fromEntries(Object.entries(ScramMechanisms).map(([k, v]) => [v, k])) as Record<number, string>;
  return new Map(res.results.filter((r) => r.errorCode === 0).map((r) => [
    r.user, r.credentialInfos.map((i) => names[i.mechanism]!.replace(/_/g, '-') as ScramMechanism),
  ]));
}

/** Sets (creates or replaces) a user's SCRAM credential; the password never leaves this function except salted. */
export async function upsertScramCredential(settings: KafkaSettings, user: string, password: string, mechanism: ScramMechanism = 'SCRAM-SHA-512'): Promise<void> {
  const salt = randomBytes(32);
  const { algorithm, bytes } = DIGEST[mechanism];
  const saltedPassword = pbkdf2Sync(password, salt, ITERATIONS, bytes, algorithm);
  const code = mechanism === 'SCRAM-SHA-512' ? ScramMechanisms.SCRAM_SHA_512 : ScramMechanisms.SCRAM_SHA_256;
  const res = await withAnyBroker(settings, `setting SCRAM credentials of ${user}`, (c) =>
    alterUserScramCredentialsV0.api.async(c, [], [{ name: user, mechanism: code, iterations: ITERATIONS, salt, saltedPassword }]));
  const failed = res.results.find((r) => r.errorCode !== 0);
  if (failed) throw new KafkaIrError('KAFKA_REJECTED', `setting SCRAM credentials of ${user}: ${failed.errorMessage ?? `error ${failed.errorCode}`}`);
}

/** Deletes a user's SCRAM credentials for the given mechanisms; a credential already gone is not an error. */
export async function deleteScramCredentials(settings: KafkaSettings, user: string, mechanisms: ScramMechanism[]): Promise<void> {
  if (!mechanisms.length) return;
  const res = await withAnyBroker(settings, `deleting SCRAM credentials of ${user}`, (c) =>
    alterUserScramCredentialsV0.api.async(c, mechanisms.map((m) => ({
      name: user, mechanism: m === 'SCRAM-SHA-512' ? ScramMechanisms.SCRAM_SHA_512 : ScramMechanisms.SCRAM_SHA_256,
    })), []));
  // 91 RESOURCE_NOT_FOUND: no such credential (already deleted).
  const failed = res.results.find((r) => r.errorCode !== 0 && r.errorCode !== 91);
  if (failed) throw new KafkaIrError('KAFKA_REJECTED', `deleting SCRAM credentials of ${user}: ${failed.errorMessage ?? `error ${failed.errorCode}`}`);
}
