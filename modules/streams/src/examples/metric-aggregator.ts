import type { KStream } from '../dsl/kstream.js';
import type { KTable } from '../dsl/ktable.js';
import { Suppressed } from '../dsl/options.js';
import type { StreamsBuilder } from '../dsl/streams-builder.js';
import { TimeWindows } from '../dsl/windows.js';
import type { Serde } from '../serde/serde.js';
import type { StoreBackend } from '../state/supplier.js';
import type { Windowed } from '../state/window.js';
import { valueTimestamp } from '../time/timestamp-extractor.js';

/** Running totals kept per key and window (what the window store holds). */
export interface PartialAggregate {
  readonly sampleCount: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
}

/** The final result of one window: count, sum, min, max and average, instants in epoch milliseconds. */
export interface WindowAggregate extends PartialAggregate {
  readonly average: number;
  readonly windowStart: number;
  readonly windowEnd: number;
}

/** The speed layer's windows: 1 min, 10 min, 1 h, 1 day. */
export const THESIS_WINDOWS_SEC = [60, 600, 3600, 86_400] as const;
export const THESIS_GRACE_SEC = 300;

export interface MetricAggregatorOptions<V> {
  readonly sourceTopic: string;
  readonly keySerde: Serde<string>;
  readonly valueSerde: Serde<V>;
  /** The sample's numeric value. */
  readonly valueOf: (value: V) => number;
  /** The sample's event time in epoch ms (used as the record timestamp). */
  readonly timestampOf: (value: V) => number;
  readonly windowsSec?: readonly number[];
  readonly graceSec?: number;
  /** Output topic per window size; default `metrics-aggregates-<seconds>`. */
  readonly outputTopic?: (windowSec: number) => string;
  /** Serde of the output value; default JSON of WindowAggregate. */
  readonly outputValueSerde?: Serde<WindowAggregate>;
  /** Store name per window size; default `metric-aggregates-<seconds>s`. */
  readonly storeName?: (windowSec: number) => string;
  readonly cachingEnabled?: boolean;
  readonly storeBackend?: StoreBackend;
}

/** 32 bytes: count, sum, min, max as big-endian doubles (the store value; only serialized on flush). */
export const partialAggregateSerde: Serde<PartialAggregate> = {
  serialize(a) {
    const out = Buffer.allocUnsafe(32);
    writePartialAggregate(a, out, 0);
    return out;
  },
  deserialize(d) {
    return {
      sampleCount: d.readDoubleBE(0),
      sum: d.readDoubleBE(8),
      min: d.readDoubleBE(16),
      max: d.readDoubleBE(24),
    };
  },
  serializedSize: () => 32,
  serializeInto: writePartialAggregate,
};

function writePartialAggregate(a: PartialAggregate, out: Buffer, offset: number): void {
  out.writeDoubleBE(a.sampleCount, offset);
  out.writeDoubleBE(a.sum, offset + 8);
  out.writeDoubleBE(a.min, offset + 16);
  out.writeDoubleBE(a.max, offset + 24);
}

export const windowAggregateJsonSerde: Serde<WindowAggregate> = {
  serialize: (a) => Buffer.from(JSON.stringify(a)),
  deserialize: (d) => JSON.parse(d.toString()) as WindowAggregate,
};

const EMPTY: PartialAggregate = Object.freeze({
  sampleCount: 0,
  sum: 0,
  min: Number.POSITIVE_INFINITY,
  max: Number.NEGATIVE_INFINITY,
});

/** The final aggregate of a window from its running totals. */
export function finalizeAggregate(
  window: { start: number; end: number },
  a: PartialAggregate,
): WindowAggregate {
  return {
    sampleCount: a.sampleCount,
    sum: a.sum,
    min: a.min,
    max: a.max,
    average: a.sum / a.sampleCount,
    windowStart: window.start,
    windowEnd: window.end,
  };
}

export interface MetricAggregator<V> {
  readonly source: KStream<string, V>;
  /** Suppressed (final) aggregates per window size in seconds. */
  readonly finals: Map<number, KStream<string, WindowAggregate>>;
  readonly tables: Map<number, KTable<Windowed<string>, PartialAggregate>>;
}

/**
 * The metric aggregator: per key (`<gateway>.<TYPE>.<ATTRIBUTE>`), tumbling windows (60 s, 10 min,
 * 1 h, 1 day by default) with 300 s grace, aggregate {sampleCount, sum, min, max, average,
 * windowStart, windowEnd}, emitted once per window when it closes (suppress untilWindowCloses),
 * keyed by the input key. Generic over the value type: it only needs a numeric value and an event
 * time. Late samples (window end + grace ≤ stream time) are dropped and counted.
 */
export function buildMetricAggregator<V>(
  builder: StreamsBuilder,
  o: MetricAggregatorOptions<V>,
): MetricAggregator<V> {
  const readValue = o.valueOf;
  const source = builder.stream<string, V>(o.sourceTopic, {
    keySerde: o.keySerde,
    valueSerde: o.valueSerde,
    timestampExtractor: valueTimestamp<V>(o.timestampOf),
  });
  const grouped = source.groupByKey();
  const grace = (o.graceSec ?? THESIS_GRACE_SEC) * 1000;
  const finals = new Map<number, KStream<string, WindowAggregate>>();
  const tables = new Map<number, KTable<Windowed<string>, PartialAggregate>>();
  for (const sec of o.windowsSec ?? THESIS_WINDOWS_SEC) {
    const table = grouped
      .windowedBy(TimeWindows.ofSizeAndGrace(sec * 1000, grace))
      .aggregate<PartialAggregate>(
        () => EMPTY,
        (_key, value, agg) => {
          const x = readValue(value);
          return {
            sampleCount: agg.sampleCount + 1,
            sum: agg.sum + x,
            min: Math.min(x, agg.min),
            max: Math.max(x, agg.max),
          };
        },
        {
          storeName: o.storeName ? o.storeName(sec) : `metric-aggregates-${sec}s`,
          keySerde: o.keySerde,
          valueSerde: partialAggregateSerde,
          cachingEnabled: o.cachingEnabled ?? true,
          backend: o.storeBackend,
        },
      );
    tables.set(sec, table);
    const finalResults = table
      .suppress(Suppressed.untilWindowCloses())
      .toStream()
      .map<string, WindowAggregate>((wk, agg) => [wk.key, finalizeAggregate(wk.window, agg)]);
    finalResults.to(o.outputTopic ? o.outputTopic(sec) : `metrics-aggregates-${sec}`, {
      keySerde: o.keySerde,
      valueSerde: o.outputValueSerde ?? windowAggregateJsonSerde,
    });
    finals.set(sec, finalResults);
  }
  return { source, finals, tables };
}
