/**
 * Basic-auth credentials of the HTTP endpoints this process talks to, by origin (as curl's .netrc
 * keys them by host). `loadConfig` records the Schema Registry's, so every registry client of the
 * process (`createSchemaRegistry`, the KSQL engine's) authenticates without each caller threading
 * a password through: the URL stays free of secrets and fit for log lines.
 */
export interface HttpCredentials {
  username: string;
  password: string;
}

const byOrigin = new Map<string, HttpCredentials>();

function origin(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined; // not a URL: no credentials can belong to it
  }
}

/** Records (or, with undefined, forgets) the credentials of `url`'s origin. */
export function setHttpCredentials(url: string, credentials: HttpCredentials | undefined): void {
  const key = origin(url);
  if (key === undefined) return;
  if (credentials) byOrigin.set(key, credentials);
  else byOrigin.delete(key);
}

export function httpCredentialsFor(url: string): HttpCredentials | undefined {
  const key = origin(url);
  return key === undefined ? undefined : byOrigin.get(key);
}

/** `{ Authorization: 'Basic …' }` for `url` when credentials are recorded for it, else `{}`. */
export function basicAuthHeaders(url: string): Record<string, string> {
  const c = httpCredentialsFor(url);
  return c ? { Authorization: `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}` } : {};
}
