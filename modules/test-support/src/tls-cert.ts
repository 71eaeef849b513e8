import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SelfSignedCert {
  /** The directory holding the files (the caller removes it). */
  dir: string;
  certFile: string;
  keyFile: string;
  /** PEM of the certificate (what clients trust) and of its key. */
  cert: Buffer;
  key: Buffer;
}

/**
 * A throw-away self-signed certificate for 127.0.0.1 / localhost (RSA 2048, 2 days), made with the
 * openssl command (Debian's openssl package), in `dir` or a fresh temp directory. The servers' TLS
 * tests (broker, CQL) and the apps' clients trust it as their CA.
 */
export function selfSignedCert(dir = mkdtempSync(join(tmpdir(), 'meterstream-tls-'))): SelfSignedCert {
  const certFile = join(dir, 'server.crt');
  const keyFile = join(dir, 'server.key');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'pipe' },
  );
  return { dir, certFile, keyFile, cert: readFileSync(certFile), key: readFileSync(keyFile) };
}
