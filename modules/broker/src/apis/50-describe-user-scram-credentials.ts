import { ErrorCode } from '../protocol/errors.js';
import type {
  DescribeUserScramCredentialsRequest,
  DescribeUserScramCredentialsResponse,
  DescribeUserScramCredentialsResponseDescribeUserScramCredentialsResult as Result,
} from '../protocol/messages.generated.js';
import { Op } from '../security/authorizer.js';
import { mayOnCluster } from '../security/may.js';
import { SCRAM_MECHANISM_CODE } from '../security/scram-credential.js';
import type { ApiHandler } from './handler.js';

/**
 * DescribeUserScramCredentials: per user, the mechanisms and iteration counts of its credentials
 * (never salts or keys). Null or empty users = every user with a credential. As Kafka: DESCRIBE
 * on the cluster (else a top-level CLUSTER_AUTHORIZATION_FAILED), RESOURCE_NOT_FOUND for a user
 * without credentials, DUPLICATE_RESOURCE for a user named twice.
 */
export const describeUserScramCredentials: ApiHandler<
  DescribeUserScramCredentialsRequest,
  DescribeUserScramCredentialsResponse
> = {
  apiKey: 50,
  name: 'DescribeUserScramCredentials',
  minVersion: 0,
  maxVersion: 0,
  handle(req, ctx) {
    if (!mayOnCluster(ctx, Op.DESCRIBE)) {
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
        errorMessage: null,
        results: [],
      };
    }
    const store = ctx.broker.credentials;
    const listed = store.list();
    const describe = (user: string): Result => {
      const found = listed.find((u) => u.user === user);
      if (!found) {
        return {
          user,
          errorCode: ErrorCode.RESOURCE_NOT_FOUND,
          errorMessage: 'Attempt to describe a user credential that does not exist',
          credentialInfos: [],
        };
      }
      return {
        user,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        credentialInfos: found.mechanisms.map((m) => ({
          mechanism: SCRAM_MECHANISM_CODE[m.mechanism],
          iterations: m.iterations,
        })),
      };
    };
    const asked = req.users?.map((u) => u.name) ?? [];
    const results =
      asked.length === 0
        ? listed.map((u) => describe(u.user))
        : [...new Set(asked)].map((user) =>
            asked.filter((x) => x === user).length > 1
              ? {
                  user,
                  errorCode: ErrorCode.DUPLICATE_RESOURCE,
                  errorMessage:
                    'Cannot describe SCRAM credentials for the same user twice in a single request',
                  credentialInfos: [],
                }
              : describe(user),
          );
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, results };
  },
};
