import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { hostname, networkInterfaces } from 'node:os';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SecurityBundleError } from './errors.js';

const run = promisify(execFile);

/**
 * The names the server certificate is valid for: loopback by name and address, this host's name
 * and the addresses of its interfaces when the bundle is made (so clients of `up --host 0.0.0.0`
 * or `--host <an address>` can check it whichever of them they connect to).
 */
export function serverNames(): { dns: string[]; ip: string[] } {
  const dns = ['localhost'];
  const host = hostname();
  if (host && host !== 'localhost' && /^[A-Za-z0-9.-]+$/.test(host)) dns.push(host);
  const ip = ['127.0.0.1', '::1'];
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) {
      // link-local IPv6 needs a zone id, which a certificate cannot name
      if (a.internal || a.address.toLowerCase().startsWith('fe80:') || ip.includes(a.address)) continue;
      ip.push(a.address);
    }
  }
  return { dns, ip };
}

/**
 * Throws unless the server certificate (PEM) is valid for `host`, the name or address clients of
 * the stack are told to use: TLS clients would all refuse it. A bundle made before the address
 * existed (another interface, a new host name) is the usual cause.
 */
export function assertCertificateNames(certPem: string, host: string, certFile: string): void {
  const cert = new X509Certificate(certPem);
  const name = host.replace(/^\[|\]$/g, '');
  const valid = isIP(name) ? cert.checkIP(name) !== undefined : cert.checkHost(name) !== undefined;
  if (!valid)
    throw new SecurityBundleError(
      `the server certificate is not valid for ${host} (it names ${cert.subjectAltName ?? 'nothing'}); listen on one of those, or move the security directory away to make a new bundle (the servers take its new passwords at start)`,
      certFile,
    );
}

/**
 * Writes `ca.key`, `ca.crt`, `server.key`, `server.crt` into `dir` with the `openssl` command
 * (Debian's openssl, present wherever Node is; no npm dependency for a few invocations). Keys are
 * P-256 EC; the CA is valid 10 years, the server certificate 825 days (the longest browsers accept).
 */
export async function generateCertificates(dir: string): Promise<void> {
  const names = serverNames();
  const san = [...names.dns.map((n) => `DNS:${n}`), ...names.ip.map((a) => `IP:${a}`)].join(',');
  const ext = join(dir, 'server.ext');
  await writeFile(
    ext,
    `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n` +
      `extendedKeyUsage=serverAuth\nsubjectAltName=${san}\n`,
    { mode: 0o600 },
  );
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  await openssl(dir, [
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '3650',
    '-subj',
    '/CN=meterstream local CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await openssl(dir, ['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost']);
  await openssl(dir, [
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-set_serial',
    `0x${Date.now().toString(16)}`,
    '-days',
    '825',
    '-sha256',
    '-extfile',
    'server.ext',
    '-out',
    'server.crt',
  ]);
}

async function openssl(cwd: string, args: string[]): Promise<void> {
  try {
    await run('openssl', args, { cwd });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new SecurityBundleError(`openssl ${args[0]} failed: ${stderr.trim() || String(error)}`, cwd, {
      cause: error,
    });
  }
}
