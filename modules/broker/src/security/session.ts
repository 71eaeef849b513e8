/**
 * What a connection knows about its client's identity: the principal requests are authorized as
 * ("User:ANONYMOUS" until a SASL exchange names someone, as in Kafka), the client's address (ACL
 * hosts), and the state of the SASL exchange the SaslHandshake / SaslAuthenticate handlers drive.
 */
import type { SaslServer } from './sasl-server.js';

export const ANONYMOUS = 'User:ANONYMOUS';

export interface Session {
  principal: string;
  /** The client's IP address, as ACL bindings name hosts. */
  readonly host: string;
  /** True once SASL succeeded, or from the start on a listener without SASL. */
  authenticated: boolean;
  /** The exchange a SaslHandshake started; undefined before it. */
  sasl: SaslServer | undefined;
  /** SaslHandshake v0: the tokens that follow are bare size-prefixed frames, without a header. */
  rawTokens: boolean;
  /** Set by a handler whose answer must be the last one (a failed authentication). */
  closeAfterResponse: boolean;
}

export function newSession(host: string, needsSasl: boolean): Session {
  return {
    principal: ANONYMOUS,
    host,
    authenticated: !needsSasl,
    sasl: undefined,
    rawTokens: false,
    closeAfterResponse: false,
  };
}
