// Configuration errors name each bad variable and what to do, and never echo a value.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';

describe('loadConfig', () => {
  it('lists every bad variable without its value', () => {
    let message = '';
    try {
      loadConfig({ KAFKA_BROKERS: 'kafka-1', KAFKA_SASL_MECHANISM: 'scram-sha-1', KAFKA_SASL_PASSWORD: 'hunter2-secret', KAFKA_IR_PORT: 'http' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('KAFKA_BROKERS: expected host:port');
    expect(message).toContain('KAFKA_SASL_MECHANISM');
    expect(message).toContain('KAFKA_IR_PORT');
    expect(message).not.toContain('hunter2-secret');
    expect(message).not.toContain('kafka-1');
  });

  it('explains a missing KAFKA_BROKERS', () => {
    expect(() => loadConfig({})).toThrow(/KAFKA_BROKERS: is not set: the Kafka bootstrap brokers/);
  });

  it('reads a valid environment with its defaults', () => {
    const config = loadConfig({ KAFKA_BROKERS: '127.0.0.1:19092, 127.0.0.1:19093', KAFKA_IR_RUNBOOKS: 'a:b' });
    expect(config.kafka.brokers).toEqual(['127.0.0.1:19092', '127.0.0.1:19093']);
    expect(config.runbookDirs).toEqual(['a', 'b']);
    expect(config.temporal).toMatchObject({ address: undefined, namespace: 'default', taskQueue: 'kafka-ir', cachedIncidents: 100 });
    expect(config.port).toBe(8080);
  });

  it('bounds the worker cache: at least 2 incidents', () => {
    expect(loadConfig({ KAFKA_BROKERS: '127.0.0.1:19092', KAFKA_IR_CACHED_INCIDENTS: '50' }).temporal.cachedIncidents).toBe(50);
    expect(() => loadConfig({ KAFKA_BROKERS: '127.0.0.1:19092', KAFKA_IR_CACHED_INCIDENTS: '1' })).toThrow(/KAFKA_IR_CACHED_INCIDENTS: must be at least 2/);
  });

  it('reads Temporal TLS: files mean mTLS with them, TEMPORAL_TLS or an API key alone means the system CAs', () => {
    const file = fileURLToPath(import.meta.url); // any existing file stands in for a PEM path
    const base = { KAFKA_BROKERS: '127.0.0.1:19092', TEMPORAL_ADDRESS: 'temporal.example:7233' };
    expect(loadConfig(base).temporal).toMatchObject({ tls: false, allowPlaintext: false });
    expect(loadConfig({ ...base, TEMPORAL_TLS: 'true' }).temporal.tls).toBe(true);
    expect(loadConfig({ ...base, TEMPORAL_API_KEY: 'cloud-key' }).temporal).toMatchObject({ tls: true, apiKey: 'cloud-key' });
    expect(loadConfig({ ...base, TEMPORAL_TLS_CA: file, TEMPORAL_TLS_CERT: file, TEMPORAL_TLS_KEY: file, TEMPORAL_TLS_SERVER_NAME: 'temporal.internal' }).temporal.tls)
      .toEqual({ ca: file, cert: file, key: file, serverName: 'temporal.internal' });
  });

  it('names Temporal TLS mistakes: a missing file, half a client pair, TLS switched off under an API key, TLS without an address', () => {
    const file = fileURLToPath(import.meta.url);
    const message = (env: Record<string, string>) => { try { loadConfig({ KAFKA_BROKERS: '127.0.0.1:19092', ...env }); } catch (err) { return (err as Error).message; } return ''; };
    expect(message({ TEMPORAL_ADDRESS: 't:7233', TEMPORAL_TLS_CA: '/no/such/ca.pem' })).toContain('TEMPORAL_TLS_CA: names no file');
    expect(message({ TEMPORAL_ADDRESS: 't:7233', TEMPORAL_TLS_CERT: file })).toContain('TEMPORAL_TLS_KEY: mTLS needs both');
    const off = message({ TEMPORAL_ADDRESS: 't:7233', TEMPORAL_TLS: 'false', TEMPORAL_API_KEY: 'secret-cloud-key' });
    expect(off).toContain('TEMPORAL_TLS: is false, but TEMPORAL_API_KEY is set');
    expect(off).not.toContain('secret-cloud-key');
    expect(message({ TEMPORAL_TLS: 'true' })).toContain('TEMPORAL_ADDRESS: is unset');
  });

  it('reads Kafka TLS: any KAFKA_SSL_* setting turns it on with those settings, KAFKA_SSL=true alone means the system CAs', () => {
    const file = fileURLToPath(import.meta.url); // any existing file stands in for a PEM or PKCS12 path
    const kafka = (env: Record<string, string>) => loadConfig({ KAFKA_BROKERS: '127.0.0.1:19292', ...env }).kafka.ssl;
    expect(kafka({})).toBe(false);
    expect(kafka({ KAFKA_SSL: 'true' })).toBe(true);
    expect(kafka({ KAFKA_SSL_CA: file, KAFKA_SSL_VERIFY_HOSTNAME: 'false' })).toEqual({ ca: file, verifyHostname: false });
    expect(kafka({ KAFKA_SSL_KEYSTORE: file, KAFKA_SSL_KEYSTORE_PASSWORD: 'pw', KAFKA_SSL_PRINCIPAL_MAPPING_RULES: 'RULE:^CN=([^,]+).*$/$1/,DEFAULT' }))
      .toEqual({ keystore: file, keystorePassword: 'pw', principalMappingRules: 'RULE:^CN=([^,]+).*$/$1/,DEFAULT' });
    expect(kafka({ KAFKA_SSL_CERT: file, KAFKA_SSL_KEY: file, KAFKA_SSL_KEY_PASSWORD: 'pp' })).toEqual({ cert: file, key: file, keyPassword: 'pp' });
  });

  it('names Kafka TLS mistakes: a missing file, half a client pair, two client identities, a password for nothing, malformed mapping rules', () => {
    const file = fileURLToPath(import.meta.url);
    const fails = (env: Record<string, string>) => () => loadConfig({ KAFKA_BROKERS: '127.0.0.1:19292', ...env });
    expect(fails({ KAFKA_SSL_CA: '/nowhere/ca.pem' })).toThrow(/KAFKA_SSL_CA: names no file/);
    expect(fails({ KAFKA_SSL_CERT: file })).toThrow(/KAFKA_SSL_KEY: a client certificate needs both/);
    expect(fails({ KAFKA_SSL_CERT: file, KAFKA_SSL_KEY: file, KAFKA_SSL_KEYSTORE: file })).toThrow(/KAFKA_SSL_KEYSTORE: and KAFKA_SSL_CERT are both set/);
    expect(fails({ KAFKA_SSL_KEYSTORE_PASSWORD: 'secret-pw' })).toThrow(/KAFKA_SSL_KEYSTORE_PASSWORD: is the password of KAFKA_SSL_KEYSTORE, which is not set/);
    expect(fails({ KAFKA_SSL_KEYSTORE_PASSWORD: 'secret-pw' })).not.toThrow(/secret-pw/);
    expect(fails({ KAFKA_SSL_PRINCIPAL_MAPPING_RULES: 'RULE:^CN=(.*)$/$1/, BOGUS' })).toThrow(/KAFKA_SSL_PRINCIPAL_MAPPING_RULES: invalid rule `BOGUS`/);
  });

  it('serves loopback names, the public URL\'s host and a specific listening address; reads the codec origin and the limits', () => {
    const base = { KAFKA_BROKERS: '127.0.0.1:19092' };
    expect(loadConfig(base).edge).toMatchObject({ allowedHosts: ['localhost', '127.0.0.1', '::1'], maxAlertsPerRequest: 50, intakeRate: 200, maxOpenIncidents: 1000, refusalIntervalMs: 30_000 });
    const behindIngress = loadConfig({ ...base, KAFKA_IR_HOST: '0.0.0.0', KAFKA_IR_PUBLIC_URL: 'https://IR.example.com/', KAFKA_IR_CODEC_CORS_ORIGIN: 'http://localhost:8233/' }).edge;
    expect(behindIngress.allowedHosts).toEqual(['localhost', '127.0.0.1', '::1', 'ir.example.com']);
    expect(behindIngress.codecCorsOrigin).toBe('http://localhost:8233');
    expect(loadConfig({ ...base, KAFKA_IR_ALLOWED_HOSTS: 'ir.internal, *' }).edge.allowedHosts).toEqual(['ir.internal', '*']);
    expect(() => loadConfig({ ...base, KAFKA_IR_MAX_ALERTS_PER_REQUEST: '100', KAFKA_IR_INTAKE_BURST: '10' })).toThrow(/KAFKA_IR_MAX_ALERTS_PER_REQUEST: is larger than KAFKA_IR_INTAKE_BURST/);
  });
  it('reads Slack interactions: signed HTTP posts by default, Socket Mode with the app-level token instead of the signing secret', () => {
    const base = { KAFKA_BROKERS: '127.0.0.1:9092', SLACK_BOT_TOKEN: 'xoxb-1-2-bot', SLACK_CHANNEL: 'C0INCIDENT', SLACK_TEAM_ID: 'T0TEAM001', SLACK_APP_ID: 'A0APP0001' };
    const secret = 's'.repeat(32);
    expect(loadConfig({ ...base, SLACK_SIGNING_SECRET: secret }).slack?.interactions).toEqual({ mode: 'http', signingSecret: secret });
    expect(loadConfig({ ...base, SLACK_INTERACTIONS: 'socket', SLACK_APP_TOKEN: 'xapp-1-A0APP0001-1-abc' }).slack?.interactions)
      .toEqual({ mode: 'socket', appToken: 'xapp-1-A0APP0001-1-abc' });
    expect(() => loadConfig({ ...base, SLACK_INTERACTIONS: 'socket', SLACK_SIGNING_SECRET: secret }))
      .toThrow('SLACK_APP_TOKEN: Slack is partly configured: set SLACK_APP_TOKEN too');
    expect(() => loadConfig({ ...base })).toThrow('SLACK_SIGNING_SECRET: Slack is partly configured: set SLACK_SIGNING_SECRET too');
    const wrong = () => loadConfig({ ...base, SLACK_INTERACTIONS: 'websocket', SLACK_APP_TOKEN: 'xoxb-not-an-app-token' });
    expect(wrong).toThrow('SLACK_INTERACTIONS: expected http (Slack posts to /v1/slack/interactions) or socket (Socket Mode)');
    expect(wrong).toThrow('SLACK_APP_TOKEN: expected an app-level token starting with xapp-');
    expect(wrong).not.toThrow('xoxb-not-an-app-token');
  });
});

describe('loadConfig with several clusters', () => {
  const settingsFile = (yaml: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'kafka-ir-config-'));
    writeFileSync(join(dir, 'settings.yaml'), yaml);
    return join(dir, 'settings.yaml');
  };
  const dr = 'clusters:\n  dr:\n    brokers: [dr-1:9092]\n    sasl: { mechanism: scram-sha-512, username: ir, password: pw-dr }\n    authorizer: { superUsers: [User:dr-admin] }\n';

  it('keeps KAFKA_BROKERS as the cluster "default" beside those of the settings file, each with its own settings', () => {
    const config = loadConfig({
      KAFKA_BROKERS: '127.0.0.1:19092', KAFKA_IR_EVIDENCE_DIR: '/ev',
      KAFKA_IR_CONFIG: settingsFile(`protectedPrincipals: [User:ops]\nauthorizer: { superUsers: [User:admin] }\n${dr}`),
    });
    expect(config.clusters.map((c) => c.name)).toEqual(['default', 'dr']);
    const [main, other] = config.clusters;
    expect(main!.kafka.brokers).toEqual(['127.0.0.1:19092']);
    expect(main!.settings.authorizer.superUsers).toEqual(['User:admin']);
    expect(other!.kafka).toEqual({ brokers: ['dr-1:9092'], sasl: { mechanism: 'scram-sha-512', username: 'ir', password: 'pw-dr' }, ssl: false });
    expect(other!.settings.authorizer.superUsers).toEqual(['User:dr-admin']);
    expect(other!.settings.protectedPrincipals).toEqual(['User:ops']);
    expect(other!.evidenceDir).toBe('/ev/clusters/dr');
    expect(config.kafka).toBe(main!.kafka);
  });

  it('needs no KAFKA_BROKERS when the settings file lists clusters', () => {
    const config = loadConfig({ KAFKA_IR_CONFIG: settingsFile(dr) });
    expect(config.clusters.map((c) => c.name)).toEqual(['dr']);
    expect(config.kafka.brokers).toEqual(['dr-1:9092']);
  });

  it('refuses a "default" cluster in the file while KAFKA_BROKERS describes it, and a bad cluster name', () => {
    const both = settingsFile('clusters:\n  default:\n    brokers: [k:9092]\n');
    expect(() => loadConfig({ KAFKA_BROKERS: '127.0.0.1:19092', KAFKA_IR_CONFIG: both })).toThrow(/KAFKA_BROKERS already describes the cluster named "default"/);
    const bad = settingsFile('clusters:\n  Prod_EU:\n    brokers: [k:9092]\n');
    expect(() => loadConfig({ KAFKA_IR_CONFIG: bad })).toThrow(/clusters\.Prod_EU\): a cluster name is 1–40 lower-case letters/);
  });
});

