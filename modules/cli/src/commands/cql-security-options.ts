import { readFileSync } from 'node:fs';
import { type CqlServerOptions, readCredentialsFile } from '@meterstream/cql-server';
import type { Argv } from 'yargs';

/** `meterstream cql-server`'s login and TLS flags (see modules/cql-server/README.md "Security"). */
export interface CqlSecurityArgs {
  authenticator: 'AllowAllAuthenticator' | 'PasswordAuthenticator';
  'superuser-credentials-file'?: string;
  'tls-cert'?: string;
  'tls-key'?: string;
}

export function withCqlSecurityOptions<T>(yargs: Argv<T>): Argv<T & CqlSecurityArgs> {
  return yargs
    .option('authenticator', {
      choices: ['AllowAllAuthenticator', 'PasswordAuthenticator'] as const,
      default: 'AllowAllAuthenticator' as const,
      describe: 'CQL: PasswordAuthenticator requires logins (and enforces GRANTs, CassandraAuthorizer)',
    })
    .option('superuser-credentials-file', {
      type: 'string',
      describe:
        'CQL: file with username=… and password=… lines: the bootstrap superuser (or CQL_SUPERUSER_USERNAME/CQL_SUPERUSER_PASSWORD)',
    })
    .option('tls-cert', {
      type: 'string',
      describe: 'CQL: PEM certificate chain; with --tls-key the port speaks TLS only',
    })
    .option('tls-key', { type: 'string', describe: 'CQL: PEM private key of --tls-cert' })
    .check((args) => {
      if (Boolean(args['tls-cert']) !== Boolean(args['tls-key']))
        throw new Error('--tls-cert and --tls-key go together');
      return true;
    }) as Argv<T & CqlSecurityArgs>;
}

export function cqlSecurity(
  args: CqlSecurityArgs,
  env: Record<string, string | undefined> = process.env,
): Partial<CqlServerOptions> {
  const file = args['superuser-credentials-file'];
  const fromEnv =
    env.CQL_SUPERUSER_USERNAME && env.CQL_SUPERUSER_PASSWORD
      ? { username: env.CQL_SUPERUSER_USERNAME, password: env.CQL_SUPERUSER_PASSWORD }
      : undefined;
  return {
    authenticator: args.authenticator,
    superuser: file ? readCredentialsFile(file) : fromEnv,
    tls:
      args['tls-cert'] && args['tls-key']
        ? { cert: readFileSync(args['tls-cert']), key: readFileSync(args['tls-key']) }
        : undefined,
  };
}
