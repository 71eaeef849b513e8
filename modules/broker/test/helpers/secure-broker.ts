import { rmSync } from 'node:fs';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import type { BrokerOptions } from '../../src/index.js';
import { startTestBroker, type TestBroker } from './broker.js';
import { selfSignedCert } from './tls-cert.js';

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
