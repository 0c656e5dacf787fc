// A connection to ONE named broker (no bootstrap, no routing): for requests whose answer must come from that broker's own state.
import { Connection, GenericError } from '@platformatic/kafka';
import type { KafkaSettings } from '../../src/model/connections.js';
import { KafkaIrError } from '../../src/model/errors.js';
import { mapKafkaError } from './client.js';
import { tlsOptions } from './tls-options.js';

export interface BrokerAddress { id: number; host: string; port: number }

function mapConnectionError(err: unknown, what: string): KafkaIrError {
  if (err instanceof KafkaIrError) return err;
  const code = err instanceof Error && GenericError.isGenericError(err) ? err.code : undefined;
  const detail = `${what}: ${err instanceof Error ? err.message : String(err)}`;
  if (code === 'PLT_KFK_NETWORK' || code === 'PLT_KFK_TIMEOUT') {
    return new KafkaIrError('KAFKA_UNAVAILABLE', detail, 'the broker did not answer; it will be retried', { cause: err });
  }
  if (code === 'PLT_KFK_AUTHENTICATION') {
    return new KafkaIrError('KAFKA_AUTH', detail, 'check KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD and the mechanism', { cause: err });
  }
  return mapKafkaError(err, what);
}

/** Opens an authenticated connection to exactly `broker`, runs `call`, and closes it. */
export async function withBrokerConnection<T>(
  settings: KafkaSettings, broker: BrokerAddress, what: string, call: (c: Connection) => Promise<T>,
): Promise<T> {
  const label = `${what} on broker ${broker.id} (${broker.host}:${broker.port})`;
  const connection = new Connection('kafka-ir', {
    connectTimeout: 5_000,
    requestTimeout: 10_000,
    sasl: settings.sasl
      ? { mechanism: settings.sasl.mechanism.toUpperCase() as 'SCRAM-SHA-512', username: settings.sasl.username, password: settings.sasl.password }
      : undefined,
    tls: tlsOptions(settings),
  });
  try {
    await connection.connect(broker.host, broker.port);
    return await call(connection);
  } catch (err) {
    throw mapConnectionError(err, label);
  } finally {
    await connection.close().catch(() => {});
  }
}
