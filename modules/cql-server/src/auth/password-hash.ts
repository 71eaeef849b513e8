import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Salted password hashes. Cassandra stores bcrypt (cost 10); Node has no bcrypt and the repo has no
 * bcrypt dependency, so this uses scrypt from node:crypto (memory-hard, like bcrypt slow on
 * purpose). The parameters are part of the stored string, so they can be raised later without
 * invalidating existing hashes: `$scrypt$N=32768,r=8,p=1$<salt b64>$<hash b64>`.
 */
const N = 32768;
const R = 8;
const P = 1;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
// 128 * N * r bytes = 32 MiB, above Node's default scrypt maxmem (32 MiB exactly is refused).
const MAX_MEM = 64 * 1024 * 1024;

export class PasswordHashFormatError extends Error {
  constructor(reason: string) {
    super(`Stored password hash is malformed: ${reason}`);
    this.name = 'PasswordHashFormatError';
  }
}

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_BYTES, { N: n, r, p, maxmem: MAX_MEM }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/**
 * At most this many derivations run at once. scrypt runs on libuv's thread pool (4 threads), which
 * the commit log's fsyncs also need: a flood of login attempts queues here instead of taking every
 * thread (and both cores) away from authenticated writes.
 */
const MAX_CONCURRENT = 1;
let running = 0;
const waiting: (() => void)[] = [];

async function limited<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

export function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  return limited(() => derive(password, salt, N, R, P)).then(
    (key) => `$scrypt$N=${N},r=${R},p=${P}$${salt.toString('base64')}$${key.toString('base64')}`,
  );
}

function parse(stored: string): { n: number; r: number; p: number; salt: Buffer; key: Buffer } {
  const parts = stored.split('$');
  if (parts.length !== 5 || parts[0] !== '' || parts[1] !== 'scrypt')
    throw new PasswordHashFormatError('expected $scrypt$N=..,r=..,p=..$salt$hash');
  const params = new Map(parts[2].split(',').map((kv) => kv.split('=') as [string, string]));
  const n = Number(params.get('N'));
  const r = Number(params.get('r'));
  const p = Number(params.get('p'));
  if (![n, r, p].every((v) => Number.isInteger(v) && v > 0))
    throw new PasswordHashFormatError(`bad parameters ${parts[2]}`);
  return { n, r, p, salt: Buffer.from(parts[3], 'base64'), key: Buffer.from(parts[4], 'base64') };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const { n, r, p, salt, key } = parse(stored);
  const derived = await limited(() => derive(password, salt, n, r, p));
  return derived.length === key.length && timingSafeEqual(derived, key);
}

/**
 * A hash no password matches (random salt and key), checked for unknown users so that "no such
 * role" costs the same time as "wrong password" and the answer does not reveal which roles exist.
 */
export const DUMMY_HASH = `$scrypt$N=${N},r=${R},p=${P}$${randomBytes(SALT_BYTES).toString('base64')}$${randomBytes(KEY_BYTES).toString('base64')}`;
