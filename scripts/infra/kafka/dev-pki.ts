// The dev cluster's certificates (`up --tls`): a CA, one broker certificate, the engine's client certificate, made once with openssl and keytool.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InfraError } from '../infra-error.js';
import { findOnPath } from '../prerequisites.js';

/** Every file `up --tls` makes, by role; `password` protects the encrypted key, the PKCS12 stores and the JKS truststore. */
export interface DevPki {
  dir: string;
  ca: string;
  /** Signs more client certificates (tests issue one per principal). */
  caKey: string;
  brokerKeystore: string;
  clientCert: string;
  clientKey: string;
  clientKeyEncrypted: string;
  clientP12: string;
  truststoreJks: string;
  password: string;
  /** The engine's mTLS principal after the brokers' ssl.principal.mapping.rules. */
  clientPrincipal: string;
}

/** Subjects under OU=kafka-ir-dev map to their common name; anything else keeps its full distinguished name. */
export const DEV_PRINCIPAL_MAPPING_RULES = 'RULE:^CN=([^,]+),OU=kafka-ir-dev(,.*)?$/$1/,DEFAULT';
export const DEV_CLIENT_SUBJECT = '/O=kafka-ir/OU=kafka-ir-dev/CN=kafka-ir-engine';

function run(dir: string, command: string, args: string[]): void {
  const tool = findOnPath(command);
  if (!tool) throw new InfraError(`\`${command}\` is not on PATH; \`up --tls\` needs it to make the dev certificates (apt-get install -y ${command === 'openssl' ? 'openssl' : 'default-jdk-headless'})`);
  const res = spawnSync(tool, args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (res.status !== 0) throw new InfraError(`${command} ${args[0]} failed in ${dir}:\n${res.stderr || res.stdout}`.trimEnd());
}

/**
 * Writes `name`.pem and `name`.key into `dir` for `subject`, signed by `ca` (default: the CA in `dir`); `ext` are the
 * certificate's X.509 v3 extensions, one per line. Tests use it to give each principal a certificate of its own.
 */
export function issueCertificate(
  dir: string, name: string, subject: string, ext: string, ca = { cert: join(dir, 'ca.pem'), key: join(dir, 'ca.key') }, days = 825,
): void {
  writeFileSync(join(dir, `${name}.ext`), `${ext}\n`);
  run(dir, 'openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
  run(dir, 'openssl', ['x509', '-req', '-in', `${name}.csr`, '-CA', ca.cert, '-CAkey', ca.key, '-set_serial', `0x${randomBytes(8).toString('hex')}`,
    '-out', `${name}.pem`, '-days', String(days), '-extfile', `${name}.ext`]);
  rmSync(join(dir, `${name}.csr`));
  rmSync(join(dir, `${name}.ext`));
}

export const CLIENT_EXT = 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth';

function paths(dir: string, password: string): DevPki {
  const f = (name: string) => join(dir, name);
  return {
    dir, ca: f('ca.pem'), caKey: f('ca.key'), brokerKeystore: f('broker.p12'),
    clientCert: f('engine.pem'), clientKey: f('engine.key'), clientKeyEncrypted: f('engine-encrypted.key'), clientP12: f('engine.p12'),
    truststoreJks: f('truststore.jks'), password, clientPrincipal: 'User:kafka-ir-engine',
  };
}

/** Makes the files under `dir` unless a complete set is there (the `done` marker is written last). */
export function ensureDevPki(dir: string): DevPki {
  const done = join(dir, 'done');
  if (existsSync(done)) return paths(dir, readFileSync(join(dir, 'password'), 'utf8').trim());
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const password = randomBytes(12).toString('hex');
  writeFileSync(join(dir, 'password'), `${password}\n`, { mode: 0o600 });
  const pass = `pass:${password}`;
  const pki = paths(dir, password);

  run(dir, 'openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '3650',
    '-subj', '/O=kafka-ir/CN=kafka-ir dev CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  // Clients reach the brokers as 127.0.0.1 (and may as localhost): hostname checks stay on.
  issueCertificate(dir, 'broker', '/O=kafka-ir/OU=kafka-ir-dev/CN=localhost',
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost');
  run(dir, 'openssl', ['pkcs12', '-export', '-in', 'broker.pem', '-inkey', 'broker.key', '-certfile', 'ca.pem', '-name', 'broker', '-out', 'broker.p12', '-passout', pass]);

  issueCertificate(dir, 'engine', DEV_CLIENT_SUBJECT, CLIENT_EXT);
  run(dir, 'openssl', ['pkey', '-in', 'engine.key', '-aes256', '-passout', pass, '-out', 'engine-encrypted.key']);
  run(dir, 'openssl', ['pkcs12', '-export', '-in', 'engine.pem', '-inkey', 'engine.key', '-certfile', 'ca.pem', '-name', 'kafka-ir-engine', '-out', 'engine.p12', '-passout', pass]);
  // A Java truststore, as many sites hand out: the engine refuses it with the command that converts it.
  run(dir, 'keytool', ['-importcert', '-noprompt', '-alias', 'kafka-ir-dev-ca', '-file', 'ca.pem', '-keystore', 'truststore.jks', '-storetype', 'JKS', '-storepass', password]);
  writeFileSync(done, `${new Date().toISOString()}\n`);
  return pki;
}
