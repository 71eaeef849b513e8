import {
  EMPTY_STATS,
  type Metric,
  type SampleStats,
  aggregateJsonSerde,
  foldSample,
  parseMetricKey,
  stringSerde,
  toAggregate,
} from '@meterstream/common';
import {
  type Serde,
  type StoreBackend,
  StreamsBuilder,
  Suppressed,
  TimeWindows,
  partialAggregateSerde,
  type Topology,
  valueTimestamp,
} from '@meterstream/streams';

export const DEFAULT_GRACE_SEC = 300;

/** The window statistics in the store: the streams library's 32-byte partial-aggregate layout. */
export const sampleStatsSerde: Serde<SampleStats> = partialAggregateSerde;

export interface AggregatorTopologyOptions {
  sourceTopic: string;
  /** Metric values on the source topic (Avro via the registry, plain Avro or JSON). */
  metricSerde: Serde<Metric>;
  windowsSec: readonly number[];
  graceSec: number;
  /** Default `metrics-aggregates-<w>`. */
  outputTopic?: (windowSec: number) => string;
  storeBackend?: StoreBackend;
}

/**
 * The thesis aggregator: per key `<gateway>.<TYPE>.<ATTRIBUTE>`, tumbling event-time windows with
 * grace, folded with the shared `foldSample`, emitted once per window when it closes
 * (suppress untilWindowCloses) as a JSON AggregateMetric keyed by the input key.
 */
export function buildAggregatorTopology(options: AggregatorTopologyOptions): Topology {
  const builder = new StreamsBuilder({ storeBackend: options.storeBackend });
  const grouped = builder
    .stream<string, Metric>(options.sourceTopic, {
      keySerde: stringSerde,
      valueSerde: options.metricSerde,
      timestampExtractor: valueTimestamp<Metric>((metric) => metric.timestamp),
    })
    .groupByKey();
  for (const windowSec of options.windowsSec) {
    grouped
      .windowedBy(TimeWindows.ofSizeAndGrace(windowSec * 1000, options.graceSec * 1000))
      .aggregate<SampleStats>(
        () => EMPTY_STATS,
        (_key, metric, stats) => foldSample(stats, metric.value),
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
