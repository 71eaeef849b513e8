import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SecurityBundleError } from './errors.js';

const run = promisify(execFile);

/** The names the server certificate is valid for: loopback by name and address, and this host. */
export function serverNames(): { dns: string[]; ip: string[] } {
  const dns = ['localhost'];
  const host = hostname();
  if (host && host !== 'localhost' && /^[A-Za-z0-9.-]+$/.test(host)) dns.push(host);
  return { dns, ip: ['127.0.0.1', '::1'] };
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
