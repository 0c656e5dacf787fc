// The default (user, client id) fetch and request quotas, set far above any real use, so brokers keep per-principal rates.
import { alterConfigs, type AdminEnv } from './config-command.js';

/**
 * Kafka records `kafka.server:type=Fetch,user=…,client-id=…` byte-rate (and type=Request request-time) only once a
 * client quota of that kind exists; a default quota on every (user, client id) pair makes the sensors exist for
 * everyone (detection/README.md). 1 TiB/s and 1,000,000 % of a thread throttle nothing. A quota set on a user, or on
 * a user and client id, still takes precedence over it (KIP-55); only one on a client id alone ranks below it.
 */
export const DEFAULT_QUOTAS = 'consumer_byte_rate=1099511627776,request_percentage=1000000';

/** Idempotent: ConfigCommand sets the same value again. */
export function ensureDefaultQuota(env: AdminEnv): void {
  alterConfigs(env, [{
    args: ['--entity-type', 'users', '--entity-default', '--entity-type', 'clients', '--entity-default', '--add-config', DEFAULT_QUOTAS],
    what: 'setting the default (user, client id) quotas that make the per-principal rates exist',
  }]);
}
