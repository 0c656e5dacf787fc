// Connections to ONE named broker, or to whichever broker answers first: no bootstrap routing, no client-side metadata cache.
import { Connection, GenericError } from '@platformatic/kafka';
import type { KafkaSettings } from '../../src/model/connections.js';
import { KafkaIrError } from '../../src/model/errors.js';
import { mapKafkaError } from './client.js';
import { tlsFailure, tlsOptions } from './tls-options.js';

export interface BrokerAddress { id: number; host: string; port: number }

function mapConnectionError(err: unknown, what: string, ssl: KafkaSettings['ssl']): KafkaIrError {
  if (err instanceof KafkaIrError) return err;
  const tls = tlsFailure(err, ssl, what);
  if (tls) return tls;
  const code = err instanceof Error && GenericError.isGenericError(err) ? err.code : undefined;
  const detail = `${what}: ${err instanceof Error ? err.message : String(err)}`;
  if (code === 'PLT_KFK_NETWORK' || code === 'PLT_KFK_TIMEOUT') {
    return new KafkaIrError('KAFKA_UNAVAILABLE', detail, 'the broker did not answer; it will be retried', { cause: err });
  }
  if (code === 'PLT_KFK_AUTHENTICATION') {
    return new KafkaIrError('KAFKA_AUTH', detail, 'check KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD and the mechanism', { cause: err });
  }
  return mapKafkaError(err, what, ssl);
}

function newConnection(settings: KafkaSettings): Connection {
  const connection = new Connection('kafka-ir', {
    connectTimeout: 5_000,
    requestTimeout: 10_000,
    sasl: settings.sasl
      ? { mechanism: settings.sasl.mechanism.toUpperCase() as 'SCRAM-SHA-512', username: settings.sasl.username, password: settings.sasl.password }
      : undefined,
    tls: tlsOptions(settings),
  });
  // Failures reach the caller through connect() and each request; a connection that fails during sign-in also
  // emits 'error' once its connect() has already settled, which without a listener would end the process.
  connection.on('error', () => {});
  return connection;
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
    throw mapConnectionError(err, label, settings.ssl);
  } finally {
    await connection.close().catch(() => {});
  }
}

/** How long a broker has to sign in before the next one on the list is tried alongside it. */
const NEXT_BROKER_AFTER_MS = 2_000;

/**
 * The first bootstrap broker that signs in, trying them in order but starting the next one when a broker fails
 * or stays silent for a moment: a frozen broker accepts TCP and then says nothing until the request times out.
 * In order, so that successive reads normally ask the same broker and see its writes in sequence.
 */
function firstToSignIn(settings: KafkaSettings, what: string): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const opened: Connection[] = [];
    const errors: unknown[] = [];
    let chosen: Connection | undefined;
    let timer: NodeJS.Timeout | undefined;
    const start = () => {
      clearTimeout(timer);
      const address = settings.brokers[opened.length];
      if (chosen || address === undefined) return;
      const [host, port] = address.split(':') as [string, string];
      const connection = newConnection(settings);
      opened.push(connection);
      timer = setTimeout(start, NEXT_BROKER_AFTER_MS);
      (connection.connect(host, Number(port)) as Promise<void>).then(() => {
        if (chosen) return void connection.close().catch(() => {});
        chosen = connection;
        clearTimeout(timer);
        resolve(connection);
      }, (err: unknown) => {
        void connection.close().catch(() => {});
        errors.push(err);
        if (errors.length === settings.brokers.length) {
          reject(mapConnectionError(errors[0], `${what}: no broker of ${settings.brokers.join(', ')} answered`, settings.ssl));
        } else if (errors.length === opened.length) {
          start();
        }
      });
    };
    start();
  });
}

/**
 * Runs `call` on a broker that signs in (firstToSignIn). For requests any broker serves: it forwards writes to
 * the controller and answers reads from its own metadata image.
 */
export async function withAnyBroker<T>(settings: KafkaSettings, what: string, call: (c: Connection) => Promise<T>): Promise<T> {
  const connection = await firstToSignIn(settings, what);
  try {
    return await call(connection);
  } catch (err) {
    throw mapConnectionError(err, what, settings.ssl);
  } finally {
    await connection.close().catch(() => {});
  }
}
