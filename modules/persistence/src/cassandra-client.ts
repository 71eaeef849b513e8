import { readFileSync } from 'node:fs';
import cassandra from 'cassandra-driver';

export interface CassandraEndpoint {
  /** `host` or `host:port` (default port 9042). */
  contactPoints: string[];
  localDataCenter: string;
  /** Login for a cluster with PasswordAuthenticator (sent as SASL PLAIN by PlainTextAuthProvider). */
  credentials?: { username: string; password: string };
  /** PEM file of the CA of the server certificate: connect with TLS and verify the server. */
  tlsCaFile?: string;
}

/**
 * A driver client for the configured endpoint (config.cassandra), with default options otherwise:
 * no keyspace is set, because the DAOs qualify every table with its keyspace and the keyspace may not
 * exist before the migrations ran. Call `connect()` (or just execute) and `shutdown()` when done.
 */
export function createCassandraClient(
  endpoint: CassandraEndpoint,
  options: Partial<cassandra.ClientOptions> = {},
): cassandra.Client {
  const { credentials, tlsCaFile } = endpoint;
  return new cassandra.Client({
    contactPoints: endpoint.contactPoints,
    localDataCenter: endpoint.localDataCenter,
    ...(credentials
      ? { authProvider: new cassandra.auth.PlainTextAuthProvider(credentials.username, credentials.password) }
      : {}),
    ...(tlsCaFile ? { sslOptions: { ca: [readFileSync(tlsCaFile)], rejectUnauthorized: true } } : {}),
    ...options,
  });
}
