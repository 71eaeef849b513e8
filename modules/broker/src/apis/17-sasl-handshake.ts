import { ErrorCode } from '../protocol/errors.js';
import type { SaslHandshakeRequest, SaslHandshakeResponse } from '../protocol/messages.generated.js';
import { createSaslServer } from '../security/sasl-server.js';
import type { ApiHandler } from './handler.js';

/**
 * SaslHandshake: picks the mechanism of the exchange. v1 is followed by SaslAuthenticate
 * requests; v0 by bare tokens without a Kafka header (the connection reads those, see
 * server/connection.ts). An unknown or disabled mechanism → UNSUPPORTED_SASL_MECHANISM with the
 * enabled ones; a second handshake, or one on a listener without SASL → ILLEGAL_SASL_STATE.
 */
export const saslHandshake: ApiHandler<SaslHandshakeRequest, SaslHandshakeResponse> = {
  apiKey: 17,
  name: 'SaslHandshake',
  minVersion: 0,
  maxVersion: 1,
  handle(req, ctx) {
    const { security } = ctx.broker.config;
    const mechanisms = [...security.saslEnabledMechanisms];
    const session = ctx.session;
    if (!security.sasl || session.sasl || session.authenticated) {
      session.closeAfterResponse = true;
      return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms };
    }
    const mechanism = security.saslEnabledMechanisms.find((m) => m === req.mechanism);
    if (!mechanism) {
      session.closeAfterResponse = true;
      return { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms };
    }
    session.sasl = createSaslServer(mechanism, ctx.broker.credentials);
    session.rawTokens = ctx.apiVersion === 0;
    return { errorCode: ErrorCode.NONE, mechanisms };
  },
};
