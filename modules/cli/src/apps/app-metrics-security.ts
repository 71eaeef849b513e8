import type { MeterstreamConfig } from '@meterstream/common';
import { type EndpointSecurity, loadSecurityBundle, tlsServerOptions } from '@meterstream/security';

/**
 * The /metrics protection of an app on a stack started with `up --secure` (its data directory
 * holds the stack's security bundle): HTTPS with the stack's server certificate and Basic auth
 * with the stack's users, as every other HTTP endpoint of that stack. None otherwise.
 */
export async function appMetricsSecurity(
  config: Pick<MeterstreamConfig, 'securityUser' | 'dataDir'>,
): Promise<EndpointSecurity | undefined> {
  if (!config.securityUser) return undefined;
  const bundle = await loadSecurityBundle(config.dataDir);
  return { users: bundle.users, tls: tlsServerOptions(bundle) };
}
