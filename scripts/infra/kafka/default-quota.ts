// The default (user, client id) fetch quota, set far above any real rate, so brokers keep per-principal byte rates.
import { alterConfigs, type AdminEnv } from './config-command.js';

/**
 * Kafka records `kafka.server:type=Fetch,user=…,client-id=…` byte-rate only once some client quota exists; a default
 * quota on every (user, client id) pair makes that sensor exist for everyone (detection/README.md). 1 TiB/s throttles
 * nothing. A quota set on a user, or on a user and client id, still takes precedence over it (KIP-55); only a quota
 * on a client id alone ranks below it.
 */
export const DEFAULT_CONSUMER_BYTE_RATE = 2 ** 40;

/** Idempotent: ConfigCommand sets the same value again. */
export function ensureDefaultQuota(env: AdminEnv): void {
  alterConfigs(env, [{
    args: ['--entity-type', 'users', '--entity-default', '--entity-type', 'clients', '--entity-default', '--add-config', `consumer_byte_rate=${DEFAULT_CONSUMER_BYTE_RATE}`],
    what: 'setting the default (user, client id) fetch quota that makes the per-principal byte rates exist',
  }]);
}
