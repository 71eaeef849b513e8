import {
  EMPTY_STATS,
  type MetricReading,
  type SampleStats,
  aggregateJsonSerde,
  foldReading,
  metricKeySerde,
  parseMetricKey,
  sampleStatsSerde,
  stringSerde,
  toAggregate,
} from '@meterstream/common';
import {
  type Serde,
  type StoreBackend,
  StreamsBuilder,
  Suppressed,
  TimeWindows,
  type Topology,
  valueTimestamp,
} from '@meterstream/streams';

export const DEFAULT_GRACE_SEC = 300;

export interface AggregatorTopologyOptions {
  sourceTopic: string;
  /**
   * Reads the timestamp and value of the source topic's Metric payloads (Avro via the registry,
   * plain Avro or JSON): the series identity is the record key's.
   */
  metricSerde: Serde<MetricReading>;
  windowsSec: readonly number[];
  graceSec: number;
  /** Default `metrics-aggregates-<w>`. */
  outputTopic?: (windowSec: number) => string;
  storeBackend?: StoreBackend;
}

/**
 * The metric aggregator (the speed layer's windows): per key `<gateway>.<TYPE>.<ATTRIBUTE>`, tumbling event-time windows with
 * grace, folded with the shared `foldSample`, emitted once per window when it closes
 * (suppress untilWindowCloses) as a JSON AggregateMetric keyed by the input key.
 *
 * The identity of a series is its key (as the output's gateway, type and attribute always were):
 * keys are checked at the source (a malformed key is a deserialization error, dead-lettered by the
 * runtime) and payloads are read for their timestamp and value only.
 */
export function buildAggregatorTopology(options: AggregatorTopologyOptions): Topology {
  const builder = new StreamsBuilder({ storeBackend: options.storeBackend });
  const grouped = builder
    .stream<string, MetricReading>(options.sourceTopic, {
      keySerde: metricKeySerde,
      valueSerde: options.metricSerde,
      timestampExtractor: valueTimestamp<MetricReading>((reading) => reading.timestamp),
    })
    .groupByKey();
  for (const windowSec of options.windowsSec) {
    grouped
      .windowedBy(TimeWindows.ofSizeAndGrace(windowSec * 1000, options.graceSec * 1000))
      .aggregate<SampleStats>(
        () => EMPTY_STATS,
        (_key, reading, stats) =>
          foldReading(stats, reading.value, reading.quality, reading.estimated, reading.gapFrom),
        {
          storeName: `metric-aggregates-${windowSec}s`,
          keySerde: stringSerde,
          valueSerde: sampleStatsSerde,
          cachingEnabled: true,
        },
      )
      .suppress(Suppressed.untilWindowCloses({ name: `suppress-${windowSec}s` }))
      .toStream()
      .map((windowedKey, stats) => [
        windowedKey.key,
        toAggregate(parseMetricKey(windowedKey.key), windowedKey.window.start, windowedKey.window.end, stats),
      ])
      .to(options.outputTopic?.(windowSec) ?? `metrics-aggregates-${windowSec}`, {
        keySerde: stringSerde,
        valueSerde: aggregateJsonSerde,
      });
  }
  return builder.build();
}
