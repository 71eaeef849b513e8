import type { Logger } from 'pino';
import type { Serde } from '../serde/serde.js';
import type { InvalidTimestampPolicy, TimestampExtractor } from '../time/timestamp-extractor.js';

/** Settings shared by the test driver and the Kafka runtime (Kafka Streams' StreamsConfig subset). */
export interface StreamsConfig {
  /** Consumer group id and prefix of internal topics. */
  readonly applicationId: string;
  /** Used where a source, sink or repartition has no serde of its own (default.key.serde). */
  readonly defaultKeySerde?: Serde<unknown>;
  readonly defaultValueSerde?: Serde<unknown>;
  /** default.timestamp.extractor; the record's own timestamp when absent. */
  readonly defaultTimestampExtractor?: TimestampExtractor;
  /** Default `fail`, as Kafka's FailOnInvalidTimestamp. */
  readonly invalidTimestampPolicy?: InvalidTimestampPolicy;
  /** Record cache size per task (cache.max.bytes.buffering, split over tasks); 0 disables caching. Default 10 MiB. */
  readonly cacheMaxBytes?: number;
  readonly logger?: Logger;
}

export const DEFAULT_CACHE_MAX_BYTES = 10 * 1024 * 1024;
