import { ErrorCode } from '../protocol/errors.js';
import type { SaslAuthenticateRequest, SaslAuthenticateResponse } from '../protocol/messages.generated.js';
import { SaslAuthenticationError } from '../security/sasl-server.js';
import type { ApiHandler } from './handler.js';

/**
 * SaslAuthenticate: one token of the exchange SaslHandshake v1 started. Success of the last step
 * makes the connection's principal "User:<name>". A failure is answered with
 * SASL_AUTHENTICATION_FAILED and its message after connection.failed.authentication.delay.ms,
 * then the connection is closed (as Kafka does); nothing else changes. No re-authentication (session lifetime 0).
 */
export const saslAuthenticate: ApiHandler<SaslAuthenticateRequest, SaslAuthenticateResponse> = {
  apiKey: 36,
  name: 'SaslAuthenticate',
  minVersion: 0,
  maxVersion: 2,
  async handle(req, ctx) {
    const session = ctx.session;
    const sasl = session.sasl;
    if (!sasl || session.rawTokens || session.authenticated) {
      session.closeAfterResponse = true;
      return {
        errorCode: ErrorCode.ILLEGAL_SASL_STATE,
        errorMessage: 'Unexpected SaslAuthenticate request: no SaslHandshake v1 exchange in progress',
        authBytes: Buffer.alloc(0),
        sessionLifetimeMs: 0n,
      };
    }
    try {
      const authBytes = await sasl.evaluate(req.authBytes);
      if (sasl.user !== undefined) {
        session.principal = `User:${sasl.user}`;
        session.authenticated = true;
      }
      return { errorCode: ErrorCode.NONE, errorMessage: null, authBytes, sessionLifetimeMs: 0n };
    } catch (err) {
      if (!(err instanceof SaslAuthenticationError)) throw err;
      ctx.broker.metrics.authFailures.inc({ mechanism: sasl.mechanism });
      ctx.broker.logger.info(
        { peer: ctx.peer, mechanism: sasl.mechanism, err: err.message },
        'SASL authentication failed',
      );
      session.closeAfterResponse = true;
      const delay = ctx.broker.config.security.failedAuthenticationDelayMs;
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      return {
        errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED,
        errorMessage: err.message,
        authBytes: Buffer.alloc(0),
        sessionLifetimeMs: 0n,
      };
    }
  },
};
