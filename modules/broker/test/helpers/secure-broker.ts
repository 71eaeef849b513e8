import { rmSync } from 'node:fs';
import {
  type AclEntry,
  AclPermissionTypes,
  type ITopicConfig,
  Kafka,
  logLevel,
  ResourcePatternTypes,
  type SASLOptions,
} from 'kafkajs';
import type { BrokerOptions } from '../../src/index.js';
import { selfSignedCert } from '@meterstream/test-support';
import { startTestBroker, type TestBroker } from './broker.js';

export const USERS = {
  admin: 'admin-secret',
  alice: 'alice-secret',
  bob: 'bob-secret',
} as const;

export interface SecureBroker extends TestBroker {
  /** The self-signed certificate clients trust (PEM). */
  cert: Buffer;
  certFile: string;
}

/**
 * A SASL_SSL broker with the ACL authorizer on: admin (super user), alice and bob, each with
 * SCRAM-SHA-256/512 credentials; a self-signed certificate for 127.0.0.1.
 */
export async function startSecureBroker(options: Partial<BrokerOptions> = {}): Promise<SecureBroker> {
  const tls = selfSignedCert();
  const b = await startTestBroker({
    securityProtocol: 'SASL_SSL',
    tlsCertFile: tls.certFile,
    tlsKeyFile: tls.keyFile,
    saslUsers: Object.entries(USERS).map(([user, password]) => ({ user, password })),
    authorizer: 'acl',
    superUsers: ['User:admin'],
    ...options,
  });
  return {
    ...b,
    cert: tls.cert,
    certFile: tls.certFile,
    async close() {
      await b.close();
      rmSync(tls.dir, { recursive: true, force: true });
    },
  };
}

export function saslClient(b: SecureBroker, sasl: SASLOptions | undefined, clientId = 'sec-test'): Kafka {
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
  return new Kafka({
    brokers: [b.bootstrap],
    clientId,
    logLevel: logLevel.NOTHING,
    ssl: { ca: [b.cert] },
    sasl,
    connectionTimeout: 5000,
    retry: { retries: 0 },
  });
}

export type SecureUser = keyof typeof USERS;
export type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

/** A client that logs in as one of USERS with its password (SCRAM-SHA-512 unless said). */
export function userClient(
  b: SecureBroker,
  user: SecureUser,
  mechanism: SaslMechanism = 'scram-sha-512',
): Kafka {
  return saslClient(b, { mechanism, username: user, password: USERS[user] } as SASLOptions);
}

/** An ALLOW binding for `principal` (User:alice unless said) from any host. */
export function allowAcl(
  resourceType: number,
  resourceName: string,
  operation: number,
  options: { patternType?: number; principal?: string } = {},
): AclEntry {
  return {
    resourceType,
    resourceName,
    resourcePatternType: options.patternType ?? ResourcePatternTypes.LITERAL,
    principal: options.principal ?? 'User:alice',
    host: '*',
    operation,
    permissionType: AclPermissionTypes.ALLOW,
  };
}

/** Creates ACL bindings as admin (the super user). */
export async function grantAcls(b: SecureBroker, acl: AclEntry[]): Promise<void> {
  const admin = userClient(b, 'admin').admin();
  await admin.connect();
  try {
    await admin.createAcls({ acl });
  } finally {
    await admin.disconnect();
  }
}

/** The secure broker with topics created and ACL bindings granted by admin: a test file's set-up. */
export async function startSecureBrokerWith(setup: {
  topics: ITopicConfig[];
  acls: AclEntry[];
}): Promise<SecureBroker> {
  const b = await startSecureBroker();
  try {
    const admin = userClient(b, 'admin').admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: setup.topics });
    } finally {
      await admin.disconnect();
    }
    await grantAcls(b, setup.acls);
    return b;
  } catch (error) {
    await b.close();
    throw error;
  }
}
