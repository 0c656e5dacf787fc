// Logging configs in both dialects (reload4j for Kafka 3.x, log4j2 for 4.x): brokers log to files, tools warn on stderr.

const PATTERN = '[%d] %p %m (%c)%n';

/** Broker logs in reload4j syntax: server.log, and the authorizer's decisions (denials at INFO) in authorizer.log. */
export function brokerLog4jProperties(logDir: string): string {
  const appender = (name: string, file: string) => [
    `log4j.appender.${name}=org.apache.log4j.RollingFileAppender`,
    `log4j.appender.${name}.File=${logDir}/${file}`,
    `log4j.appender.${name}.MaxFileSize=10MB`,
    `log4j.appender.${name}.MaxBackupIndex=2`,
    `log4j.appender.${name}.layout=org.apache.log4j.PatternLayout`,
    `log4j.appender.${name}.layout.ConversionPattern=${PATTERN}`,
  ];
  return [
    'log4j.rootLogger=INFO, server',
    ...appender('server', 'server.log'),
    ...appender('authorizer', 'authorizer.log'),
    'log4j.logger.kafka.authorizer.logger=INFO, authorizer',
    'log4j.additivity.kafka.authorizer.logger=false',
    'log4j.logger.state.change.logger=WARN',
    'log4j.logger.kafka.request.logger=WARN',
    'log4j.logger.org.apache.kafka.clients=WARN',
    '',
  ].join('\n');
}

/** The same files and levels in log4j2 properties syntax. */
export function brokerLog4j2Properties(logDir: string): string {
  const appender = (name: string, file: string) => [
    `appender.${name}.type=RollingFile`,
    `appender.${name}.name=${name}`,
    `appender.${name}.fileName=${logDir}/${file}`,
    `appender.${name}.filePattern=${logDir}/${file}.%i`,
    `appender.${name}.layout.type=PatternLayout`,
    `appender.${name}.layout.pattern=${PATTERN}`,
    `appender.${name}.policies.type=Policies`,
    `appender.${name}.policies.size.type=SizeBasedTriggeringPolicy`,
    `appender.${name}.policies.size.size=10MB`,
    `appender.${name}.strategy.type=DefaultRolloverStrategy`,
    `appender.${name}.strategy.max=2`,
  ];
  const logger = (id: string, name: string, level: string) => [`logger.${id}.name=${name}`, `logger.${id}.level=${level}`];
  return [
    'status=warn',
    ...appender('server', 'server.log'),
    ...appender('authorizer', 'authorizer.log'),
    'rootLogger.level=INFO',
    'rootLogger.appenderRef.server.ref=server',
    ...logger('authorizer', 'kafka.authorizer.logger', 'INFO'),
    'logger.authorizer.additivity=false',
    'logger.authorizer.appenderRef.authorizer.ref=authorizer',
    ...logger('statechange', 'state.change.logger', 'WARN'),
    ...logger('request', 'kafka.request.logger', 'WARN'),
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
