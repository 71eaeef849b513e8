/**
 * Per-query streams properties (ksqlDB passes `ksql.streams.*` and the bare Kafka Streams / consumer
 * names through to each query's KafkaStreams): what a host needs to run the query's topology as
 * ksqlDB would. SET / request values override the engine's.
 */
const STREAMS_PROPERTIES = [
  'processing.guarantee',
  'commit.interval.ms',
  'cache.max.bytes.buffering',
  'auto.offset.reset',
  'num.stream.threads',
  // what a host maps onto its consumers and producers (ksql-server's streams-settings.ts)
  'max.task.idle.ms',
  'session.timeout.ms',
  'heartbeat.interval.ms',
  'replication.factor',
  'transaction.timeout.ms',
] as const;

/** ksqlDB's defaults where they differ from Kafka Streams' (ksqlDB reads from the latest offset). */
const DEFAULTS: Readonly<Record<string, string>> = {
  'auto.offset.reset': 'latest',
  'processing.guarantee': 'at_least_once',
};

export function queryStreamsProperties(
  props: Readonly<Record<string, string>>,
  applicationId: string,
): Record<string, string> {
  const out: Record<string, string> = { ...DEFAULTS };
  for (const name of STREAMS_PROPERTIES) {
    const v = props[`ksql.streams.${name}`] ?? props[name];
    if (v !== undefined) out[name] = v;
  }
  out['application.id'] = applicationId;
  return out;
}
