// How the engine connects to Temporal: TLS, mTLS and API key options for both of its connections, and the refusal of plain TCP beyond loopback.
import { readFileSync } from 'node:fs';
import { defaultGrpcRetryOptions, makeGrpcRetryInterceptor, type TLSConfig } from '@temporalio/client';
import type { TemporalConnectionSettings } from '../model/connections.js';
import { KafkaIrError } from '../model/errors.js';

export const LOOPBACK_HOST = /^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\])$/;

/** The options `Connection.connect` (client) and `NativeConnection.connect` (worker) share. */
export interface TemporalConnectOptions { address: string; tls?: TLSConfig; apiKey?: string }

function pem(variable: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new KafkaIrError('INVALID_CONFIG', `${variable}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      'point it at a readable PEM file');
  }
}

/**
 * Temporal access is control of every incident (a client can start, signal and update workflows), so an address
 * beyond loopback is refused without TLS unless TEMPORAL_ALLOW_PLAINTEXT says the network is private.
 */
export function temporalConnectOptions(settings: TemporalConnectionSettings & { address: string }): TemporalConnectOptions {
  const host = settings.address.slice(0, settings.address.lastIndexOf(':'));
  if (settings.tls === false && !LOOPBACK_HOST.test(host) && !settings.allowPlaintext) {
    throw new KafkaIrError('INVALID_CONFIG', `TEMPORAL_ADDRESS=${settings.address} is beyond loopback and the connection has no TLS`,
      'set TEMPORAL_TLS=true (or TEMPORAL_TLS_CA, and TEMPORAL_TLS_CERT with TEMPORAL_TLS_KEY for mTLS, or TEMPORAL_API_KEY); '
      + 'only on a private network nobody else reaches, set TEMPORAL_ALLOW_PLAINTEXT=true');
  }
  const tls: TLSConfig | undefined = settings.tls === false ? undefined : settings.tls === true ? {} : {
    ...(settings.tls.ca ? { serverRootCACertificate: pem('TEMPORAL_TLS_CA', settings.tls.ca) } : {}),
    ...(settings.tls.cert && settings.tls.key
      ? { clientCertPair: { crt: pem('TEMPORAL_TLS_CERT', settings.tls.cert), key: pem('TEMPORAL_TLS_KEY', settings.tls.key) } }
      : {}),
    ...(settings.tls.serverName ? { serverNameOverride: settings.tls.serverName } : {}),
  };
  return { address: settings.address, ...(tls ? { tls } : {}), ...(settings.apiKey ? { apiKey: settings.apiKey } : {}) };
}

/** gRPC RESOURCE_EXHAUSTED: an incident with ten updates in flight, or a rate limit. */
const BUSY = 8;

/**
 * The client connection's gRPC retries: Temporal's defaults, except that "busy" is retried 4 times (about 6 s, which
 * rides out a burst of alerts or votes on one incident) rather than 10 (about 45 s), so under a flood the HTTP edge
 * answers 429 with Retry-After while its caller (a person, Alertmanager) still waits.
 */
export function clientInterceptors() {
  const defaults = defaultGrpcRetryOptions();
  return [makeGrpcRetryInterceptor({
    ...defaults,
    retryableDecider: (attempt, status) => (status.code === BUSY ? attempt < 4 : defaults.retryableDecider(attempt, status)),
  })];
}
