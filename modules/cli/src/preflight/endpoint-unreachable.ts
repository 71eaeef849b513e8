/** The servers a command may need, as the configuration names them. */
export type EndpointKind = 'kafka' | 'schemaRegistry' | 'cassandra' | 's3' | 'redis';

/** How each endpoint is named in a message, and the flag / variable that sets it. */
export const ENDPOINT_SETTINGS: Record<EndpointKind, { label: string; flag: string; env: string }> = {
  kafka: { label: 'Kafka', flag: '--kafka-brokers', env: 'METERSTREAM_KAFKA_BROKERS' },
  schemaRegistry: {
    label: 'the Schema Registry',
    flag: '--schema-registry-url',
    env: 'METERSTREAM_SCHEMA_REGISTRY_URL',
  },
  cassandra: {
    label: 'Cassandra',
    flag: '--cassandra-contact-points',
    env: 'METERSTREAM_CASSANDRA_CONTACT_POINTS',
  },
  s3: { label: 'S3', flag: '--s3-endpoint', env: 'METERSTREAM_S3_ENDPOINT' },
  redis: { label: 'Redis', flag: '--redis-url', env: 'METERSTREAM_REDIS_URL' },
};

/**
 * A server a command needs answers on none of its addresses. The message is one line a newcomer can
 * act on: what was tried, why it failed, which flag or variable points elsewhere, and how to start
 * the local stack.
 */
export class EndpointUnreachableError extends Error {
  override readonly name = 'EndpointUnreachableError';
  constructor(
    readonly kind: EndpointKind,
    /** Every address tried, as configured (`host:port` or a URL). */
    readonly tried: readonly string[],
    /** Why the last address failed, e.g. `connection refused`. */
    readonly reason: string,
  ) {
    const { label, flag, env } = ENDPOINT_SETTINGS[kind];
    super(
      `cannot reach ${label} at ${tried.join(', ')} (${reason}); point ${flag} or ${env} at it, ` +
        'or start the local stack with `meterstream up`',
    );
  }
}
