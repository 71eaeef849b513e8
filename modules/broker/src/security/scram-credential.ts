/**
 * SCRAM credentials (RFC 5802, RFC 7677 for SHA-256; Kafka adds SHA-512): what the broker keeps
 * per user and mechanism is the salt, the iteration count, StoredKey = H(HMAC(SaltedPassword,
 * "Client Key")) and ServerKey = HMAC(SaltedPassword, "Server Key") — never the password, nor the
 * salted password, from which a client proof could be forged.
 */
import { createHash, createHmac, pbkdf2, randomBytes } from 'node:crypto';

export type ScramMechanism = 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
export const SCRAM_MECHANISMS: readonly ScramMechanism[] = ['SCRAM-SHA-256', 'SCRAM-SHA-512'];

/** Kafka's mechanism codes in Describe/AlterUserScramCredentials. */
export const SCRAM_MECHANISM_CODE: Readonly<Record<ScramMechanism, number>> = {
  'SCRAM-SHA-256': 1,
  'SCRAM-SHA-512': 2,
};

/** Kafka's bounds (ScramMechanism.minIterations / maxIterations). */
export const MIN_ITERATIONS = 4096;
export const MAX_ITERATIONS = 16384;

export interface ScramCredential {
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

export const hashOf = (m: ScramMechanism): 'sha256' | 'sha512' =>
  m === 'SCRAM-SHA-256' ? 'sha256' : 'sha512';
const keyLength = (m: ScramMechanism): number => (m === 'SCRAM-SHA-256' ? 32 : 64);

export const hmac = (m: ScramMechanism, key: Buffer, text: string | Buffer): Buffer =>
  createHmac(hashOf(m), key).update(text).digest();
export const digest = (m: ScramMechanism, data: Buffer): Buffer =>
  createHash(hashOf(m)).update(data).digest();

/** Hi() of RFC 5802 is PBKDF2 with HMAC; run on libuv's pool so logins never block the event loop. */
export function saltedPassword(
  m: ScramMechanism,
  password: string | Buffer,
  salt: Buffer,
  iterations: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    pbkdf2(password, salt, iterations, keyLength(m), hashOf(m), (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** The credential derived from a salted password (RFC 5802 §3). */
export function credentialFromSalted(
  m: ScramMechanism,
  salted: Buffer,
  salt: Buffer,
  iterations: number,
): ScramCredential {
  return {
    salt,
    iterations,
    storedKey: digest(m, hmac(m, salted, 'Client Key')),
    serverKey: hmac(m, salted, 'Server Key'),
  };
}

/** A new credential for a password, with a fresh random salt. */
export async function newCredential(
  m: ScramMechanism,
  password: string | Buffer,
  iterations = MIN_ITERATIONS,
): Promise<ScramCredential> {
  const salt = randomBytes(32);
  return credentialFromSalted(m, await saltedPassword(m, password, salt, iterations), salt, iterations);
}

export const isScramMechanism = (m: string): m is ScramMechanism =>
  m === 'SCRAM-SHA-256' || m === 'SCRAM-SHA-512';
