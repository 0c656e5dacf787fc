// TLS towards Kafka: each certificate problem gives one error naming the setting to fix, for kafkajs and @platformatic/kafka alike (real TLS sockets, a TLS server standing in for a broker).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withBrokerConnection } from '../../../../adapters/kafka/broker-connection.js';
import { KafkaClient } from '../../../../adapters/kafka/client.js';
import { ownPrincipals } from '../../../../adapters/kafka/own-principal.js';
import { tlsOptions } from '../../../../adapters/kafka/tls-options.js';
import type { KafkaSettings, KafkaTls } from '../../../../src/model/connections.js';
import { testPki, type TestPki } from '../../../support/tls-terminator.js';

const SERVER_EXT = 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth';
const CLIENT_EXT = 'extendedKeyUsage=clientAuth';
let good: TestPki; // the brokers' CA
let other: TestPki; // a CA the brokers do not trust
const servers: Server[] = [];

beforeAll(() => {
  good = testPki('brokers CA');
  other = testPki('another CA');
  good.issue('broker', '/CN=broker', SERVER_EXT);
  good.issue('expired-broker', '/CN=broker', SERVER_EXT, { expired: true });
  good.issue('elsewhere', '/CN=broker', 'subjectAltName=DNS:kafka.example.com,IP:10.1.2.3\nextendedKeyUsage=serverAuth');
  good.issue('engine', '/O=kafka-ir/OU=sec/CN=kafka-ir-engine', CLIENT_EXT);
  good.issue('expired-engine', '/CN=kafka-ir-engine', CLIENT_EXT, { expired: true });
  const openssl = (args: string[]) => execFileSync('openssl', args, { cwd: good.dir, stdio: ['ignore', 'ignore', 'pipe'] });
  openssl(['pkey', '-in', 'engine.key', '-aes256', '-passout', 'pass:right-passphrase', '-out', 'engine-encrypted.key']);
  openssl(['pkcs12', '-export', '-in', 'engine.pem', '-inkey', 'engine.key', '-out', 'engine.p12', '-passout', 'pass:right-password']);
  execFileSync('keytool', ['-importcert', '-noprompt', '-alias', 'ca', '-file', 'ca.pem', '-keystore', 'trust.jks', '-storetype', 'JKS', '-storepass', 'changeit'], { cwd: good.dir, stdio: 'ignore' });
});
afterAll(() => { for (const s of servers) s.close(); });

/**
 * A TLS server presenting `cert`; it never speaks Kafka. (A refused client certificate is tested against the dev
 * cluster's mTLS listener: a Node server hangs up without the alert a Java broker sends.)
 */
async function broker(cert: string): Promise<{ address: string }> {
  const server = createServer({ cert: readFileSync(good.file(`${cert}.pem`)), key: readFileSync(good.file(`${cert}.key`)) }, () => {});
  server.on('tlsClientError', () => {});
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { address: `127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const settings = (address: string, ssl: KafkaTls | boolean): KafkaSettings => ({ brokers: [address], ssl });

/** The error each client gives when connecting: kafkajs (the shared admin) and @platformatic/kafka (one broker connection). */
async function failures(s: KafkaSettings): Promise<Error[]> {
  const client = new KafkaClient(s, undefined, 0);
  const [host, port] = s.brokers[0]!.split(':') as [string, string];
  const errors = await Promise.all([
    client.admin().then(() => undefined, (err: Error) => err),
    withBrokerConnection(s, { id: 1, host, port: Number(port) }, 'reading metadata', async () => undefined).then(() => undefined, (err: Error) => err),
  ]);
  await client.close();
  return errors.map((e) => e ?? new Error('connected'));
}

describe('a certificate problem at the broker gives one error naming the setting, for both Kafka clients', () => {
  it('a wrong CA names KAFKA_SSL_CA', async () => {
    const b = await broker('broker');
    for (const err of await failures(settings(b.address, { ca: other.file('ca.pem') }))) {
      expect(err).toMatchObject({ code: 'KAFKA_TLS', retryable: false });
      expect(err.message).toMatch(/not signed by a CA the engine trusts \(.*another|.*ca\.pem\) — set KAFKA_SSL_CA to the PEM CA certificate/);
    }
  });

  it("an expired broker certificate says to renew it on the brokers", async () => {
    const b = await broker('expired-broker');
    for (const err of await failures(settings(b.address, { ca: good.file('ca.pem') }))) {
      expect(err).toMatchObject({ code: 'KAFKA_TLS' });
      expect(err.message).toMatch(/broker's certificate .* is expired or not yet valid — renew it on the brokers \(their ssl\.keystore\.location\)/);
    }
  });

  it('a hostname mismatch names KAFKA_BROKERS and the check, and the check can be turned off', async () => {
    const b = await broker('elsewhere');
    for (const err of await failures(settings(b.address, { ca: good.file('ca.pem') }))) {
      expect(err).toMatchObject({ code: 'KAFKA_TLS' });
      expect(err.message).toMatch(/does not name the host dialled \(.*127\.0\.0\.1.*\) — list the brokers in KAFKA_BROKERS .* KAFKA_SSL_VERIFY_HOSTNAME=false/);
    }
    // Unchecked, the handshake succeeds: what follows is the stand-in's silence (no Kafka behind it), not a TLS error.
    const opts = tlsOptions({ ssl: { ca: good.file('ca.pem'), verifyHostname: false } })!;
    expect(opts.checkServerIdentity!('127.0.0.1', {} as never)).toBeUndefined();
  });

  it('a plaintext listener (which hangs up on a TLS hello, as Kafka does) points at KAFKA_BROKERS, and stays retryable', async () => {
    const server = createNetServer((socket) => socket.on('data', () => socket.destroy()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      for (const err of await failures(settings(`127.0.0.1:${(server.address() as AddressInfo).port}`, true))) {
        expect(err).toMatchObject({ code: 'KAFKA_UNAVAILABLE', retryable: true });
        expect(err.message).toMatch(/hung up during the TLS handshake — if this persists, KAFKA_BROKERS names a plaintext listener/);
      }
    } finally {
      server.close();
    }
  });

  it('names the settings-file path when the TLS settings came from one', async () => {
    const b = await broker('broker');
    const [err] = await failures(settings(b.address, { ca: other.file('ca.pem'), settingsPath: 'clusters.prod.tls' }));
    expect(err!.message).toMatch(/set clusters\.prod\.tls\.ca to/);
  });
});

describe('client key and certificate problems are named before any broker is dialled', () => {
  const make = (ssl: KafkaTls) => () => new KafkaClient(settings('127.0.0.1:1', { ca: good.file('ca.pem'), ...ssl }));

  it('a wrong or missing key passphrase names KAFKA_SSL_KEY_PASSWORD', () => {
    const pem = { cert: good.file('engine.pem'), key: good.file('engine-encrypted.key') };
    expect(make({ ...pem, keyPassword: 'wrong' })).toThrow(/^KAFKA_SSL_KEY_PASSWORD: does not decrypt .*engine-encrypted\.key .* — set it to the passphrase the key was encrypted with$/);
    expect(make(pem)).toThrow(/KAFKA_SSL_KEY_PASSWORD: .* — the key is encrypted: set KAFKA_SSL_KEY_PASSWORD to its passphrase/);
    expect(make({ ...pem, keyPassword: 'right-passphrase' })).not.toThrow();
  });

  it('a wrong PKCS12 password names KAFKA_SSL_KEYSTORE_PASSWORD; the right one opens it', () => {
    expect(make({ keystore: good.file('engine.p12'), keystorePassword: 'wrong' })).toThrow(/^KAFKA_SSL_KEYSTORE_PASSWORD: does not open .*engine\.p12/);
    expect(make({ keystore: good.file('engine.p12'), keystorePassword: 'right-password' })).not.toThrow();
  });

  it('an expired client certificate names KAFKA_SSL_CERT', () => {
    expect(make({ cert: good.file('expired-engine.pem'), key: good.file('expired-engine.key') }))
      .toThrow(/^KAFKA_SSL_CERT: the client certificate \(CN=kafka-ir-engine\) expired on 2020-01-02T00:00:00\.000Z — .*renewed/);
  });

  it('a JKS store is refused with the keytool command that converts it', () => {
    const jks = good.file('trust.jks');
    expect(make({ ca: jks })).toThrow(`KAFKA_SSL_CA: ${jks} is a Java keystore (JKS), not PEM — export its CA certificates as PEM and point KAFKA_SSL_CA at that file: keytool -exportcert -rfc -keystore ${jks}`);
    expect(make({ keystore: jks })).toThrow(`keytool -importkeystore -srckeystore ${jks} -srcstoretype JKS -destkeystore client.p12 -deststoretype PKCS12`);
    // The command it gives works: its output is a CA the engine accepts.
    execFileSync('keytool', ['-exportcert', '-rfc', '-keystore', jks, '-alias', 'ca', '-file', join(good.dir, 'from-jks.pem'), '-storepass', 'changeit'], { stdio: 'ignore' });
    expect(make({ ca: join(good.dir, 'from-jks.pem') })).not.toThrow();
  });

  it('a file that is no PEM is named', () => {
    writeFileSync(join(good.dir, 'garbage.pem'), 'not a certificate');
    expect(make({ ca: join(good.dir, 'garbage.pem') })).toThrow(/^KAFKA_SSL_CA: .*garbage\.pem holds no PEM block/);
  });
});

describe("the engine's own principal under mTLS", () => {
  it('is its subject mapped by the brokers\' rules, from PEM files or a PKCS12 store', () => {
    const rules = 'RULE:^CN=([^,]+),OU=sec(,.*)?$/$1/L,DEFAULT';
    expect(ownPrincipals(settings('127.0.0.1:1', { cert: good.file('engine.pem'), key: good.file('engine.key'), principalMappingRules: rules }))).toEqual(['User:kafka-ir-engine']);
    expect(ownPrincipals(settings('127.0.0.1:1', { keystore: good.file('engine.p12'), keystorePassword: 'right-password', principalMappingRules: rules }))).toEqual(['User:kafka-ir-engine']);
    expect(ownPrincipals(settings('127.0.0.1:1', { keystore: good.file('engine.p12'), keystorePassword: 'right-password', principalMappingRules: 'DEFAULT' })))
      .toEqual(['User:CN=kafka-ir-engine,OU=sec,O=kafka-ir']);
  });

  it('without rules, both the full subject (DEFAULT) and the common name are protected', () => {
    expect(ownPrincipals(settings('127.0.0.1:1', { cert: good.file('engine.pem'), key: good.file('engine.key') })))
      .toEqual(['User:CN=kafka-ir-engine,OU=sec,O=kafka-ir', 'User:kafka-ir-engine']);
  });

  it('under SASL_SSL it is the SASL user, whatever certificate is presented', () => {
    expect(ownPrincipals({ ...settings('127.0.0.1:1', { cert: good.file('engine.pem'), key: good.file('engine.key') }), sasl: { mechanism: 'scram-sha-512', username: 'ir', password: 'x' } }))
      .toEqual(['User:ir']);
  });
});
