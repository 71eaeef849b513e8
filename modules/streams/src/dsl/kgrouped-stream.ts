import type { Serde } from '../serde/serde.js';
import { Serdes } from '../serde/serde.js';
import type { Windowed } from '../state/window.js';
import type { Aggregator, Initializer, Merger, Reducer } from './functions.js';
import type { KStream } from './kstream.js';
import { KTable } from './ktable.js';
import type { Materialized } from './options.js';
import { StreamAggregateProcessor } from './processors/aggregate-processor.js';
import { SessionWindowAggregateProcessor } from './processors/session-window-aggregate-processor.js';
import { SlidingWindowAggregateProcessor } from './processors/sliding-window-aggregate-processor.js';
import { WindowAggregateProcessor } from './processors/window-aggregate-processor.js';
import {
  joinWindowStoreBuilder,
  keyValueStoreBuilder,
  sessionStoreBuilder,
  windowStoreBuilder,
} from './materialized-stores.js';
import { SessionWindows, SlidingWindows, type TimeWindows } from './windows.js';

type Fold<K, V, VA> = (key: K, value: V, previous: VA | undefined) => VA;

function countFold<K, V>(): Fold<K, V, number> {
  return (_k, _v, prev) => (prev ?? 0) + 1;
}

function reduceFold<K, V>(reducer: Reducer<V>): Fold<K, V, V> {
  return (_k, v, prev) => (prev === undefined ? v : reducer(prev, v));
}

function aggregateFold<K, V, VA>(init: Initializer<VA>, agg: Aggregator<K, V, VA>): Fold<K, V, VA> {
  return (k, v, prev) => agg(k, v, prev === undefined ? init() : prev);
}

/** Shared by the grouped and windowed streams: the (maybe repartitioned) input and naming. */
class GroupedBase<K, V> {
  constructor(
    protected readonly stream: KStream<K, V>,
    protected readonly keySerde: Serde<K> | undefined,
    protected readonly valueSerde: Serde<V> | undefined,
    protected readonly repartitionName: string | undefined,
  ) {}

  protected get builder() {
    return this.stream.builder;
  }

  /** The stream to aggregate: repartitioned by key first when an upstream op changed the key. */
  protected input(storeName: string): KStream<K, V> {
    if (!this.stream.repartitionRequired) return this.stream;
    return this.stream.repartitionAs(this.repartitionName ?? storeName, {
      keySerde: this.keySerde,
      valueSerde: this.valueSerde,
    });
  }

  protected storeName(m: Materialized<K, unknown>): string {
    return m.storeName ?? this.builder.newName('KSTREAM-AGGREGATE-STATE-STORE');
  }

  protected keySerdeFor(m: Materialized<K, unknown>): Serde<K> | undefined {
    return m.keySerde ?? this.keySerde;
  }
}

/** A stream grouped by key, ready to aggregate (Kafka Streams' KGroupedStream). */
export class KGroupedStream<K, V> extends GroupedBase<K, V> {
  count(materialized: Materialized<K, number> = {}): KTable<K, number> {
    return this.doAggregate(countFold<K, V>(), { valueSerde: Serdes.int64(), ...materialized });
  }

  reduce(reducer: Reducer<V>, materialized: Materialized<K, V> = {}): KTable<K, V> {
    return this.doAggregate(reduceFold<K, V>(reducer), { valueSerde: this.valueSerde, ...materialized });
  }

  aggregate<VA>(
    initializer: Initializer<VA>,
    aggregator: Aggregator<K, V, VA>,
    materialized: Materialized<K, VA> = {},
  ): KTable<K, VA> {
    return this.doAggregate(aggregateFold(initializer, aggregator), materialized);
  }

  windowedBy(windows: TimeWindows): TimeWindowedKStream<K, V>;
  windowedBy(windows: SlidingWindows): SlidingWindowedKStream<K, V>;
  windowedBy(windows: SessionWindows): SessionWindowedKStream<K, V>;
  windowedBy(
    windows: TimeWindows | SlidingWindows | SessionWindows,
  ): TimeWindowedKStream<K, V> | SlidingWindowedKStream<K, V> | SessionWindowedKStream<K, V> {
    const args = [this.stream, this.keySerde, this.valueSerde, this.repartitionName] as const;
    if (windows instanceof SessionWindows) return new SessionWindowedKStream(...args, windows);
    if (windows instanceof SlidingWindows) return new SlidingWindowedKStream(...args, windows);
    return new TimeWindowedKStream(...args, windows);
  }

  private doAggregate<VA>(fold: Fold<K, V, VA>, m: Materialized<K, VA>): KTable<K, VA> {
    const storeName = this.storeName(m);
    const input = this.input(storeName);
    const name = this.builder.newName('KSTREAM-AGGREGATE');
    const keySerde = this.keySerdeFor(m);
    this.builder.addStateStore(keyValueStoreBuilder(this.builder, storeName, { ...m, keySerde }));
    this.builder.addProcessor(
      name,
      () => new StreamAggregateProcessor<K, V, VA>(storeName, fold),
      [input.nodeName],
      [storeName],
    );
    return new KTable<K, VA>(this.builder, name, storeName, keySerde, m.valueSerde);
  }
}

/** Tumbling/hopping windowed aggregations (Kafka Streams' TimeWindowedKStream). */
export class TimeWindowedKStream<K, V> extends GroupedBase<K, V> {
  constructor(
    stream: KStream<K, V>,
    keySerde: Serde<K> | undefined,
    valueSerde: Serde<V> | undefined,
    repartitionName: string | undefined,
    readonly windows: TimeWindows,
    private readonly emitIntervalMs?: number,
  ) {
    super(stream, keySerde, valueSerde, repartitionName);
  }

  /**
   * Kafka Streams' `emitStrategy(EmitStrategy.onWindowClose())`: the aggregation emits each window's
   * final result once it closes, instead of every update. `intervalMs` throttles the search for
   * closed windows by wall-clock time (Kafka's internal default: 1000 ms).
   */
  emitOnWindowClose(intervalMs = 1000): TimeWindowedKStream<K, V> {
    return new TimeWindowedKStream(
      this.stream,
      this.keySerde,
      this.valueSerde,
      this.repartitionName,
      this.windows,
      intervalMs,
    );
  }

  count(materialized: Materialized<K, number> = {}): KTable<Windowed<K>, number> {
    return this.doAggregate(countFold<K, V>(), { valueSerde: Serdes.int64(), ...materialized });
  }

  reduce(reducer: Reducer<V>, materialized: Materialized<K, V> = {}): KTable<Windowed<K>, V> {
    return this.doAggregate(reduceFold<K, V>(reducer), { valueSerde: this.valueSerde, ...materialized });
  }

  aggregate<VA>(
    initializer: Initializer<VA>,
    aggregator: Aggregator<K, V, VA>,
    materialized: Materialized<K, VA> = {},
  ): KTable<Windowed<K>, VA> {
    return this.doAggregate(aggregateFold(initializer, aggregator), materialized);
  }

  private doAggregate<VA>(fold: Fold<K, V, VA>, m: Materialized<K, VA>): KTable<Windowed<K>, VA> {
    const w = this.windows;
    const storeName = this.storeName(m);
    const input = this.input(storeName);
    const name = this.builder.newName('KSTREAM-AGGREGATE');
    const retention = m.retentionMs ?? w.sizeMs + w.graceMs;
    if (retention < w.sizeMs + w.graceMs) {
      throw new Error(
        `retention ${retention} ms of ${storeName} must be ≥ window size + grace (${w.sizeMs + w.graceMs} ms)`,
      );
    }
    const keySerde = this.keySerdeFor(m);
    // The processor de-duplicates between commits itself (see WindowAggregateProcessor), so the
    // store is built without the record cache.
    // Under onWindowClose Kafka keeps the aggregates in a time-ordered store, whose reads expire a
    // window only when it starts before (stream time − retention), one millisecond later than the
    // other window stores (AbstractDualSchemaRocksDBSegmentedBytesStore.getActualFrom): one more
    // millisecond of retention gives our store the same reads.
    const storeRetention = this.emitIntervalMs === undefined ? retention : retention + 1;
    this.builder.addStateStore(
      windowStoreBuilder(this.builder, storeName, storeRetention, w.sizeMs, {
        ...m,
        keySerde,
        cachingEnabled: false,
      }),
    );
    const logger = this.builder.options.logger;
    const caching = m.cachingEnabled !== false;
    this.builder.addProcessor(
      name,
      () =>
        new WindowAggregateProcessor<K, V, VA>(
          storeName,
          w,
          fold,
          logger,
          caching,
          undefined,
          this.emitIntervalMs === undefined
            ? undefined
            : { intervalMs: this.emitIntervalMs, retentionMs: retention },
        ),
      [input.nodeName],
      [storeName],
    );
    return new KTable<Windowed<K>, VA>(this.builder, name, storeName, undefined, m.valueSerde, w.graceMs);
  }
}

/** Sliding-window aggregations (Kafka Streams' SlidingWindows via TimeWindowedKStream). */
export class SlidingWindowedKStream<K, V> extends GroupedBase<K, V> {
  constructor(
    stream: KStream<K, V>,
    keySerde: Serde<K> | undefined,
    valueSerde: Serde<V> | undefined,
    repartitionName: string | undefined,
    readonly windows: SlidingWindows,
  ) {
    super(stream, keySerde, valueSerde, repartitionName);
  }

  count(materialized: Materialized<K, number> = {}): KTable<Windowed<K>, number> {
    return this.aggregate(
      () => 0,
      (_k, _v, n) => n + 1,
      { valueSerde: Serdes.int64(), ...materialized },
    );
  }

  reduce(reducer: Reducer<V>, materialized: Materialized<K, V> = {}): KTable<Windowed<K>, V> {
    // The initializer's undefined marks "no value yet" for reduce.
    return this.aggregate<V>(
      () => undefined as unknown as V,
      (_k, v, agg) => (agg === undefined ? v : reducer(agg, v)),
      { valueSerde: this.valueSerde, ...materialized },
    );
  }

  aggregate<VA>(
    initializer: Initializer<VA>,
    aggregator: Aggregator<K, V, VA>,
    m: Materialized<K, VA> = {},
  ): KTable<Windowed<K>, VA> {
    const w = this.windows;
    const storeName = this.storeName(m);
    const rawStore = `${storeName}-records`;
    const input = this.input(storeName);
    const name = this.builder.newName('KSTREAM-AGGREGATE');
    const keySerde = this.keySerdeFor(m);
    const retention = m.retentionMs ?? 2 * w.timeDifferenceMs + w.graceMs + 1;
    this.builder.addStateStore(
      windowStoreBuilder(this.builder, storeName, retention, w.timeDifferenceMs, { ...m, keySerde }),
    );
    this.builder.addStateStore(
      joinWindowStoreBuilder(this.builder, rawStore, retention, keySerde, this.valueSerde, m.loggingEnabled),
    );
    this.builder.addProcessor(
      name,
      () => new SlidingWindowAggregateProcessor<K, V, VA>(storeName, rawStore, w, initializer, aggregator),
      [input.nodeName],
      [storeName, rawStore],
    );
    return new KTable<Windowed<K>, VA>(this.builder, name, storeName, undefined, m.valueSerde, w.graceMs);
  }
}

/** Session-window aggregations (Kafka Streams' SessionWindowedKStream). */
export class SessionWindowedKStream<K, V> extends GroupedBase<K, V> {
  constructor(
    stream: KStream<K, V>,
    keySerde: Serde<K> | undefined,
    valueSerde: Serde<V> | undefined,
    repartitionName: string | undefined,
    readonly windows: SessionWindows,
  ) {
    super(stream, keySerde, valueSerde, repartitionName);
  }

  count(materialized: Materialized<K, number> = {}): KTable<Windowed<K>, number> {
    return this.aggregate(
      () => 0,
      (_k, _v, n) => n + 1,
      (_k, a, b) => a + b,
      { valueSerde: Serdes.int64(), ...materialized },
    );
  }

  reduce(reducer: Reducer<V>, materialized: Materialized<K, V> = {}): KTable<Windowed<K>, V> {
    const none = undefined as unknown as V;
    return this.aggregate<V>(
      () => none,
      (_k, v, agg) => (agg === undefined ? v : reducer(agg, v)),
      (_k, a, b) => (a === undefined ? b : b === undefined ? a : reducer(a, b)),
      { valueSerde: this.valueSerde, ...materialized },
    );
  }

  aggregate<VA>(
    initializer: Initializer<VA>,
    aggregator: Aggregator<K, V, VA>,
    merger: Merger<K, VA>,
    m: Materialized<K, VA> = {},
  ): KTable<Windowed<K>, VA> {
    const w = this.windows;
    const storeName = this.storeName(m);
    const input = this.input(storeName);
    const name = this.builder.newName('KSTREAM-AGGREGATE');
    const keySerde = this.keySerdeFor(m);
    const retention = m.retentionMs ?? w.inactivityGapMs + w.graceMs;
    this.builder.addStateStore(sessionStoreBuilder(this.builder, storeName, retention, { ...m, keySerde }));
    this.builder.addProcessor(
      name,
      () => new SessionWindowAggregateProcessor<K, V, VA>(storeName, w, initializer, aggregator, merger),
      [input.nodeName],
      [storeName],
    );
    // A session can still grow until its end + gap passes, so suppress waits gap + grace after the
    // session end (Kafka Streams' KTableImpl: gracePeriodMs + inactivityGap for session windows).
    return new KTable<Windowed<K>, VA>(
      this.builder,
      name,
      storeName,
      undefined,
      m.valueSerde,
      w.inactivityGapMs + w.graceMs,
    );
  }
}
