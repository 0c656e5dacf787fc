// TLS options for @platformatic/kafka connections, from the engine's Kafka settings (files are read when a connection opens).
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { KafkaSettings } from '../../src/model/connections.js';

export function tlsOptions(settings: Pick<KafkaSettings, 'ssl'>): ConnectionOptions | undefined {
  if (typeof settings.ssl !== 'object') return settings.ssl ? {} : undefined;
  return {
    ca: settings.ssl.ca ? readFileSync(settings.ssl.ca, 'utf8') : undefined,
    cert: settings.ssl.cert ? readFileSync(settings.ssl.cert, 'utf8') : undefined,
    key: settings.ssl.key ? readFileSync(settings.ssl.key, 'utf8') : undefined,
  };
}
