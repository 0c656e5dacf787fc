// Connections to ONE named broker, or to whichever broker answers first: no bootstrap routing, no client-side metadata cache.
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

function newConnection(settings: KafkaSettings): Connection {
  return new Connection('kafka-ir', {
    connectTimeout: 5_000,
    requestTimeout: 10_000,
    sasl: settings.sasl
      ? { mechanism: settings.sasl.mechanism.toUpperCase() as 'SCRAM-SHA-512', username: settings.sasl.username, password: settings.sasl.password }
      : undefined,
    tls: tlsOptions(settings),
  });
}

/** Opens an authenticated connection to exactly `broker`, runs `call`, and closes it. */
export async function withBrokerConnection<T>(
  settings: KafkaSettings, broker: BrokerAddress, what: string, call: (c: Connection) => Promise<T>,
): Promise<T> {
  const label = `${what} on broker ${broker.id} (${broker.host}:${broker.port})`;
  const connection = newConnection(settings);
  try {
    await connection.connect(broker.host, broker.port);
    return await call(connection);
  } catch (err) {
    throw mapConnectionError(err, label);
  } finally {
    await connection.close().catch(() => {});
  }
}

/**
 * Runs `call` on whichever bootstrap broker signs in first. For requests any broker serves (it forwards writes to
 * the controller, answers reads from its own metadata): a frozen broker accepts TCP and then stays silent, and
 * asking brokers one after another would wait for it every time.
 */
export async function withAnyBroker<T>(settings: KafkaSettings, what: string, call: (c: Connection) => Promise<T>): Promise<T> {
  const attempts = settings.brokers.map((address) => {
    const [host, port] = address.split(':') as [string, string];
    const connection = newConnection(settings);
    return { connection, ready: (connection.connect(host, Number(port)) as Promise<void>).then(() => connection) };
  });
  let chosen: Connection;
  try {
    chosen = await Promise.any(attempts.map((a) => a.ready));
  } catch (err) {
    await Promise.all(attempts.map((a) => a.connection.close().catch(() => {})));
    throw mapConnectionError((err as AggregateError).errors[0], `${what}: no broker of ${settings.brokers.join(', ')} answered`);
  }
  for (const a of attempts) if (a.connection !== chosen) void a.ready.finally(() => a.connection.close()).catch(() => {});
  try {
    return await call(chosen);
  } catch (err) {
    throw mapConnectionError(err, what);
  } finally {
    await chosen.close().catch(() => {});
  }
}
