import cassandra from 'cassandra-driver';

export interface CassandraEndpoint {
  /** `host` or `host:port` (default port 9042). */
  contactPoints: string[];
  localDataCenter: string;
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
  return new cassandra.Client({
    contactPoints: endpoint.contactPoints,
    localDataCenter: endpoint.localDataCenter,
    ...options,
  });
}
