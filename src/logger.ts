// The one pino root logger: secrets redacted by path, children carry { component } and then { incidentId, runbook }.
import { pino, type Logger } from 'pino';

const REDACT = [
  'password', '*.password', '*.*.password', 'token', '*.token', '*.*.token', 'secret', '*.secret',
  'authorization', '*.authorization', 'headers.authorization', 'req.headers.authorization', '*.sasl', 'sasl',
  'KAFKA_SASL_PASSWORD', 'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SPLUNK_HEC_TOKEN', 'KAFKA_IR_PAYLOAD_KEY',
  'KAFKA_IR_LINK_SECRET', 'SMTP_URL', 'SLACK_APP_TOKEN', '*.signingSecret', '*.*.signingSecret', '*.appToken', '*.*.appToken',
  '*.smtpUrl', '*.linkSecret',
  'PAGERDUTY_WEBHOOK_SECRET', 'OPSGENIE_WEBHOOK_TOKEN', 'routing_key', '*.routing_key',
  ...['pagerDutySecret', 'opsgenieToken'].flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]),
];

export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  return pino(
    { level: options.level ?? process.env.LOG_LEVEL ?? 'info', redact: { paths: REDACT, censor: '[redacted]' } },
    options.destination ?? process.stderr,
  );
}

export type { Logger };
