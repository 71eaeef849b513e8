import { ErrorCode } from '../protocol/errors.js';
import type {
  AlterUserScramCredentialsRequest,
  AlterUserScramCredentialsResponse,
} from '../protocol/messages.generated.js';
import { Op } from '../security/authorizer.js';
import { mayOnCluster } from '../security/may.js';
import {
  credentialFromSalted,
  MAX_ITERATIONS,
  MIN_ITERATIONS,
  SCRAM_MECHANISM_CODE,
  SCRAM_MECHANISMS,
  type ScramMechanism,
} from '../security/scram-credential.js';
import type { ApiHandler } from './handler.js';

const mechanismOf = (code: number): ScramMechanism | undefined =>
  SCRAM_MECHANISMS.find((m) => SCRAM_MECHANISM_CODE[m] === code);

/**
 * AlterUserScramCredentials: upserts (the client sends salt, iterations and the salted password;
 * only StoredKey and ServerKey derived from it are kept) and deletions, one result per user, all
 * persisted (credentials file replaced, fsync'ed) before the answer. Checked as Kafka: ALTER on
 * the cluster (else every user CLUSTER_AUTHORIZATION_FAILED), an empty name or iterations outside
 * 4096–16384 → UNACCEPTABLE_CREDENTIAL, an unknown mechanism → UNSUPPORTED_SASL_MECHANISM,
 * deleting what does not exist → RESOURCE_NOT_FOUND, a user's mechanism twice in one request →
 * DUPLICATE_RESOURCE. A user with any error has none of its changes applied.
 */
export const alterUserScramCredentials: ApiHandler<
  AlterUserScramCredentialsRequest,
  AlterUserScramCredentialsResponse
> = {
  apiKey: 51,
  name: 'AlterUserScramCredentials',
  minVersion: 0,
  maxVersion: 0,
  async handle(req, ctx) {
    const users = [...new Set([...req.deletions, ...req.upsertions].map((x) => x.name))];
    if (!mayOnCluster(ctx, Op.ALTER)) {
      return {
        throttleTimeMs: 0,
        results: users.map((user) => ({
          user,
          errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
          errorMessage: null,
        })),
      };
    }
    const store = ctx.broker.credentials;
    const errors = new Map<string, { code: number; message: string }>();
    const fail = (user: string, code: number, message: string) => {
      if (!errors.has(user)) errors.set(user, { code, message });
    };
    const seen = new Set<string>();
    for (const x of [...req.deletions, ...req.upsertions]) {
      const key = `${x.name}\0${x.mechanism}`;
      if (seen.has(key))
        fail(
          x.name,
          ErrorCode.DUPLICATE_RESOURCE,
          'A user credential cannot be altered twice in the same request',
        );
      seen.add(key);
      if (x.name === '') fail(x.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Username must not be empty');
      if (!mechanismOf(x.mechanism))
        fail(x.name, ErrorCode.UNSUPPORTED_SASL_MECHANISM, 'Unknown SCRAM mechanism');
    }
    for (const d of req.deletions) {
      const m = mechanismOf(d.mechanism);
      if (m && !store.get(d.name, m)) {
        fail(d.name, ErrorCode.RESOURCE_NOT_FOUND, 'Attempt to delete a user credential that does not exist');
      }
    }
    for (const u of req.upsertions) {
      if (u.iterations < MIN_ITERATIONS)
        fail(u.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Too few iterations');
      if (u.iterations > MAX_ITERATIONS)
        fail(u.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Too many iterations');
      if (u.salt.length === 0 || u.saltedPassword.length === 0) {
        fail(u.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Salt and salted password must not be empty');
      }
    }
    const ok = (name: string) => !errors.has(name);
    await store.alter(
      req.upsertions
        .filter((u) => ok(u.name))
        .map((u) => {
          const mechanism = mechanismOf(u.mechanism)!;
          const credential = credentialFromSalted(
            mechanism,
            u.saltedPassword,
            Buffer.from(u.salt),
            u.iterations,
          );
          return { user: u.name, mechanism, credential };
        }),
      req.deletions
        .filter((d) => ok(d.name))
        .map((d) => ({ user: d.name, mechanism: mechanismOf(d.mechanism)! })),
    );
    return {
      throttleTimeMs: 0,
      results: users.map((user) => {
        const e = errors.get(user);
        return { user, errorCode: e?.code ?? ErrorCode.NONE, errorMessage: e?.message ?? null };
      }),
    };
  },
};
