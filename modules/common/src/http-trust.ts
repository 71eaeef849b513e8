import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { Agent as FetchAgent, fetch as undiciFetch } from 'undici';
import { ConfigError } from './errors.js';

/**
 * The CA each HTTPS origin this process talks to is verified against, by origin (as
 * http-credentials.ts keeps Basic-auth logins). `loadConfig` records the secured stack's CA for
 * the stack's https:// endpoints (Schema Registry, S3), so every client built by
 * `createSchemaRegistry` / `createS3Client` trusts it without each caller threading a CA — and
 * without NODE_TLS_REJECT_UNAUTHORIZED, which turns verification off for every connection.
 */
const agents = new Map<string, Agent>();
/**
 * The same trust for fetch-based clients (the ksql registry client and CLI, the dashboard's
 * scrapes): Node's global fetch takes no CA, so these requests go through undici's own fetch with a
 * dispatcher of the same undici — a dispatcher from another undici major (Node 20 bundles 6.x,
 * Node 24 7.x) is not safe to hand to the global fetch.
 */
const dispatchers = new Map<string, FetchAgent>();

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
  void dispatchers.get(key)?.close();
  if (ca === undefined) {
    agents.delete(key);
    dispatchers.delete(key);
    return;
  }
  // keepAlive: the registry and S3 clients make many small requests to one origin.
  agents.set(key, new Agent({ ca, keepAlive: true, minVersion: 'TLSv1.2' }));
  dispatchers.set(key, new FetchAgent({ connect: { ca, minVersion: 'TLSv1.2' } }));
}

/** The agent trusting the CA recorded for `url`'s origin, if any (else the client's default, system CAs). */
export function httpsAgentFor(url: string | null | undefined): Agent | undefined {
  const key = url ? httpsOrigin(url) : undefined;
  return key === undefined ? undefined : agents.get(key);
}

/**
 * `fetch`, verifying an https:// origin against the CA recorded for it (else the system CAs, as the
 * global fetch does). Every meterstream fetch to a stack endpoint goes through here.
 */
export function trustedFetch(input: string | URL, init?: RequestInit): Promise<Response> {
  const dispatcher = dispatchers.get(httpsOrigin(input.toString()) ?? '');
  if (!dispatcher) return fetch(input, init);
  // The two fetches' types differ only in undici-version details; the objects are the web API's.
  return undiciFetch(input, { ...(init as object), dispatcher }) as unknown as Promise<Response>;
}

/**
 * Trusts the secured stack's CA file for those of `urls` that are https:// (the stack's HTTP
 * endpoints once served over TLS); plain http:// URLs and an unreadable-but-unneeded file are left alone.
 */
export function trustStackCa(
  caFile: string,
  urls: ReadonlyArray<string | null | undefined>,
  /** The setting a bad file is reported against. */
  flag = '--data-dir',
): void {
  const https = urls.filter((url): url is string => !!url && httpsOrigin(url) !== undefined);
  if (https.length === 0) return;
  let ca: string;
  try {
    ca = readFileSync(caFile, 'utf8');
  } catch (error) {
    throw new ConfigError(flag, caFile, `cannot read the CA: ${(error as Error).message}`);
  }
  for (const url of https) setHttpsCa(url, ca);
}
