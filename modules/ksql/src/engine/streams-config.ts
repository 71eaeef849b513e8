import type { StreamsConfig } from '@meterstream/streams';
import type { PersistentQuery } from './engine-api.js';

/**
 * The StreamsConfig a host runs a persistent query with (TopologyTestDriver or the Kafka
 * runtime), from the query's recorded properties: its application id, the record cache size
 * (cache.max.bytes.buffering), and ksqlDB's handling of records whose event time is invalid — a
 * TIMESTAMP column that is null, unparsable or negative — which are logged and skipped.
 */
export function streamsConfigFor(query: PersistentQuery): StreamsConfig {
  const cache = query.properties['cache.max.bytes.buffering'];
  return {
    applicationId: query.applicationId,
    invalidTimestampPolicy: 'log-and-skip',
    ...(cache !== undefined && Number.isFinite(Number(cache)) ? { cacheMaxBytes: Number(cache) } : {}),
  };
}
