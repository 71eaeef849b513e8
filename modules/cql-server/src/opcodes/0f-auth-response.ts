import { DUMMY_HASH, verifyPassword } from '../auth/password-hash.js';
import { decodePlainToken } from '../auth/sasl-plain.js';
import { CqlError, ErrorCode, protocolError } from '../protocol/errors.js';
import { Opcode } from '../protocol/frame.js';
import type { Handler } from '../server/context.js';

/** AUTH_SUCCESS carries a final SASL token; PLAIN has none: a null [bytes] (length -1). */
const NO_TOKEN = Buffer.from([0xff, 0xff, 0xff, 0xff]);

/**
 * AUTH_RESPONSE: a SASL PLAIN token checked against the role's salted hash. Unknown roles are
 * checked against a dummy hash, so both failures take as long and answer the same message, as
 * Cassandra's PasswordAuthenticator does. A failed attempt leaves the connection waiting for another
 * AUTH_RESPONSE (drivers close it themselves).
 */
export const handleAuthResponse: Handler = async (core, conn, body) => {
  const auth = core.db.auth;
  if (!auth || !conn.authenticating)
    throw protocolError('Unexpected message AUTH_RESPONSE: no authentication is in progress');
  const { username, password } = decodePlainToken(body.bytes());
  const delay = auth.throttle.delayFor(conn.address, username);
  if (delay > 0) {
    core.metrics.failedLoginDelays.inc();
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
  const role = auth.roles.role(username);
  const matches = await verifyPassword(password, role?.saltedHash ?? DUMMY_HASH);
  if (!role?.saltedHash || !matches) {
    auth.throttle.failed(conn.address, username);
    core.log.info({ peer: conn.peer, username }, 'authentication failed: bad credentials');
    throw new CqlError(
      ErrorCode.badCredentials,
      `Provided username ${username} and/or password are incorrect`,
    );
  }
  if (!role.login) {
    core.log.info({ peer: conn.peer, username }, 'authentication failed: role may not log in');
    throw new CqlError(ErrorCode.badCredentials, `${username} is not permitted to log in`);
  }
  auth.throttle.succeeded(conn.address, username);
  conn.authenticating = false;
  conn.session.user = username;
  return { opcode: Opcode.authSuccess, body: NO_TOKEN };
};
