import { BasicAuthenticator } from './basic-auth.js';
import type { UserCredential } from './credentials.js';
import {
  type GuardedRequest,
  type GuardedResponse,
  httpBasicAuthGuard,
  plainTextError,
} from './http-guard.js';

/** How a /metrics endpoint is protected: Basic auth users and/or TLS; nothing when absent. */
export interface EndpointSecurity {
  users?: UserCredential[];
  /** `tlsServerOptions(bundle)`: serve HTTPS. */
  tls?: { key: string; cert: string };
}

/**
 * The check a Prometheus /metrics handler runs first: with users, any of them may scrape (`read`),
 * others get 401 with the Basic challenge (what Prometheus' `basic_auth` answers). Without users
 * every request passes.
 */
export function metricsGuard(
  security: EndpointSecurity | undefined,
): (req: GuardedRequest, res: GuardedResponse) => boolean {
  if (!security?.users) return () => true;
  const guard = httpBasicAuthGuard(new BasicAuthenticator(security.users, 'metrics'), plainTextError);
  return (req, res) => guard(req, res, 'read');
}
