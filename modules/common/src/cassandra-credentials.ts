import { readFileSync } from 'node:fs';
import { ConfigError } from './errors.js';

/** Environment variable holding the Cassandra password (there is deliberately no flag: `ps` shows flags). */
export const CASSANDRA_PASSWORD_ENV = 'METERSTREAM_CASSANDRA_PASSWORD';

export interface CassandraCredentials {
  username: string;
  password: string;
}

/**
 * The login for a Cassandra with PasswordAuthenticator, from (in this order) the credentials file
 * (`username=…` / `password=…` lines, `#` comments; the username line is optional there), the
 * username option and the METERSTREAM_CASSANDRA_PASSWORD variable. Undefined when neither a
 * username nor a password is configured (AllowAllAuthenticator clusters).
 */
export function resolveCassandraCredentials(
  username: string | null,
  credentialsFile: string | null,
  env: Record<string, string | undefined>,
): CassandraCredentials | undefined {
  let user = username ?? undefined;
  let password = env[CASSANDRA_PASSWORD_ENV] || undefined;
  if (credentialsFile) {
    const origin = '--cassandra-credentials-file';
    let text: string;
    try {
      text = readFileSync(credentialsFile, 'utf8');
    } catch (error) {
      throw new ConfigError(origin, credentialsFile, `cannot read it: ${(error as Error).message}`);
    }
    for (const line of text.split(/\r?\n/)) {
      if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
      const eq = line.indexOf('=');
      if (eq < 0) throw new ConfigError(origin, credentialsFile, 'expected username=… and password=… lines');
      const key = line.slice(0, eq).trim();
      if (key === 'username') user = line.slice(eq + 1).trim();
      else if (key === 'password') password = line.slice(eq + 1);
      else throw new ConfigError(origin, credentialsFile, `unknown key ${JSON.stringify(key)}`);
    }
  }
  if (user === undefined && password === undefined) return undefined;
  if (!user)
    throw new ConfigError(
      '--cassandra-username',
      'configuration',
      'a Cassandra password is set but no username',
    );
  if (!password) {
    throw new ConfigError(
      '--cassandra-credentials-file',
      'configuration',
      `a Cassandra username is set but no password (give a credentials file or ${CASSANDRA_PASSWORD_ENV})`,
    );
  }
  return { username: user, password };
}
