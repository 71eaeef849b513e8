import type { KafkaStreamsConfig, ProcessingGuarantee } from '@meterstream/streams';

/** The KafkaStreamsConfig fields a query's properties set (the rest comes from the runtime). */
export type QueryStreamsSettings = Pick<
  KafkaStreamsConfig,
  | 'processingGuarantee'
  | 'commitIntervalMs'
  | 'cacheMaxBytes'
  | 'autoOffsetReset'
  | 'maxTaskIdleMs'
  | 'sessionTimeoutMs'
  | 'heartbeatIntervalMs'
  | 'replicationFactor'
  | 'transactionTimeoutMs'
>;

/** ksqlDB runs its queries with a 2 s commit interval under at-least-once (KsqlConfig's streams defaults). */
const KSQL_COMMIT_INTERVAL_MS = 2_000;

/** A property by its bare Kafka Streams name or as `ksql.streams.<name>` (the prefixed one wins, as ksqlDB). */
function read(props: Readonly<Record<string, string>>, name: string): string | undefined {
  return props[`ksql.streams.${name}`] ?? props[name];
}

/** A non-negative integer property, or a PropertyError naming it. */
function int(props: Readonly<Record<string, string>>, name: string): number | undefined {
  const raw = read(props, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new PropertyError(name, raw, 'a non-negative integer');
  return n;
}

/** A query or request property the runtime cannot run with. */
export class PropertyError extends Error {
  constructor(
    readonly property: string,
    readonly value: string,
    expected: string,
  ) {
    super(`property ${property}='${value}': expected ${expected}`);
    this.name = 'PropertyError';
  }
}

/**
 * Maps ksqlDB's streams properties (bare or `ksql.streams.`-prefixed: processing.guarantee,
 * commit.interval.ms, cache.max.bytes.buffering, auto.offset.reset, max.task.idle.ms,
 * session.timeout.ms, heartbeat.interval.ms, replication.factor, transaction.timeout.ms) onto the
 * runtime's config. `exactly_once` and `exactly_once_beta` (Kafka's older names) run as
 * exactly_once_v2, as Kafka Streams 3.x does; num.stream.threads has no equivalent (one thread).
 */
export function streamsSettings(props: Readonly<Record<string, string>>): QueryStreamsSettings {
  const guaranteeRaw = read(props, 'processing.guarantee') ?? 'at_least_once';
  let processingGuarantee: ProcessingGuarantee;
  if (guaranteeRaw === 'at_least_once') processingGuarantee = 'at_least_once';
  else if (['exactly_once_v2', 'exactly_once', 'exactly_once_beta'].includes(guaranteeRaw))
    processingGuarantee = 'exactly_once_v2';
  else throw new PropertyError('processing.guarantee', guaranteeRaw, 'at_least_once or exactly_once_v2');
  const resetRaw = read(props, 'auto.offset.reset');
  if (resetRaw !== undefined && resetRaw !== 'earliest' && resetRaw !== 'latest')
    throw new PropertyError('auto.offset.reset', resetRaw, 'earliest or latest');
  const settings: Record<string, unknown> = {
    processingGuarantee,
    commitIntervalMs:
      int(props, 'commit.interval.ms') ??
      (processingGuarantee === 'at_least_once' ? KSQL_COMMIT_INTERVAL_MS : undefined),
    cacheMaxBytes: int(props, 'cache.max.bytes.buffering'),
    autoOffsetReset: resetRaw,
    maxTaskIdleMs: int(props, 'max.task.idle.ms'),
    sessionTimeoutMs: int(props, 'session.timeout.ms'),
    heartbeatIntervalMs: int(props, 'heartbeat.interval.ms'),
    replicationFactor: int(props, 'replication.factor'),
    transactionTimeoutMs: int(props, 'transaction.timeout.ms'),
  };
  // Unset fields stay absent, so the runtime's defaults apply.
  for (const k of Object.keys(settings)) if (settings[k] === undefined) delete settings[k];
  return settings as QueryStreamsSettings;
}
