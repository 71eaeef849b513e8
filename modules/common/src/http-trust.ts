import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { ConfigError } from './errors.js';

/**
 * The CA each HTTPS origin this process talks to is verified against, by origin (as
 * http-credentials.ts keeps Basic-auth logins). `loadConfig` records the secured stack's CA for
 * the stack's https:// endpoints (Schema Registry, S3), so every client built by
 * `createSchemaRegistry` / `createS3Client` trusts it without each caller threading a CA — and
 * without NODE_TLS_REJECT_UNAUTHORIZED, which turns verification off for every connection.
 */
const agents = new Map<string, Agent>();

function httpsOrigin(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}

/** Trust `ca` (PEM) for `url`'s origin when it is https://; undefined forgets it. http:// URLs are ignored. */
export function setHttpsCa(url: string, ca: string | undefined): void {
  const key = httpsOrigin(url);
  if (key === undefined) return;
  agents.get(key)?.destroy();
  if (ca === undefined) agents.delete(key);
  // keepAlive: the registry and S3 clients make many small requests to one origin.
  else agents.set(key, new Agent({ ca, keepAlive: true, minVersion: 'TLSv1.2' }));
}

/** The agent trusting the CA recorded for `url`'s origin, if any (else the client's default, system CAs). */
export function httpsAgentFor(url: string | null | undefined): Agent | undefined {
  const key = url ? httpsOrigin(url) : undefined;
  return key === undefined ? undefined : agents.get(key);
}

/**
 * Trusts the secured stack's CA file for those of `urls` that are https:// (the stack's HTTP
 * endpoints once served over TLS); plain http:// URLs and an unreadable-but-unneeded file are left alone.
 */
export function trustStackCa(caFile: string, urls: ReadonlyArray<string | null | undefined>): void {
  const https = urls.filter((url): url is string => !!url && httpsOrigin(url) !== undefined);
  if (https.length === 0) return;
  let ca: string;
  try {
    ca = readFileSync(caFile, 'utf8');
  } catch (error) {
    throw new ConfigError('--data-dir', caFile, `cannot read the stack CA: ${(error as Error).message}`);
  }
  for (const url of https) setHttpsCa(url, ca);
}
