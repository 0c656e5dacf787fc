// Test certificates made with openssl, and a TLS terminator in front of the dev Temporal server that verifies client certificates.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type TLSSocket } from 'node:tls';

const openssl = (dir: string, args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });

/** A CA and certificates it signed, as files in a fresh directory (X.509 v3 throughout: rustls refuses v1). */
export interface TestPki {
  dir: string;
  file(name: string): string;
  /** `expired`: valid for one day in 2020 (openssl ca, as x509 -days cannot go back in time). */
  issue(name: string, subject: string, ext: string, options?: { expired?: boolean }): void;
}

export function testPki(caName = 'kafka-ir test CA'): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-ir-pki-'));
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(dir, ['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', `/CN=${caName}`]);
  return {
    dir,
    file: (name) => join(dir, name),
    issue(name, subject, ext, options = {}) {
      writeFileSync(join(dir, `${name}.ext`), `${ext}\n`);
      openssl(dir, ['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
      if (!options.expired) {
        openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`]);
        return;
      }
      writeFileSync(join(dir, 'ca.cnf'), '[ca]\ndefault_ca=d\n[d]\ndatabase=index.txt\nnew_certs_dir=.\nserial=ca.serial\ndefault_md=sha256\npolicy=p\nunique_subject=no\n[p]\ncommonName=supplied\n');
      if (!existsSync(join(dir, 'index.txt'))) writeFileSync(join(dir, 'index.txt'), '');
      if (!existsSync(join(dir, 'ca.serial'))) writeFileSync(join(dir, 'ca.serial'), '1000\n');
      openssl(dir, ['ca', '-batch', '-config', 'ca.cnf', '-cert', 'ca.pem', '-keyfile', 'ca.key', '-in', `${name}.csr`, '-out', `${name}.pem`,
        '-startdate', '20200101000000Z', '-enddate', '20200102000000Z', '-notext', '-extfile', `${name}.ext`]);
    },
  };
}

export interface TlsTerminator { address: string; authorized: string[]; refused: string[]; close(): Promise<void> }

/**
 * TLS (h2 offered by ALPN, which Temporal's Rust core insists on) on a free loopback port, client certificates
 * required and checked against `ca`, bytes passed to `upstream` (host:port) unchanged.
 */
export async function tlsTerminator(opts: { cert: string; key: string; ca: string; upstream: string }): Promise<TlsTerminator> {
  const [host, port] = [opts.upstream.slice(0, opts.upstream.lastIndexOf(':')), Number(opts.upstream.slice(opts.upstream.lastIndexOf(':') + 1))];
  const authorized: string[] = [];
  const refused: string[] = [];
  const sockets = new Set<TLSSocket>();
  const server = createServer({
    cert: readFileSync(opts.cert), key: readFileSync(opts.key), ca: readFileSync(opts.ca),
    requestCert: true, rejectUnauthorized: true, ALPNProtocols: ['h2'],
  }, (socket) => {
    sockets.add(socket);
    authorized.push(String(socket.getPeerCertificate().subject?.CN ?? '?'));
    const up = connect(port, host);
    socket.pipe(up).pipe(socket);
    const end = () => { socket.destroy(); up.destroy(); sockets.delete(socket); };
    socket.on('error', end).on('close', end);
    up.on('error', end).on('close', end);
  });
  server.on('tlsClientError', (err) => refused.push(err.message));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    authorized,
    refused,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
