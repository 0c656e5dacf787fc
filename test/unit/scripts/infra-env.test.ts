// .infra/env with the TLS part (`up --tls`): a shell reads the same values back as the tests do, mapping rules and all.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { infraTls, readInfraEnv, writeInfraEnv, type InfraEnv } from '../../../scripts/infra/infra-env.js';
import { DEV_PRINCIPAL_MAPPING_RULES } from '../../../scripts/infra/kafka/dev-pki.js';

const base: InfraEnv = {
  KAFKA_BROKERS: '127.0.0.1:19092', KAFKA_METRICS: '127.0.0.1:19492', KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'admin', KAFKA_SASL_PASSWORD: 'pw',
  TEMPORAL_ADDRESS: '127.0.0.1:17233', KAFKA_HOME: '/k', KAFKA_VERSION: '3.9.1',
};
const tls = {
  KAFKA_SASL_SSL_BROKERS: '127.0.0.1:19292', KAFKA_MTLS_BROKERS: '127.0.0.1:19392', KAFKA_TLS_CA: '/t/ca.pem', KAFKA_TLS_CA_KEY: '/t/ca.key',
  KAFKA_TLS_CLIENT_CERT: '/t/engine.pem', KAFKA_TLS_CLIENT_KEY: '/t/engine.key', KAFKA_TLS_CLIENT_KEY_ENCRYPTED: '/t/engine-encrypted.key',
  KAFKA_TLS_CLIENT_P12: '/t/engine.p12', KAFKA_TLS_TRUSTSTORE_JKS: '/t/truststore.jks', KAFKA_TLS_PASSWORD: 'secret',
  KAFKA_TLS_PRINCIPAL_MAPPING_RULES: DEV_PRINCIPAL_MAPPING_RULES, KAFKA_TLS_CLIENT_PRINCIPAL: 'User:kafka-ir-engine',
};

describe('.infra/env', () => {
  it('round-trips the TLS part, readable by `set -a; . .infra/env` too', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kafka-ir-env-')), 'env');
    writeInfraEnv({ ...base, ...tls }, file);
    expect(infraTls(readInfraEnv(file))).toEqual(tls);
    const shell = execFileSync('bash', ['-c', `set -a; . '${file}'; printf '%s' "$KAFKA_TLS_PRINCIPAL_MAPPING_RULES"`], { encoding: 'utf8' });
    expect(shell).toBe(DEV_PRINCIPAL_MAPPING_RULES);
  });

  it('has no TLS part for a cluster without TLS listeners', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kafka-ir-env-')), 'env');
    writeInfraEnv(base, file);
    expect(infraTls(readInfraEnv(file))).toBeUndefined();
  });
});
