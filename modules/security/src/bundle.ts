import { chmod, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { generateCertificates } from './certificates.js';
import { generateCredentials, parseCredentials, randomPassword, type UserCredential } from './credentials.js';
import { SecurityBundleError } from './errors.js';

/** The files of a bundle, under `<dataDir>/security/`. */
export interface SecurityBundlePaths {
  dir: string;
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  credentials: string;
}

export interface SecurityBundle {
  paths: SecurityBundlePaths;
  /** PEM of the local CA certificate: what clients trust. */
  caCert: string;
  /** PEM of the server certificate (SAN localhost, 127.0.0.1, ::1, the host name), signed by the CA. */
  serverCert: string;
  serverKey: string;
  users: UserCredential[];
}

const FILES = { caCert: 'ca.crt', caKey: 'ca.key', serverCert: 'server.crt', serverKey: 'server.key' };
const CREDENTIALS = 'credentials.json';

export function bundlePaths(dataDir: string): SecurityBundlePaths {
  const dir = join(dataDir, 'security');
  return {
    dir,
    caCert: join(dir, FILES.caCert),
    caKey: join(dir, FILES.caKey),
    serverCert: join(dir, FILES.serverCert),
    serverKey: join(dir, FILES.serverKey),
    credentials: join(dir, CREDENTIALS),
  };
}

/**
 * The security bundle of a data directory: generated on the first call (CA, server certificate,
 * an admin user and one user per application role with random passwords) into
 * `<dataDir>/security/` (directory 0700, files 0600), loaded on later calls.
 *
 * Generation happens in a sibling temporary directory renamed into place at the end, so a crash
 * midway leaves no half bundle and two processes racing both end with the same, complete one.
 */
export async function ensureSecurityBundle(dataDir: string): Promise<SecurityBundle> {
  const paths = bundlePaths(dataDir);
  if (await exists(paths.dir)) return loadSecurityBundle(dataDir);
  await mkdir(dataDir, { recursive: true });
  const tmp = `${paths.dir}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(tmp, { mode: 0o700 });
  try {
    await generateCertificates(tmp);
    await writeCredentials(join(tmp, CREDENTIALS), generateCredentials());
    for (const name of await readdir(tmp)) {
      if (name.endsWith('.csr') || name.endsWith('.ext') || name.endsWith('.srl')) await rm(join(tmp, name));
      else await chmod(join(tmp, name), 0o600);
    }
    await rename(tmp, paths.dir).catch(async (error: NodeJS.ErrnoException) => {
      // Another process finished first: keep its bundle, drop ours.
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return loadSecurityBundle(dataDir);
}

/**
 * Loads an existing bundle. Refuses one whose directory or files are open to group or others
 * (as ssh does with keys): a secret someone else could read is not one.
 */
export async function loadSecurityBundle(dataDir: string): Promise<SecurityBundle> {
  const paths = bundlePaths(dataDir);
  await assertPrivate(paths.dir);
  const read = async (path: string) => {
    await assertPrivate(path);
    return readFile(path, 'utf8').catch((error: unknown) => {
      throw new SecurityBundleError('cannot read security bundle file', path, { cause: error });
    });
  };
  const [caCert, serverCert, serverKey, credentials] = await Promise.all([
    read(paths.caCert),
    read(paths.serverCert),
    read(paths.serverKey),
    read(paths.credentials),
  ]);
  return {
    paths,
    caCert,
    serverCert,
    serverKey,
    users: parseCredentialsFile(credentials, paths.credentials),
  };
}

/**
 * Gives the named users (all when none are named) new random passwords and returns the new
 * bundle. Servers read credentials at start, so restart them after a rotation; clients read the
 * file (or the environment set from it) anew. Certificates are kept.
 */
export async function rotatePasswords(dataDir: string, usernames?: string[]): Promise<SecurityBundle> {
  const bundle = await loadSecurityBundle(dataDir);
  const unknown = (usernames ?? []).filter((name) => !bundle.users.some((u) => u.username === name));
  if (unknown.length > 0) {
    throw new SecurityBundleError(
      `no such user(s) to rotate: ${unknown.join(', ')}`,
      bundle.paths.credentials,
    );
  }
  const users = bundle.users.map((u) =>
    usernames === undefined || usernames.includes(u.username) ? { ...u, password: randomPassword() } : u,
  );
  await writeCredentials(bundle.paths.credentials, users);
  return { ...bundle, users };
}

/** Reads a credentials file (`{"users":[{username,password,access}]}`) outside of a bundle. */
export async function readCredentialsFile(path: string): Promise<UserCredential[]> {
  const text = await readFile(path, 'utf8').catch((error: unknown) => {
    throw new SecurityBundleError('cannot read credentials file', path, { cause: error });
  });
  return parseCredentialsFile(text, path);
}

function parseCredentialsFile(text: string, path: string): UserCredential[] {
  try {
    return parseCredentials(JSON.parse(text), path);
  } catch (error) {
    throw new SecurityBundleError(`bad credentials file: ${(error as Error).message}`, path, {
      cause: error,
    });
  }
}

/** Written beside the target with mode 0600 and renamed over it: a reader sees the old or the new file. */
async function writeCredentials(path: string, users: UserCredential[]): Promise<void> {
  const tmp = join(dirname(path), `.${CREDENTIALS}.${process.pid}.tmp`);
  await writeFile(tmp, `${JSON.stringify({ users }, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, path);
}

async function assertPrivate(path: string): Promise<void> {
  const info = await stat(path).catch((error: unknown) => {
    throw new SecurityBundleError('security bundle is missing', path, { cause: error });
  });
  if ((info.mode & 0o077) !== 0) {
    throw new SecurityBundleError(
      `permissions ${(info.mode & 0o777).toString(8)} let others read a secret; chmod ${info.isDirectory() ? '700' : '600'} it`,
      path,
    );
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
