// The fixed loopback ports of the dev infrastructure, and probes for free and listening ports.
import { createConnection, createServer } from 'node:net';

export const HOST = '127.0.0.1';

export const PORTS = {
  /** Client (SASL_PLAINTEXT) listener of node id n is kafkaClient + n - 1. */
  kafkaClient: 19092,
  /** Controller (SASL PLAIN) listener of node id n is kafkaController + n - 1; never given to clients. */
  kafkaController: 19192,
  /** The second dev cluster's one node (`up --clusters 2`): client and controller listeners. */
  secondClient: 19592,
  secondController: 19692,
  /** `up --tls`: SASL_SSL listener of node id n is kafkaSaslSsl + n - 1, SSL with client certificates kafkaMtls + n - 1. */
  kafkaSaslSsl: 19292,
  kafkaMtls: 19392,
  /** First choice for startExtraBroker; the next free pair is taken when busy. */
  extraClient: 19095,
  extraController: 19195,
  /** Prometheus JMX exporter (/metrics) of node id n is kafkaMetrics + n - 1. */
  kafkaMetrics: 19492,
  temporalGrpc: 17233,
  temporalHttp: 17234,
  temporalMetrics: 17235,
} as const;

export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: HOST, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export function isListening(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: HOST });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** A port the OS considers free right now (another process may still take it before we bind). */
export function ephemeralPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: HOST }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
