import { readFileSync } from 'node:fs';
import type { BrokerOptions } from '@meterstream/broker';
import { readCredentialsFile, type UserCredential } from '@meterstream/security';
import type { Argv } from 'yargs';

/**
 * `meterstream broker`'s security flags: the same names and meaning as `meterstream-broker`'s
 * (modules/broker/README.md "Security", Kafka's setting names). Passwords never go on the command
 * line: SASL users come from a file or METERSTREAM_SASL_USERS, registry users from a credentials file.
 */
export interface BrokerSecurityArgs {
  'security-protocol': 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
  'sasl-enabled-mechanisms'?: string;
  'sasl-users-file'?: string;
  'tls-cert'?: string;
  'tls-key'?: string;
  'super-users'?: string;
  authorizer: 'acl' | 'none';
  'allow-everyone-if-no-acl-found': boolean;
  'connection-failed-authentication-delay-ms'?: number;
  'schema-registry-credentials'?: string;
  'schema-registry-tls': boolean;
  insecure: boolean;
}

export function withBrokerSecurityOptions<T>(yargs: Argv<T>): Argv<T & BrokerSecurityArgs> {
  return yargs
    .option('security-protocol', {
      choices: ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const,
      default: 'PLAINTEXT' as const,
      describe: "The listener's protocol (SSL and SASL_SSL need --tls-cert and --tls-key)",
    })
    .option('sasl-enabled-mechanisms', {
      type: 'string',
      describe: 'sasl.enabled.mechanisms, comma-separated [default: PLAIN,SCRAM-SHA-256,SCRAM-SHA-512]',
    })
    .option('sasl-users-file', {
      type: 'string',
      describe: 'File of user:password lines: SCRAM users created at start (or METERSTREAM_SASL_USERS)',
    })
    .option('tls-cert', { type: 'string', describe: 'PEM certificate chain of the TLS listener' })
    .option('tls-key', { type: 'string', describe: 'PEM private key of --tls-cert' })
    .option('super-users', {
      type: 'string',
      describe: 'super.users, semicolon-separated principals ("User:admin;User:ops")',
    })
    .option('authorizer', {
      choices: ['acl', 'none'] as const,
      default: 'none' as const,
      describe: 'acl: enforce the ACLs (CreateAcls …) on every request',
    })
    .option('allow-everyone-if-no-acl-found', {
      type: 'boolean',
      default: false,
      describe: 'allow.everyone.if.no.acl.found: a resource no ACL names is open to all',
    })
    .option('connection-failed-authentication-delay-ms', {
      type: 'number',
      describe: 'A failed login is answered this much later [default: 100]',
    })
    .option('schema-registry-credentials', {
      type: 'string',
      default: process.env.METERSTREAM_SCHEMA_REGISTRY_CREDENTIALS,
      describe:
        'Basic auth users of the Schema Registry ({"users":[…]}, e.g. <data-dir>/security/credentials.json) [env METERSTREAM_SCHEMA_REGISTRY_CREDENTIALS]',
    })
    .option('schema-registry-tls', {
      type: 'boolean',
      default: false,
      describe: 'Serve the Schema Registry over HTTPS with --tls-cert and --tls-key',
    })
    .option('insecure', {
      type: 'boolean',
      default: false,
      describe: 'Listen beyond loopback without authentication (SASL on Kafka, credentials on the registry)',
    })
    .check((args) => {
      if (Boolean(args['tls-cert']) !== Boolean(args['tls-key']))
        throw new Error('--tls-cert and --tls-key go together');
      if (args['schema-registry-tls'] && !args['tls-cert'])
        throw new Error('--schema-registry-tls needs --tls-cert and --tls-key');
      return true;
    }) as Argv<T & BrokerSecurityArgs>;
}

/** The broker's SecurityOptions from the flags (users of METERSTREAM_SASL_USERS too). */
export function brokerSecurity(
  args: BrokerSecurityArgs,
  env: Record<string, string | undefined> = process.env,
): Partial<BrokerOptions> {
  return {
    securityProtocol: args['security-protocol'],
    saslEnabledMechanisms: args['sasl-enabled-mechanisms']?.split(',').map((m) => m.trim()),
    tlsCertFile: args['tls-cert'],
    tlsKeyFile: args['tls-key'],
    superUsers: args['super-users']
      ?.split(';')
      .map((u) => u.trim())
      .filter((u) => u !== ''),
    authorizer: args.authorizer,
    allowEveryoneIfNoAclFound: args['allow-everyone-if-no-acl-found'],
    saslUsersFile: args['sasl-users-file'],
    saslUsers: env.METERSTREAM_SASL_USERS ? parseUserLines(env.METERSTREAM_SASL_USERS) : undefined,
    failedAuthenticationDelayMs: args['connection-failed-authentication-delay-ms'],
  };
}

/** Whether clients must authenticate on the Kafka listener. */
export function brokerRequiresLogin(args: BrokerSecurityArgs): boolean {
  return args['security-protocol'] === 'SASL_PLAINTEXT' || args['security-protocol'] === 'SASL_SSL';
}

/** The registry's Basic auth users and TLS from the flags. */
export async function registrySecurity(
  args: BrokerSecurityArgs,
): Promise<{ users?: UserCredential[]; tls?: { key: string; cert: string } }> {
  return {
    users: args['schema-registry-credentials']
      ? await readCredentialsFile(args['schema-registry-credentials'])
      : undefined,
    tls:
      args['schema-registry-tls'] && args['tls-cert'] && args['tls-key']
        ? { cert: readFileSync(args['tls-cert'], 'utf8'), key: readFileSync(args['tls-key'], 'utf8') }
        : undefined,
  };
}

/** `user:password` lines (the first colon separates), as the broker's users file. */
function parseUserLines(text: string): { user: string; password: string }[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line, i) => {
      const colon = line.indexOf(':');
      if (colon <= 0 || colon === line.length - 1)
        throw new Error(`METERSTREAM_SASL_USERS line ${i + 1}: expected user:password`);
      return { user: line.slice(0, colon), password: line.slice(colon + 1) };
    });
}
