import { type MeterstreamConfig, secureStackFiles } from '@meterstream/common';
import { type EndpointSecurity, readCredentialsFile } from '@meterstream/security';

/**
 * The /metrics protection of an app on a stack started with `up --secure` (its data directory
 * holds the stack's credentials): Basic auth with the stack's users. None otherwise.
 */
export async function appMetricsSecurity(
  config: Pick<MeterstreamConfig, 'securityUser' | 'dataDir'>,
): Promise<EndpointSecurity | undefined> {
  if (!config.securityUser) return undefined;
  return { users: await readCredentialsFile(secureStackFiles(config.dataDir).credentials) };
}
