// The one Kafka module: every connection kafka-ir makes goes through here, and so does the mapping of Kafka errors.
import { Kafka, logLevel, type Admin, type KafkaConfig, type SASLOptions } from 'kafkajs';
import type { Logger } from 'pino';
import type { KafkaSettings } from '../../src/model/connections.js';
import { KafkaIrError } from '../../src/model/errors.js';
import { ownPrincipals } from './own-principal.js';
import { tlsFailure, tlsOptions } from './tls-options.js';

export function kafkaJsConfig(settings: KafkaSettings, clientId: string, log?: Logger, retries = 1): KafkaConfig {
  return {
    clientId,
    brokers: settings.brokers,
    // The same options as the @platformatic/kafka connections get.
    ssl: tlsOptions(settings) ?? false,
    sasl: settings.sasl as SASLOptions | undefined,
    connectionTimeout: 5_000,
    // Temporal owns retries (docs/design.md §5): by default at most one quick retry inside the client.
    retry: { retries, initialRetryTime: 200 },
    logLevel: logLevel.WARN,
    logCreator: () => ({ namespace, level, log: entry }) => {
      if (!log) return;
      const { message, ...rest } = entry;
      const fields = { component: 'kafkajs', namespace, broker: rest.broker, error: rest.error };
      if (level === logLevel.ERROR) log.error(fields, message);
      else log.warn(fields, message);
    },
  };
}

/** A kafkajs client of its own (client id, log, retries), for producers and consumers beside the engine's shared admin. */
export function kafkaJsClient(settings: KafkaSettings, clientId: string, log?: Logger, retries = 1): Kafka {
  return new Kafka(kafkaJsConfig(settings, clientId, log, retries));
}

export class KafkaClient {
  readonly kafka: Kafka;
  private adminPromise?: Promise<Admin>;
  private own?: string[];

  /** Throws INVALID_CONFIG naming the setting when a TLS file is unusable (wrong passphrase, expired certificate, a JKS store). */
  constructor(readonly settings: KafkaSettings, private readonly log?: Logger, retries?: number) {
    this.kafka = kafkaJsClient(settings, 'kafka-ir', log, retries);
  }

  /** The engine's own principal as named in logs and evidence: its SASL user or its certificate's subject. */
  get principal(): string | undefined {
    return this.ownPrincipals[0];
  }

  /** Every name the brokers may know the engine by (adapters/kafka/own-principal.ts): never acted on. */
  get ownPrincipals(): string[] {
    this.own ??= ownPrincipals(this.settings);
    return this.own;
  }

  /** One admin connection, opened on first use and shared. */
  admin(): Promise<Admin> {
    this.adminPromise ??= (async () => {
      const admin = this.kafka.admin();
      try {
        await admin.connect();
      } catch (err) {
        this.adminPromise = undefined;
        throw mapKafkaError(err, 'connecting to Kafka', this.settings.ssl);
      }
      return admin;
    })();
    return this.adminPromise;
  }

  /** Runs an admin call, mapping Kafka's errors to ones a person can act on. */
  async withAdmin<T>(what: string, call: (admin: Admin) => Promise<T>): Promise<T> {
    const admin = await this.admin();
    try {
      return await call(admin);
    } catch (err) {
      throw mapKafkaError(err, what, this.settings.ssl);
    }
  }

  async close(): Promise<void> {
    const admin = this.adminPromise;
    this.adminPromise = undefined;
    if (admin) await (await admin.catch(() => undefined))?.disconnect();
  }
}

interface KafkaJsErrorShape { name?: string; type?: string; retriable?: boolean; message?: string }

/** `ssl`: the connection's TLS settings, so a certificate problem is reported as the setting to fix. */
export function mapKafkaError(err: unknown, what: string, ssl: KafkaSettings['ssl'] = false): KafkaIrError {
  if (err instanceof KafkaIrError) return err;
  const tls = tlsFailure(err, ssl, what);
  if (tls) return tls;
  const e = (err ?? {}) as KafkaJsErrorShape;
  const detail = `${what}: ${e.message ?? String(err)}`;
  if (e.type === 'SASL_AUTHENTICATION_FAILED' || e.name === 'KafkaJSSASLAuthenticationError') {
    return new KafkaIrError('KAFKA_AUTH', detail, 'check KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD and the mechanism', { cause: err });
  }
  if (e.type?.endsWith('AUTHORIZATION_FAILED')) {
    return new KafkaIrError('KAFKA_AUTH', detail, "grant the engine's principal the ACLs listed in the operations guide (or make it a super user)", { cause: err });
  }
  if (e.retriable || e.name === 'KafkaJSConnectionError' || e.name === 'KafkaJSNumberOfRetriesExceeded' || e.name === 'KafkaJSRequestTimeoutError' || e.name === 'KafkaJSBrokerNotFound') {
    return new KafkaIrError('KAFKA_UNAVAILABLE', detail, 'Kafka did not answer; it will be retried', { cause: err });
  }
  return new KafkaIrError('KAFKA_REJECTED', detail, undefined, { cause: err });
}
