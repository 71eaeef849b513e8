import {
  type AccessLevel,
  BasicAuthenticator,
  type ErrorBody,
  httpBasicAuthGuard,
  type UserCredential,
} from '@meterstream/security';

/**
 * The access a ksqlDB REST request needs under Basic auth: queries and server information `read`;
 * statements (`/ksql`, which may create or drop) and inserts `write`; terminating every query
 * `admin`. ksqlDB itself authenticates (JAAS) and leaves authorization to Kafka ACLs; a level per
 * endpoint is the nearest this single process can offer.
 */
export function ksqlRequiredAccess(method: string, path: string): AccessLevel {
  if (method === 'GET') return 'read';
  if (path === '/ksql/terminate') return 'admin';
  if (path === '/ksql' || path === '/inserts-stream') return 'write';
  return 'read';
}

/** ksqlDB's KsqlErrorMessage for 401 (40100) and 403 (40300). */
const ksqlDenial: ErrorBody = (denied) => ({
  contentType: 'application/json',
  body: JSON.stringify({
    '@type': 'generic_error',
    error_code: denied.status === 401 ? 40100 : 40300,
    message:
      denied.status === 401
        ? 'Unauthorized'
        : `User ${denied.username} is not permitted to perform this operation`,
  }),
});

export function ksqlAuthGuard(users: UserCredential[]): ReturnType<typeof httpBasicAuthGuard> {
  return httpBasicAuthGuard(new BasicAuthenticator(users, 'KsqlServer'), ksqlDenial);
}
