import { Opcode } from '../protocol/frame.js';
import { protocolError } from '../protocol/errors.js';
import { BodyWriter } from '../protocol/writer.js';
import type { Handler } from '../server/context.js';

/** The class name drivers see in AUTHENTICATE; they pick their SASL PLAIN provider by it. */
export const PASSWORD_AUTHENTICATOR_CLASS = 'org.apache.cassandra.auth.PasswordAuthenticator';

/**
 * STARTUP: options map; compression is not offered (SUPPORTED lists none), so asking for it is an
 * error. With PasswordAuthenticator the answer is AUTHENTICATE and only AUTH_RESPONSE is accepted
 * until the login succeeded; otherwise READY.
 */
export const handleStartup: Handler = (core, conn, body) => {
  const options = body.stringMap();
  const compression = options.get('COMPRESSION');
  if (compression) throw protocolError(`Unknown compression algorithm: ${compression}`);
  const cqlVersion = options.get('CQL_VERSION');
  if (cqlVersion && !cqlVersion.startsWith('3.')) {
    throw protocolError(`Invalid or unsupported CQL version ${cqlVersion}; supported is 3.4.4`);
  }
  conn.started = true;
  if (core.db.auth) {
    conn.authenticating = true;
    return {
      opcode: Opcode.authenticate,
      body: new BodyWriter(64).string(PASSWORD_AUTHENTICATOR_CLASS).toBuffer(),
    };
  }
  return { opcode: Opcode.ready, body: Buffer.alloc(0) };
};
