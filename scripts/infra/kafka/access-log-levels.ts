// Sets the request and authorizer loggers of running brokers (ConfigCommand): DEBUG for a cluster started before its config had them.
import { alterConfigs, type AdminEnv } from './config-command.js';

/**
 * Levels set this way last until the broker restarts, and the request lines go where the logger's appender is:
 * server.log on a broker whose config predates kafka-request.log. A freshly started broker writes both at DEBUG
 * to their own files (log4j-properties.ts). `level` WARN turns the access records off (to measure their cost).
 */
export function setAccessLogLevels(env: AdminEnv, brokerIds: number[], level: 'DEBUG' | 'WARN' = 'DEBUG'): void {
  alterConfigs(env, brokerIds.map((id) => ({
    args: ['--entity-type', 'broker-loggers', '--entity-name', String(id), '--add-config', `kafka.request.logger=${level},kafka.authorizer.logger=${level}`],
    what: `raising the access loggers of broker ${id}`,
  })));
}
