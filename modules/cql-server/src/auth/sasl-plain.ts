import { CqlError, ErrorCode } from '../protocol/errors.js';

/**
 * Decodes a SASL PLAIN token (RFC 4616): `[authzid] NUL authcid NUL passwd`, as Cassandra's
 * PlainTextSaslAuthenticator reads it (from the end: the password after the last NUL, the user
 * before it; an authorization id is ignored).
 */
export function decodePlainToken(token: Buffer | null): { username: string; password: string } {
  if (token === null) throw new CqlError(ErrorCode.badCredentials, 'Password must not be null');
  const last = token.lastIndexOf(0);
  if (last < 0) throw new CqlError(ErrorCode.badCredentials, 'Password must not be null');
  const password = token.subarray(last + 1).toString('utf8');
  // lastIndexOf with a negative offset would count from the end: an empty user is checked first.
  if (last === 0) throw new CqlError(ErrorCode.badCredentials, 'Authentication ID must not be null');
  const before = token.lastIndexOf(0, last - 1);
  const username = token.subarray(before + 1, last).toString('utf8');
  if (username === '') throw new CqlError(ErrorCode.badCredentials, 'Authentication ID must not be null');
  if (password === '') throw new CqlError(ErrorCode.badCredentials, 'Password must not be null');
  return { username, password };
}
