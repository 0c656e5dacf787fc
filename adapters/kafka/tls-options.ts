// TLS towards Kafka for both clients (kafkajs and @platformatic/kafka): Node TLS options from the engine's settings, and TLS failures as errors naming the setting to fix.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { TLSSocket, createSecureContext, type ConnectionOptions } from 'node:tls';
import { tlsSettingName, type KafkaSettings, type KafkaTls, type KafkaTlsField } from '../../src/model/connections.js';
import { KafkaIrError } from '../../src/model/errors.js';

type Ssl = KafkaSettings['ssl'];

const JKS_MAGIC = 0xfeedfeed;
const JCEKS_MAGIC = 0xcececece;

function isJavaKeystore(data: Buffer): boolean {
  return data.length >= 4 && [JKS_MAGIC, JCEKS_MAGIC].includes(data.readUInt32BE(0));
}

function invalid(tls: KafkaTls, field: KafkaTlsField, message: string, hint: string, cause?: unknown): KafkaIrError {
  return new KafkaIrError('INVALID_CONFIG', `${tlsSettingName(tls, field)}: ${message}`, hint, cause === undefined ? undefined : { cause });
}

function read(tls: KafkaTls, field: 'ca' | 'cert' | 'key' | 'keystore'): Buffer {
  const path = tls[field]!;
  try {
    return readFileSync(path);
  } catch (err) {
    throw invalid(tls, field, `cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, 'point it at a readable file');
  }
}

/** PEM files only: a Java keystore is refused with the keytool command that turns it into what is expected. */
function readPem(tls: KafkaTls, field: 'ca' | 'cert' | 'key'): Buffer {
  const data = read(tls, field);
  const path = tls[field]!;
  if (isJavaKeystore(data) && field === 'ca') {
    throw invalid(tls, field, `${path} is a Java keystore (JKS), not PEM`,
      `export its CA certificates as PEM and point ${tlsSettingName(tls, 'ca')} at that file: keytool -exportcert -rfc -keystore ${path} -alias <alias> -file ca.pem (keytool -list -keystore ${path} shows the aliases)`);
  }
  if (!data.toString('latin1').includes('-----BEGIN ')) {
    throw invalid(tls, field, `${path} holds no PEM block (-----BEGIN …)`,
      field === 'ca' ? 'give the CA certificate(s) in PEM' : `give a PEM file, or a PKCS12 store in ${tlsSettingName(tls, 'keystore')}`);
  }
  return data;
}

/** Node TLS options from the files (read now, so renewed files count from the next connection). */
function connectionOptions(tls: KafkaTls): ConnectionOptions {
  const opts: ConnectionOptions = { rejectUnauthorized: true };
  if (tls.ca) opts.ca = readPem(tls, 'ca');
  if (tls.cert) opts.cert = readPem(tls, 'cert');
  if (tls.key) opts.key = readPem(tls, 'key');
  if (tls.keyPassword) opts.passphrase = tls.keyPassword;
  if (tls.keystore) {
    const data = read(tls, 'keystore');
    if (isJavaKeystore(data)) {
      throw invalid(tls, 'keystore', `${tls.keystore} is a Java keystore (JKS), which Node cannot read`,
        `convert it to PKCS12 and point ${tlsSettingName(tls, 'keystore')} at the new file: keytool -importkeystore -srckeystore ${tls.keystore} -srcstoretype JKS -destkeystore client.p12 -deststoretype PKCS12`);
    }
    opts.pfx = [{ buf: data, ...(tls.keystorePassword ? { passphrase: tls.keystorePassword } : {}) }];
  }
  if (tls.verifyHostname === false) opts.checkServerIdentity = () => undefined;
  return opts;
}

/** Loads key and certificate as a connection would, so a wrong passphrase, a mismatched key or an expired certificate is named before any broker is dialled. */
function checkClientIdentity(tls: KafkaTls, opts: ConnectionOptions): X509Certificate | undefined {
  if (!opts.cert && !opts.pfx) return undefined;
  const certField: KafkaTlsField = opts.pfx ? 'keystore' : 'cert';
  let context;
  try {
    context = createSecureContext(opts);
  } catch (err) {
    const text = `${(err as NodeJS.ErrnoException).code ?? ''} ${(err as Error).message}`;
    if (opts.pfx && /mac verify|pkcs12|decrypt/i.test(text)) {
      throw invalid(tls, 'keystorePassword', `does not open ${tls.keystore} (${(err as Error).message})`, `set ${tlsSettingName(tls, 'keystorePassword')} to the keystore's password`, err);
    }
    const encrypted = /ENCRYPTED/.test(String(opts.key ?? ''));
    if (/bad decrypt|bad password/i.test(text) || (encrypted && /interrupted or cancelled|DECODER routines/i.test(text))) {
      const hint = tls.keyPassword ? 'set it to the passphrase the key was encrypted with' : `the key is encrypted: set ${tlsSettingName(tls, 'keyPassword')} to its passphrase`;
      throw invalid(tls, 'keyPassword', `does not decrypt ${tls.key} (${(err as Error).message})`, hint, err);
    }
    if (/key values mismatch/i.test(text)) {
      throw invalid(tls, 'key', `${tls.key} is not the private key of ${tls.cert}`, `give the key the certificate in ${tlsSettingName(tls, 'cert')} was issued for`, err);
    }
    throw invalid(tls, certField, `cannot be loaded (${(err as Error).message})`, 'give a PEM certificate and key, or a PKCS12 keystore', err);
  }
  const der = new TLSSocket(null as never, { secureContext: context }).getCertificate();
  const raw = der && 'raw' in der ? der.raw : undefined;
  const cert = raw ? new X509Certificate(raw) : undefined;
  if (cert && Date.parse(cert.validTo) < Date.now()) {
    throw invalid(tls, certField, `the client certificate (${cert.subject.replace(/\n/g, ', ')}) expired on ${new Date(cert.validTo).toISOString()}`,
      'the brokers refuse an expired certificate: have it renewed by the CA they trust and point this setting at the new one');
  }
  return cert;
}

/** The engine's client certificate, when it has one (mTLS; or a certificate presented under SASL_SSL). */
export function clientCertificate(ssl: Ssl): X509Certificate | undefined {
  return typeof ssl === 'object' ? checkClientIdentity(ssl, connectionOptions(ssl)) : undefined;
}

/**
 * The options both clients pass to `tls.connect` (kafkajs `ssl`, @platformatic/kafka `tls`): undefined for plain TCP.
 * Throws INVALID_CONFIG naming the setting when a file is unusable.
 */
export function tlsOptions(settings: Pick<KafkaSettings, 'ssl'>): ConnectionOptions | undefined {
  const ssl = settings.ssl;
  if (ssl === false) return undefined;
  if (ssl === true) return { rejectUnauthorized: true };
  const opts = connectionOptions(ssl);
  checkClientIdentity(ssl, opts);
  return opts;
}

const WRONG_CA = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT', 'CERT_SIGNATURE_FAILURE', 'CERT_UNTRUSTED',
]);
const EXPIRED = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
const PLAINTEXT_HINT = "point KAFKA_BROKERS at the brokers' SSL or SASL_SSL listener, or turn TLS off (unset KAFKA_SSL*) for a PLAINTEXT/SASL_PLAINTEXT one";

interface ErrorShape { code?: unknown; message?: unknown; reason?: unknown; cause?: unknown; errors?: unknown }

/** Every error in a chain of causes (kafkajs `cause`, @platformatic/kafka `cause` and `errors`). */
function chain(err: unknown, seen = new Set<unknown>()): ErrorShape[] {
  if (!err || typeof err !== 'object' || seen.has(err)) return [];
  seen.add(err);
  const e = err as ErrorShape;
  return [e, ...chain(e.cause, seen), ...(Array.isArray(e.errors) ? e.errors.flatMap((x) => chain(x, seen)) : [])];
}

/**
 * A TLS failure while connecting, as one error that names the setting to fix (KAFKA_TLS, not retried: retrying cannot
 * change a certificate; a hang-up during the handshake stays KAFKA_UNAVAILABLE); undefined when `err` is not about TLS.
 */
export function tlsFailure(err: unknown, ssl: Ssl, what: string): KafkaIrError | undefined {
  if (ssl === false) return undefined;
  const tls: KafkaTls | boolean = ssl;
  const name = (field: KafkaTlsField) => tlsSettingName(tls, field);
  for (const e of chain(err)) {
    const code = typeof e.code === 'string' ? e.code : '';
    const message = typeof e.message === 'string' ? e.message : '';
    const fail = (problem: string, hint: string) => new KafkaIrError('KAFKA_TLS', `${what}: ${problem}`, hint, { cause: err });
    if (WRONG_CA.has(code) || /self[- ]signed certificate|unable to verify the first certificate|unable to get local issuer/i.test(message)) {
      const ca = typeof tls === 'object' && tls.ca ? tls.ca : "the system's CAs";
      return fail(`the broker's certificate is not signed by a CA the engine trusts (${ca})`,
        `set ${name('ca')} to the PEM CA certificate that signed the brokers' certificates`);
    }
    if (EXPIRED.has(code) || /certificate has expired|certificate is not yet valid/i.test(message)) {
      return fail("the broker's certificate (or a CA in its chain) is expired or not yet valid",
        "renew it on the brokers (their ssl.keystore.location); nothing in the engine's settings can accept it");
    }
    if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || /Hostname\/IP does not match certificate/i.test(message)) {
      const reason = typeof e.reason === 'string' ? e.reason : message;
      return fail(`the broker's certificate does not name the host dialled (${reason})`,
        `list the brokers in KAFKA_BROKERS by a name their certificates carry; only on a network you trust, ${name('verifyHostname')}=false skips the check`);
    }
    if (/ALERT_(BAD_CERTIFICATE|CERTIFICATE_UNKNOWN|UNKNOWN_CA|CERTIFICATE_EXPIRED|CERTIFICATE_REQUIRED|CERTIFICATE_REVOKED|HANDSHAKE_FAILURE)/.test(code)
      || /alert (bad certificate|certificate unknown|unknown ca|certificate expired|certificate required|handshake failure)/i.test(message)) {
      const has = typeof tls === 'object' && (tls.cert || tls.keystore);
      return fail(`the broker refused the engine's TLS client certificate (${has ? 'not signed by a CA the broker trusts, or expired' : 'none was given'})`,
        `${has ? 'give' : 'set'} ${name('cert')} and ${name('key')} (or ${name('keystore')}) for a valid certificate signed by the CA in the brokers' ssl.truststore.location`);
    }
    if (/wrong version number|packet length too long|ERR_SSL_WRONG_VERSION_NUMBER/i.test(`${code} ${message}`)) {
      return fail('the broker did not answer in TLS: the address is a plaintext listener', PLAINTEXT_HINT);
    }
    // What a Kafka plaintext listener does with a TLS hello (it reads a request size, gives up, hangs up); a broker
    // restarting mid-handshake looks the same, so this one stays retryable.
    if (/disconnected before secure TLS connection was established/i.test(message)) {
      return new KafkaIrError('KAFKA_UNAVAILABLE', `${what}: the broker hung up during the TLS handshake`,
        `if this persists, KAFKA_BROKERS names a plaintext listener: ${PLAINTEXT_HINT}`, { cause: err });
    }
  }
  return undefined;
}
