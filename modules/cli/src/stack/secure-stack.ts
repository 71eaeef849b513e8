import { rm, writeFile } from 'node:fs/promises';
import type { BrokerOptions } from '@meterstream/broker';
import { type SecureStackProfile, secureStackFiles } from '@meterstream/common';
import type { AccessKey } from '@meterstream/s3-server';
import { ADMIN_USER, type SecurityBundle } from '@meterstream/security';

/**
 * The broker of a secured stack: one SASL_SSL listener (the bundle's server certificate), every
 * bundle user a SCRAM user, ACLs enforced with admin as the only super user and nothing allowed
 * where no ACL says so (Kafka's default).
 */
export function secureBrokerOptions(bundle: SecurityBundle): Partial<BrokerOptions> {
  return {
    securityProtocol: 'SASL_SSL',
    tlsCertFile: bundle.paths.serverCert,
    tlsKeyFile: bundle.paths.serverKey,
    saslUsers: bundle.users.map((u) => ({ user: u.username, password: u.password })),
    superUsers: [`User:${ADMIN_USER}`],
    authorizer: 'acl',
    allowEveryoneIfNoAclFound: false,
  };
}

/**
 * One S3 key pair per bundle user (access key id = user name, secret = its password): admin may do
 * everything; the S3 sink, the batch job and ksql read and write the lake bucket; the others read.
 */
export function secureS3Keys(bundle: SecurityBundle, bucket: string): AccessKey[] {
  const writers = new Set(['sink', 'batch', 'ksql']);
  return bundle.users.map(
    (u): AccessKey =>
      u.username === ADMIN_USER
        ? { accessKeyId: u.username, secretAccessKey: u.password }
        : {
            accessKeyId: u.username,
            secretAccessKey: u.password,
            grants: [{ bucket, access: writers.has(u.username) ? 'read-write' : 'read' }],
          },
  );
}

/** The profile the other meterstream processes read (common's secure-stack.ts); 0600, no secrets. */
export async function writeStackProfile(dataDir: string, endpoints: Record<string, string>): Promise<void> {
  const profile: SecureStackProfile = { kafkaSaslMechanism: 'scram-sha-512', endpoints };
  await writeFile(secureStackFiles(dataDir).profile, `${JSON.stringify(profile, null, 2)}\n`, {
    mode: 0o600,
  });
}

/** An open `up` in a directory once secured: its processes must not try to log in any more. */
export async function removeStackProfile(dataDir: string): Promise<void> {
  await rm(secureStackFiles(dataDir).profile, { force: true });
}

/** The credentials, printed once when `up --secure` generates them (README "Security"). */
export function credentialsBanner(bundle: SecurityBundle): string[] {
  const width = Math.max(...bundle.users.map((u) => u.username.length));
  return [
    'Generated credentials (printed this once; kept in',
    `  ${bundle.paths.credentials}, mode 0600):`,
    ...bundle.users.map((u) => `  ${u.username.padEnd(width)}  ${u.password}  (${u.access})`),
    `Clients trust the CA ${bundle.paths.caCert}.`,
  ];
}
