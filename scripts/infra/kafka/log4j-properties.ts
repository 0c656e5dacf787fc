// Logging configs in both dialects (reload4j for Kafka 3.x, log4j2 for 4.x): brokers log to files, access records to their own, tools warn on stderr.
import { ADMIN_APIS } from '../../../src/model/access-records.js';

const PATTERN = '[%d] %p %m (%c)%n';
/** Access records carry the UTC offset: brokers in any time zone give unambiguous times. */
const ACCESS_PATTERN = '[%d{yyyy-MM-dd HH:mm:ss,SSSZ}] %p %m (%c)%n';

/** The requests that say who read, wrote or used a group (and CreateTopics/DeleteTopics, which name topic ids). */
export const ACCESS_REQUESTS = [
  'FETCH', 'LIST_OFFSETS', 'OFFSET_COMMIT', 'OFFSET_FETCH', 'JOIN_GROUP', 'SYNC_GROUP', 'PRODUCE', 'CREATE_TOPICS', 'DELETE_TOPICS',
] as const;

/**
 * Every request type the request log keeps: those that show access, and the administrative ones the backdoor hunt
 * reads (kafka.admin.audit), whose lines hold secrets — hence the files' permissions (docs/access-records.md).
 */
export const LOGGED_REQUESTS = [...new Set([...ACCESS_REQUESTS, ...ADMIN_APIS])];

export const REQUEST_LOG = 'kafka-request.log';
export const AUTHORIZER_LOG = 'kafka-authorizer.log';

export interface BrokerLogFiles {
  /** server.log; may be a log4j variable such as ${kafka.logs.dir}. */
  logDir: string;
  /** kafka-request.log and kafka-authorizer.log (default: logDir). */
  accessLogDir?: string;
  /** The brokers' own principal: its allowed CLUSTER_ACTIONs (replication, heartbeats) are left out. */
  brokerPrincipal?: string;
}

/** Access files: large and many, so 24 h of a busy broker stay on disk for an investigation. */
const ACCESS_ROLL = { size: '100MB', keep: 10 };
/** A follower's fetches (Fetch v15+ names the replica in replicaState) are replication, not reads. */
const FOLLOWER_FETCH = '"replicaState":{';
/** A KRaft controller logs each admin request a broker forwards to it again: the broker's own line names the client. */
const FORWARDED = '"isForwarded":true';

/** Broker logs in reload4j syntax: server.log, and the request and authorizer access records in their own files. */
export function brokerLog4jProperties(files: BrokerLogFiles): string {
  const accessDir = files.accessLogDir ?? files.logDir;
  const appender = (name: string, file: string, size: string, keep: number, pattern: string) => [
    `log4j.appender.${name}=org.apache.log4j.RollingFileAppender`,
    `log4j.appender.${name}.File=${file}`,
    `log4j.appender.${name}.MaxFileSize=${size}`,
    `log4j.appender.${name}.MaxBackupIndex=${keep}`,
    `log4j.appender.${name}.layout=org.apache.log4j.PatternLayout`,
    `log4j.appender.${name}.layout.ConversionPattern=${pattern}`,
  ];
  // reload4j applies an appender's filters in the order of their ids: the first DENY or ACCEPT decides.
  const filter = (name: string, id: number, text: string, accept: boolean) => [
    `log4j.appender.${name}.filter.${String(id).padStart(2, '0')}=org.apache.log4j.varia.StringMatchFilter`,
    `log4j.appender.${name}.filter.${String(id).padStart(2, '0')}.StringToMatch=${text}`,
    `log4j.appender.${name}.filter.${String(id).padStart(2, '0')}.AcceptOnMatch=${accept}`,
  ];
  const brokerLines = files.brokerPrincipal ? `Principal = ${files.brokerPrincipal} is Allowed operation = CLUSTER_ACTION` : undefined;
  return [
    'log4j.rootLogger=INFO, server',
    ...appender('server', `${files.logDir}/server.log`, '10MB', 2, PATTERN),

    ...appender('requests', `${accessDir}/${REQUEST_LOG}`, ACCESS_ROLL.size, ACCESS_ROLL.keep, ACCESS_PATTERN),
    ...filter('requests', 1, FOLLOWER_FETCH, false),
    ...filter('requests', 2, FORWARDED, false),
    ...LOGGED_REQUESTS.flatMap((api, i) => filter('requests', i + 3, `"requestApiKeyName":"${api}"`, true)),
    'log4j.appender.requests.filter.99=org.apache.log4j.varia.DenyAllFilter',
    'log4j.logger.kafka.request.logger=DEBUG, requests',
    'log4j.additivity.kafka.request.logger=false',

    ...appender('authorizer', `${accessDir}/${AUTHORIZER_LOG}`, ACCESS_ROLL.size, ACCESS_ROLL.keep, ACCESS_PATTERN),
    ...(brokerLines ? filter('authorizer', 1, brokerLines, false) : []),
    'log4j.logger.kafka.authorizer.logger=DEBUG, authorizer',
    'log4j.additivity.kafka.authorizer.logger=false',

    'log4j.logger.state.change.logger=WARN',
    'log4j.logger.org.apache.kafka.clients=WARN',
    '',
  ].join('\n');
}

/** The same files, filters and levels in log4j2 properties syntax. */
export function brokerLog4j2Properties(files: BrokerLogFiles): string {
  const accessDir = files.accessLogDir ?? files.logDir;
  const appender = (name: string, file: string, size: string, keep: number, pattern: string) => [
    `appender.${name}.type=RollingFile`,
    `appender.${name}.name=${name}`,
    `appender.${name}.fileName=${file}`,
    `appender.${name}.filePattern=${file}.%i`,
    `appender.${name}.layout.type=PatternLayout`,
    `appender.${name}.layout.pattern=${pattern}`,
    `appender.${name}.policies.type=Policies`,
    `appender.${name}.policies.size.type=SizeBasedTriggeringPolicy`,
    `appender.${name}.policies.size.size=${size}`,
    `appender.${name}.strategy.type=DefaultRolloverStrategy`,
    `appender.${name}.strategy.max=${keep}`,
  ];
  const logger = (id: string, name: string, level: string) => [`logger.${id}.name=${name}`, `logger.${id}.level=${level}`];
  // One regex, so no filter order to rely on: a listed request type, neither a follower's fetch nor a forwarded copy.
  const requests = `^(?!.*(?:"replicaState":[{]|"isForwarded":true)).*"requestApiKeyName":"(?:${LOGGED_REQUESTS.join('|')})".*$`;
  const brokerLines = files.brokerPrincipal ? `Principal = ${files.brokerPrincipal} is Allowed operation = CLUSTER_ACTION` : undefined;
  return [
    'status=warn',
    ...appender('server', `${files.logDir}/server.log`, '10MB', 2, PATTERN),
    ...appender('requests', `${accessDir}/${REQUEST_LOG}`, ACCESS_ROLL.size, ACCESS_ROLL.keep, ACCESS_PATTERN),
    'appender.requests.filter.access.type=RegexFilter',
    `appender.requests.filter.access.regex=${requests}`,
    'appender.requests.filter.access.onMatch=ACCEPT',
    'appender.requests.filter.access.onMismatch=DENY',
    ...appender('authorizer', `${accessDir}/${AUTHORIZER_LOG}`, ACCESS_ROLL.size, ACCESS_ROLL.keep, ACCESS_PATTERN),
    ...(brokerLines ? [
      'appender.authorizer.filter.brokers.type=StringMatchFilter',
      `appender.authorizer.filter.brokers.text=${brokerLines}`,
      'appender.authorizer.filter.brokers.onMatch=DENY',
      'appender.authorizer.filter.brokers.onMismatch=NEUTRAL',
    ] : []),
    'rootLogger.level=INFO',
    'rootLogger.appenderRef.server.ref=server',
    ...logger('request', 'kafka.request.logger', 'DEBUG'),
    'logger.request.additivity=false',
    'logger.request.appenderRef.requests.ref=requests',
    ...logger('authorizer', 'kafka.authorizer.logger', 'DEBUG'),
    'logger.authorizer.additivity=false',
    'logger.authorizer.appenderRef.authorizer.ref=authorizer',
    ...logger('statechange', 'state.change.logger', 'WARN'),
    ...logger('clients', 'org.apache.kafka.clients', 'WARN'),
    '',
  ].join('\n');
}

/** For StorageTool and the admin CLIs (reload4j): only warnings, on stderr. */
export function toolsLog4jProperties(): string {
  return [
    'log4j.rootLogger=WARN, stderr',
    'log4j.appender.stderr=org.apache.log4j.ConsoleAppender',
    'log4j.appender.stderr.Target=System.err',
    'log4j.appender.stderr.layout=org.apache.log4j.PatternLayout',
    `log4j.appender.stderr.layout.ConversionPattern=${PATTERN}`,
    '',
  ].join('\n');
}

/** For StorageTool and the admin CLIs (log4j2): only warnings, on stderr. */
export function toolsLog4j2Properties(): string {
  return [
    'status=warn',
    'appender.stderr.type=Console',
    'appender.stderr.name=stderr',
    'appender.stderr.target=SYSTEM_ERR',
    'appender.stderr.layout.type=PatternLayout',
    `appender.stderr.layout.pattern=${PATTERN}`,
    'rootLogger.level=WARN',
    'rootLogger.appenderRef.stderr.ref=stderr',
    '',
  ].join('\n');
}
