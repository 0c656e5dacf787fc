// Connections signed in as a user other than the engine: whether a secret authenticates, and what that user's client is refused.
import { Connection, metadataV12 } from '@platformatic/kafka';
import type { KafkaSettings } from '../../src/model/connections.js';
import type { ScramMechanism } from '../../src/model/credentials.js';
import { tlsOptions } from './tls-options.js';

export interface UserCredentials { username: string; password: string; mechanism: ScramMechanism }
export interface UserConnection {
  /** Whether the broker refuses this user the topic's metadata (TOPIC_AUTHORIZATION_FAILED), as a client would see it. */
  topicRefused(topic: string): Promise<boolean>;
  close(): Promise<void>;
}

const TOPIC_AUTHORIZATION_FAILED = 29;

/** An authenticated connection to one broker as `user`, over the transport of `settings`; rejects when it cannot sign in. */
export async function connectAs(
  settings: Pick<KafkaSettings, 'ssl'>, clientId: string, broker: { host: string; port: number }, user: UserCredentials,
  timeouts: { connectTimeout?: number; requestTimeout?: number } = {},
): Promise<UserConnection> {
  const connection = new Connection(clientId, { ...timeouts, sasl: user, tls: tlsOptions(settings) });
  // Failures reach the caller through connect() and requests; a late 'error' event must not end the process.
  connection.on('error', () => {});
  try {
    await connection.connect(broker.host, broker.port);
  } catch (err) {
    await connection.close().catch(() => {});
    throw err;
  }
  return {
    async topicRefused(topic) {
      try {
        const res = await metadataV12.api.async(connection, [topic], false, false);
        return res.topics[0]?.errorCode === TOPIC_AUTHORIZATION_FAILED;
      } catch (err) {
        return /authoriz/i.test(String((err as Error).message) + JSON.stringify((err as { errors?: unknown }).errors ?? ''));
      }
    },
    close: () => connection.close(),
  };
}

/** Whether `secret` already authenticates `user` (a fresh SASL handshake against a bootstrap broker). */
export async function authenticates(settings: KafkaSettings, user: string, secret: string, mechanism: ScramMechanism): Promise<boolean> {
  for (const broker of settings.brokers) {
    const [host, port] = broker.split(':') as [string, string];
    try {
      const connection = await connectAs(settings, 'kafka-ir-probe', { host, port: Number(port) },
        { username: user, password: secret, mechanism }, { connectTimeout: 5_000, requestTimeout: 10_000 });
      await connection.close().catch(() => {});
      return true;
    } catch {
      // Any failure reads as "not in place": the applier then sets the same secret again, which is harmless.
    }
  }
  return false;
}
