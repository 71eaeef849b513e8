/**
 * The server side of one SASL exchange: PLAIN (RFC 4616) or SCRAM-SHA-256/512 (RFC 5802/7677).
 * `evaluate` takes each client token and answers the next server token; the exchange is complete
 * when `user` is set. A failed exchange throws SaslAuthenticationError, whose message the client
 * gets (it never says whether the user exists).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { CredentialStore } from './credential-store.js';
import {
  credentialFromSalted,
  type ScramCredential,
  type ScramMechanism,
  digest,
  hmac,
  isScramMechanism,
  MIN_ITERATIONS,
  saltedPassword,
} from './scram-credential.js';

export const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

export class SaslAuthenticationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SaslAuthenticationError';
  }
}

export interface SaslServer {
  readonly mechanism: SaslMechanism;
  /** Set once the exchange succeeded: the authenticated user name. */
  readonly user: string | undefined;
  evaluate(token: Buffer): Promise<Buffer>;
}

export function createSaslServer(mechanism: SaslMechanism, store: CredentialStore): SaslServer {
  return mechanism === 'PLAIN' ? new PlainServer(store) : new ScramServer(mechanism, store);
}

const invalidCredentials = (m: string) =>
  new SaslAuthenticationError(
    `Authentication failed during authentication due to invalid credentials with SASL mechanism ${m}`,
  );

/** A stand-in credential for unknown users, so failing for them costs what failing for others does. */
function fakeCredential(store: CredentialStore, m: ScramMechanism, user: string): ScramCredential {
  const salt = hmac(m, store.fakeSaltSecret, user);
  const key = hmac(m, store.fakeSaltSecret, `keys:${user}`);
  return { salt, iterations: MIN_ITERATIONS, storedKey: key, serverKey: key };
}

/**
 * PLAIN: "[authzid] NUL authcid NUL passwd". The password is checked against the user's SCRAM
 * credential (the only thing stored): PBKDF2 with its salt, then StoredKey compared.
 */
class PlainServer implements SaslServer {
  readonly mechanism = 'PLAIN' as const;
  user: string | undefined;
  private used = false;
  constructor(private readonly store: CredentialStore) {}

  async evaluate(token: Buffer): Promise<Buffer> {
    if (this.used) throw new SaslAuthenticationError('PLAIN takes exactly one client message');
    this.used = true;
    const parts = token.toString('utf8').split('\0');
    if (parts.length !== 3)
      throw new SaslAuthenticationError('Invalid SASL/PLAIN response: expected 3 tokens');
    const [authzid, user, password] = parts;
    if (user === '') throw new SaslAuthenticationError('Authentication failed: username not specified');
    if (password === '') throw new SaslAuthenticationError('Authentication failed: password not specified');
    if (authzid !== '' && authzid !== user) {
      throw new SaslAuthenticationError(
        'Authentication failed: Client requested an authorization id that is different from username',
      );
    }
    const found = this.store.any(user);
    const m = found?.mechanism ?? 'SCRAM-SHA-512';
    const cred = found?.credential ?? fakeCredential(this.store, m, user);
    const salted = await saltedPassword(m, password, cred.salt, cred.iterations);
    const candidate = credentialFromSalted(m, salted, cred.salt, cred.iterations);
    if (!found || !timingSafeEqual(candidate.storedKey, cred.storedKey)) {
      throw new SaslAuthenticationError('Authentication failed: Invalid username or password');
    }
    this.user = user;
    return Buffer.alloc(0);
  }
}

/** SCRAM without channel binding: client-first → server-first → client-final → server-final. */
class ScramServer implements SaslServer {
  user: string | undefined;
  private step: 'first' | 'final' | 'done' = 'first';
  private name = '';
  private nonce = '';
  private clientFirstBare = '';
  private serverFirst = '';
  private gs2Header = '';
  private credential: ScramCredential | undefined;
  private known = false;

  constructor(
    readonly mechanism: ScramMechanism,
    private readonly store: CredentialStore,
  ) {}

  async evaluate(token: Buffer): Promise<Buffer> {
    const text = token.toString('utf8');
    if (this.step === 'first') return this.first(text);
    if (this.step === 'final') return this.final(text);
    throw new SaslAuthenticationError(`${this.mechanism} exchange already complete`);
  }

  private first(text: string): Buffer {
    // gs2-header: "n," or "y," (no channel binding), optional "a=authzid", then ","
    const m = /^([ny]),(a=[^,]*)?,(.*)$/s.exec(text);
    if (!m) {
      const why = text.startsWith('p=') ? 'channel binding is not supported' : 'invalid client-first message';
      throw new SaslAuthenticationError(`${this.mechanism}: ${why}`);
    }
    this.gs2Header = `${m[1]},${m[2] ?? ''},`;
    this.clientFirstBare = m[3];
    const attrs = parseAttributes(this.clientFirstBare);
    const user = attrs.get('n');
    const clientNonce = attrs.get('r');
    if (!user || !clientNonce)
      throw new SaslAuthenticationError(`${this.mechanism}: invalid client-first message`);
    this.name = unescapeName(user);
    const authzid = m[2]?.slice(2);
    if (authzid && unescapeName(authzid) !== this.name) {
      throw new SaslAuthenticationError(
        'Authentication failed: Client requested an authorization id that is different from username',
      );
    }
    const cred = this.store.get(this.name, this.mechanism);
    this.known = cred !== undefined;
    this.credential = cred ?? fakeCredential(this.store, this.mechanism, this.name);
    this.nonce = clientNonce + randomBytes(18).toString('base64');
    this.serverFirst = `r=${this.nonce},s=${this.credential.salt.toString('base64')},i=${this.credential.iterations}`;
    this.step = 'final';
    return Buffer.from(this.serverFirst, 'utf8');
  }

  private final(text: string): Buffer {
    this.step = 'done';
    const proofAt = text.lastIndexOf(',p=');
    if (proofAt < 0) throw new SaslAuthenticationError(`${this.mechanism}: invalid client-final message`);
    const withoutProof = text.slice(0, proofAt);
    const attrs = parseAttributes(withoutProof);
    // Kafka accepts a final nonce that ends with the server's (client + server) nonce: librdkafka
    // sends its client nonce once more in front of it.
    if (!attrs.get('r')?.endsWith(this.nonce))
      throw new SaslAuthenticationError(`${this.mechanism}: invalid nonce`);
    if (attrs.get('c') !== Buffer.from(this.gs2Header, 'utf8').toString('base64')) {
      throw new SaslAuthenticationError(`${this.mechanism}: invalid channel binding`);
    }
    const proof = Buffer.from(text.slice(proofAt + 3), 'base64');
    const cred = this.credential!;
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const signature = hmac(this.mechanism, cred.storedKey, authMessage);
    if (proof.length !== signature.length) throw invalidCredentials(this.mechanism);
    const clientKey = Buffer.alloc(proof.length);
    for (let i = 0; i < proof.length; i++) clientKey[i] = proof[i] ^ signature[i];
    const ok = timingSafeEqual(digest(this.mechanism, clientKey), cred.storedKey);
    if (!ok || !this.known) throw invalidCredentials(this.mechanism);
    this.user = this.name;
    const serverSignature = hmac(this.mechanism, cred.serverKey, authMessage);
    return Buffer.from(`v=${serverSignature.toString('base64')}`, 'utf8');
  }
}

function parseAttributes(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq === 1) out.set(part[0], part.slice(2));
  }
  return out;
}

/** saslname of RFC 5802: "=2C" is ",", "=3D" is "=". */
const unescapeName = (s: string): string => s.replace(/=2C/g, ',').replace(/=3D/g, '=');

export const isSaslMechanism = (m: string): m is SaslMechanism => m === 'PLAIN' || isScramMechanism(m);
