import { type Observable, Subject } from 'rxjs';
import type { Processor, ProcessorSupplier } from '../processor/processor.js';
import type { Serde } from '../serde/serde.js';
import type { TopicNameExtractor } from '../topology/nodes.js';
import type {
  ForeachAction,
  KeyValueMapper,
  KeyValuePair,
  Predicate,
  ValueJoiner,
  ValueMapper,
} from './functions.js';
import { KGroupedStream } from './kgrouped-stream.js';
import { KTable } from './ktable.js';
import type {
  Grouped,
  Joined,
  Materialized,
  Named,
  Produced,
  Repartitioned,
  StreamJoined,
} from './options.js';
import { KStreamKTableJoinProcessor } from './processors/join-processors.js';
import {
  BranchProcessor,
  FilterProcessor,
  FlatMapProcessor,
  FlatMapValuesProcessor,
  MapProcessor,
  MapValuesProcessor,
  PassThroughProcessor,
  PeekProcessor,
  SelectKeyProcessor,
} from './processors/stateless.js';
import { keyValueStoreBuilder } from './materialized-stores.js';
import { streamStreamJoin } from './stream-stream-join.js';
import { KTableSourceProcessor } from './processors/ktable-processors.js';
import type { InternalStreamsBuilder } from './internal-streams-builder.js';
import type { JoinWindows } from './windows.js';

/** What observers of a stream receive (see `KStream.toObservable`). */
export interface KeyValueTimestamp<K, V> {
  readonly key: K;
  readonly value: V;
  readonly timestamp: number;
}

/** One branch of `split()`: a name and what to do with the branch stream (Kafka Streams' Branched). */
export interface Branched<K, V> {
  readonly name?: string;
  /** Transforms the branch; the result is stored in the returned map (undefined → not stored). */
  readonly withFunction?: (stream: KStream<K, V>) => KStream<K, V> | undefined;
  /** Consumes the branch stream; the branch is then not in the returned map. */
  readonly withConsumer?: (stream: KStream<K, V>) => void;
}

/** Built by `KStream.split()`; chains `branch(...)` then `defaultBranch()` or `noDefaultBranch()`. */
export class BranchedKStream<K, V> {
  private readonly predicates: Predicate<K, V>[] = [];
  private readonly branches: { childName: string; key: string; branched: Branched<K, V> }[] = [];

  constructor(
    private readonly parent: KStream<K, V>,
    private readonly splitName: string,
    private readonly prefix: string,
  ) {}

  branch(predicate: Predicate<K, V>, branched: Branched<K, V> = {}): this {
    this.predicates.push(predicate);
    const key = `${this.prefix}${branched.name ?? String(this.branches.length + 1)}`;
    this.branches.push({ childName: key || this.parent.builder.newName('KSTREAM-BRANCH'), key, branched });
    return this;
  }

  /** Records matching no predicate go here; its key is `<prefix>0` unless named. */
  defaultBranch(branched: Branched<K, V> = {}): Map<string, KStream<K, V>> {
    const key = `${this.prefix}${branched.name ?? '0'}`;
    return this.finish({ childName: key, key, branched });
  }

  /** Records matching no predicate are dropped. */
  noDefaultBranch(): Map<string, KStream<K, V>> {
    return this.finish(undefined);
  }

  private finish(dflt: { childName: string; key: string; branched: Branched<K, V> } | undefined) {
    const all = dflt ? [...this.branches, dflt] : this.branches;
    const { builder } = this.parent;
    const predicates = [...this.predicates];
    const childNames = this.branches.map((b) => b.childName);
    const defaultChild = dflt?.childName;
    builder.addProcessor(
      this.splitName,
      () => new BranchProcessor<K, V>(predicates, childNames, defaultChild),
      [this.parent.nodeName],
    );
    const out = new Map<string, KStream<K, V>>();
    for (const b of all) {
      builder.addProcessor(b.childName, () => new PassThroughProcessor<K, V>(), [this.splitName]);
      const stream = this.parent.derive<K, V>(b.childName, this.parent.repartitionRequired);
      if (b.branched.withConsumer) {
        b.branched.withConsumer(stream);
        continue;
      }
      const result = b.branched.withFunction ? b.branched.withFunction(stream) : stream;
      if (result) out.set(b.key, result);
    }
    return out;
  }
}

/**
 * An unbounded stream of records (Kafka Streams' KStream). Each operation adds a processor node;
 * key-changing operations mark the stream so that a later grouping or join repartitions it.
 */
export class KStream<K, V> {
  /** @internal */
  constructor(
    readonly builder: InternalStreamsBuilder,
    /** Name of the node whose output this stream is. */
    readonly nodeName: string,
    /** @internal True after a key-changing operation (selectKey, map, flatMap). */
    readonly repartitionRequired: boolean,
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
  ) {}

  /** @internal A stream downstream of `nodeName` with the given serdes. */
  derive<K2, V2>(
    nodeName: string,
    repartitionRequired: boolean,
    keySerde: Serde<K2> | undefined = this.keySerde as unknown as Serde<K2> | undefined,
    valueSerde: Serde<V2> | undefined = this.valueSerde as unknown as Serde<V2> | undefined,
  ): KStream<K2, V2> {
    return new KStream<K2, V2>(this.builder, nodeName, repartitionRequired, keySerde, valueSerde);
  }

  private add<K2, V2>(
    prefix: string,
    supplier: ProcessorSupplier<K, V, K2, V2>,
    named: Named | undefined,
    keyChanging: boolean,
    valueChanging: boolean,
  ): KStream<K2, V2> {
    const name = named?.name ?? this.builder.newName(prefix);
    this.builder.addProcessor(name, supplier, [this.nodeName]);
    return this.derive<K2, V2>(
      name,
      this.repartitionRequired || keyChanging,
      keyChanging ? undefined : (this.keySerde as unknown as Serde<K2>),
      valueChanging ? undefined : (this.valueSerde as unknown as Serde<V2>),
    );
  }

  filter(predicate: Predicate<K, V>, named?: Named): KStream<K, V> {
    return this.add('KSTREAM-FILTER', () => new FilterProcessor(predicate, false), named, false, false);
  }

  filterNot(predicate: Predicate<K, V>, named?: Named): KStream<K, V> {
    return this.add('KSTREAM-FILTER', () => new FilterProcessor(predicate, true), named, false, false);
  }

  map<K2, V2>(mapper: KeyValueMapper<K, V, KeyValuePair<K2, V2>>, named?: Named): KStream<K2, V2> {
    return this.add('KSTREAM-MAP', () => new MapProcessor(mapper), named, true, true);
  }

  mapValues<V2>(mapper: ValueMapper<V, V2, K>, named?: Named): KStream<K, V2> {
    return this.add('KSTREAM-MAPVALUES', () => new MapValuesProcessor(mapper), named, false, true);
  }

  flatMap<K2, V2>(
    mapper: KeyValueMapper<K, V, Iterable<KeyValuePair<K2, V2>>>,
    named?: Named,
  ): KStream<K2, V2> {
    return this.add('KSTREAM-FLATMAP', () => new FlatMapProcessor(mapper), named, true, true);
  }

  flatMapValues<V2>(mapper: ValueMapper<V, Iterable<V2>, K>, named?: Named): KStream<K, V2> {
    return this.add('KSTREAM-FLATMAPVALUES', () => new FlatMapValuesProcessor(mapper), named, false, true);
  }

  selectKey<K2>(mapper: KeyValueMapper<K, V, K2>, named?: Named): KStream<K2, V> {
    return this.add('KSTREAM-KEY-SELECT', () => new SelectKeyProcessor(mapper), named, true, false);
  }

  peek(action: ForeachAction<K, V>, named?: Named): KStream<K, V> {
    return this.add('KSTREAM-PEEK', () => new PeekProcessor(action, true), named, false, false);
  }

  /** Terminal: runs `action` for each record. */
  foreach(action: ForeachAction<K, V>, named?: Named): void {
    this.add('KSTREAM-FOREACH', () => new PeekProcessor(action, false), named, false, false);
  }

  /** Splits into branches; each record goes to the first branch whose predicate matches. */
  split(named: Named = {}): BranchedKStream<K, V> {
    const splitName = this.builder.newName('KSTREAM-BRANCH');
    return new BranchedKStream(this, splitName, named.name ?? `${splitName}-`);
  }

  /** Interleaves both streams' records in processing order. */
  merge(other: KStream<K, V>, named?: Named): KStream<K, V> {
    const name = named?.name ?? this.builder.newName('KSTREAM-MERGE');
    this.builder.addProcessor(name, () => new PassThroughProcessor<K, V>(), [this.nodeName, other.nodeName]);
    return this.derive<K, V>(name, this.repartitionRequired || other.repartitionRequired);
  }

  /**
   * Writes to `<app>-<name>-repartition` and reads it back in a new sub-topology, so records are
   * partitioned by their (new) key.
   */
  repartition(options: Repartitioned<K, V> = {}): KStream<K, V> {
    return this.repartitionAs(options.name ?? this.builder.newName('KSTREAM-REPARTITION'), options);
  }

  /** @internal */
  repartitionAs(base: string, options: Repartitioned<K, V>): KStream<K, V> {
    const keySerde = options.keySerde ?? this.keySerde;
    const valueSerde = options.valueSerde ?? this.valueSerde;
    const topic = this.builder.addRepartitionTopic(base, options.numberOfPartitions);
    const sink = `${base}-repartition-sink`;
    const source = `${base}-repartition-source`;
    const ks = keySerde ?? (this.builder.options.defaultKeySerde as Serde<K> | undefined);
    const vs = valueSerde ?? (this.builder.options.defaultValueSerde as Serde<V> | undefined);
    this.builder.addSink(sink, topic, { keySerde: ks, valueSerde: vs, partitioner: options.partitioner }, [
      this.nodeName,
    ]);
    this.builder.addSource(source, [topic], { keySerde: ks, valueSerde: vs });
    return new KStream<K, V>(this.builder, source, false, keySerde, valueSerde);
  }

  /**
   * The stream as a table (Kafka Streams' KStream#toTable): the latest value per key, a null value
   * deletes. After a key change the records first go through `<app>-<name>-repartition`.
   */
  toTable(named: Named = {}, materialized: Materialized<K, V> = {}): KTable<K, V> {
    const b = this.builder;
    const name = named.name ?? b.newName('KSTREAM-TOTABLE');
    const keySerde = materialized.keySerde ?? this.keySerde;
    const valueSerde = materialized.valueSerde ?? this.valueSerde;
    const input = this.repartitionRequired ? this.repartitionAs(name, { keySerde, valueSerde }) : this;
    const storeName = materialized.storeName ?? b.newName('KSTREAM-TOTABLE-STATE-STORE');
    b.addProcessor(name, () => new KTableSourceProcessor<K, V>(storeName), [input.nodeName]);
    b.addStateStore(keyValueStoreBuilder(b, storeName, { ...materialized, keySerde, valueSerde }), [name]);
    return new KTable<K, V>(b, name, storeName, keySerde, valueSerde);
  }

  /** Writes to a fixed topic, or to the topic `chooser` returns per record. */
  to(topic: string | TopicNameExtractor<K, V>, produced: Produced<K, V> = {}): void {
    const name = produced.name ?? this.builder.newName('KSTREAM-SINK');
    this.builder.addSink(
      name,
      topic,
      {
        keySerde: produced.keySerde ?? this.keySerde,
        valueSerde: produced.valueSerde ?? this.valueSerde,
        partitioner: produced.partitioner,
      },
      [this.nodeName],
    );
  }

  /** Runs a Processor-API processor; its forwards form the returned stream. */
  process<K2, V2>(
    supplier: () => Processor<K, V, K2, V2>,
    storeNames: readonly string[] = [],
    named?: Named,
  ): KStream<K2, V2> {
    const name = named?.name ?? this.builder.newName('KSTREAM-PROCESSOR');
    this.builder.addProcessor(name, supplier, [this.nodeName], storeNames);
    return this.derive<K2, V2>(name, true, undefined, undefined);
  }

  groupByKey(grouped: Grouped<K, V> = {}): KGroupedStream<K, V> {
    return new KGroupedStream<K, V>(
      this,
      grouped.keySerde ?? this.keySerde,
      grouped.valueSerde ?? this.valueSerde,
      grouped.name,
    );
  }

  /** Re-keys by `selector`, then groups (the aggregation repartitions by the new key). */
  groupBy<K2>(selector: KeyValueMapper<K, V, K2>, grouped: Grouped<K2, V> = {}): KGroupedStream<K2, V> {
    const name = this.builder.newName('KSTREAM-KEY-SELECT');
    this.builder.addProcessor(name, () => new SelectKeyProcessor(selector), [this.nodeName]);
    const rekeyed = this.derive<K2, V>(name, true, grouped.keySerde, grouped.valueSerde ?? this.valueSerde);
    return new KGroupedStream<K2, V>(
      rekeyed,
      grouped.keySerde,
      grouped.valueSerde ?? this.valueSerde,
      grouped.name,
    );
  }

  /** Left join with a table: the joiner gets null when the table has no value for the key. */
  leftJoin<VT, VR>(
    table: KTable<K, VT>,
    joiner: ValueJoiner<V, VT | null, VR>,
    joined?: Joined<K, V>,
  ): KStream<K, VR>;
  /**
   * Windowed left join with another stream: like `join`, and a record of this stream that no
   * record of the other joins within its window yields joiner(value, null) — once the window has
   * closed (window end + grace behind stream time), not eagerly (Kafka Streams 3.x semantics).
   */
  leftJoin<VO, VR>(
    other: KStream<K, VO>,
    joiner: ValueJoiner<V, VO | null, VR>,
    windows: JoinWindows,
    streamJoined?: StreamJoined<K, V, VO>,
  ): KStream<K, VR>;
  leftJoin<VO, VR>(
    other: KStream<K, VO> | KTable<K, VO>,
    joiner: ValueJoiner<V, VO | null, VR>,
    windowsOrJoined?: JoinWindows | Joined<K, V>,
    streamJoined: StreamJoined<K, V, VO> = {},
  ): KStream<K, VR> {
    if (!(other instanceof KStream))
      return this.joinTable(
        other,
        joiner as ValueJoiner<V, VO, VR>,
        true,
        (windowsOrJoined ?? {}) as Joined<K, V>,
      );
    return this.joinStream(
      other,
      joiner as (l: V | null, r: VO | null) => VR,
      windowsOrJoined as JoinWindows,
      streamJoined,
      'left',
    );
  }

  /**
   * Windowed outer join with another stream: unmatched records of either side yield a result with
   * null for the missing side, once their window has closed.
   */
  outerJoin<VO, VR>(
    other: KStream<K, VO>,
    joiner: ValueJoiner<V | null, VO | null, VR>,
    windows: JoinWindows,
    streamJoined: StreamJoined<K, V, VO> = {},
  ): KStream<K, VR> {
    return this.joinStream(other, joiner, windows, streamJoined, 'outer');
  }

  private joinTable<VT, VR>(
    table: KTable<K, VT>,
    joiner: ValueJoiner<V, VT, VR>,
    left: boolean,
    joined: Joined<K, V>,
  ): KStream<K, VR> {
    const stream = this.repartitionRequired
      ? this.repartitionAs(joined.name ?? this.builder.newName('KSTREAM-JOIN'), joined)
      : this;
    const storeName = table.materialize();
    const name = this.builder.newName(left ? 'KSTREAM-LEFTJOIN' : 'KSTREAM-JOIN');
    this.builder.addProcessor(
      name,
      () => new KStreamKTableJoinProcessor<K, V, VT, VR>(storeName, joiner, left),
      [stream.nodeName],
      [storeName],
    );
    this.builder.recordOp((t) =>
      t.addCopartitionGroup([...t.sourceTopicsOf(stream.nodeName), ...t.sourceTopicsOf(table.nodeName)]),
    );
    return this.derive<K, VR>(name, false, stream.keySerde, undefined);
  }

  /** Inner join with a table: each stream record is joined with the table's current value for its key. */
  join<VT, VR>(table: KTable<K, VT>, joiner: ValueJoiner<V, VT, VR>, joined?: Joined<K, V>): KStream<K, VR>;
  /**
   * Windowed inner join with another stream: records with the same key join when
   * this.ts − before ≤ other.ts ≤ this.ts + after; the result carries the larger timestamp.
   */
  join<VO, VR>(
    other: KStream<K, VO>,
    joiner: ValueJoiner<V, VO, VR>,
    windows: JoinWindows,
    streamJoined?: StreamJoined<K, V, VO>,
  ): KStream<K, VR>;
  join<VO, VR>(
    other: KStream<K, VO> | KTable<K, VO>,
    joiner: ValueJoiner<V, VO, VR>,
    windowsOrJoined?: JoinWindows | Joined<K, V>,
    streamJoined: StreamJoined<K, V, VO> = {},
  ): KStream<K, VR> {
    if (!(other instanceof KStream))
      return this.joinTable(other, joiner, false, (windowsOrJoined ?? {}) as Joined<K, V>);
    return this.joinStream(
      other,
      joiner as (l: V | null, r: VO | null) => VR,
      windowsOrJoined as JoinWindows,
      streamJoined,
      'inner',
    );
  }

  private joinStream<VO, VR>(
    other: KStream<K, VO>,
    joiner: (left: V | null, right: VO | null) => VR,
    windows: JoinWindows,
    streamJoined: StreamJoined<K, V, VO>,
    mode: 'inner' | 'left' | 'outer',
  ): KStream<K, VR> {
    const named = streamJoined.name;
    const base = streamJoined.storeName ?? named ?? this.builder.newName('KSTREAM-JOINTHIS');
    const left = this.repartitionRequired ? this.repartitionAs(`${named ?? base}-left`, {}) : this;
    const right = other.repartitionRequired ? other.repartitionAs(`${named ?? base}-right`, {}) : other;
    const merge = streamStreamJoin(this.builder, {
      base,
      left: { nodeName: left.nodeName, keySerde: left.keySerde, valueSerde: this.valueSerde },
      right: { nodeName: right.nodeName, valueSerde: other.valueSerde },
      joiner,
      windows,
      streamJoined,
      mode,
    });
    return this.derive<K, VR>(merge, false, left.keySerde, undefined);
  }

  /**
   * The stream's records as an rxjs Observable (in-process: console output, live views, tests).
   * Adds a terminal node; every task of the topology feeds the same Observable, which completes
   * when the last task closes.
   */
  toObservable(named?: Named): Observable<KeyValueTimestamp<K, V>> {
    const subject = new Subject<KeyValueTimestamp<K, V>>();
    let open = 0;
    this.add<never, never>(
      'KSTREAM-OBSERVE',
      () => {
        open++;
        return {
          process: (record) =>
            subject.next({ key: record.key, value: record.value, timestamp: record.timestamp }),
          close: () => {
            if (--open === 0) subject.complete();
          },
        };
      },
      named,
      false,
      false,
    );
    return subject.asObservable();
  }
}
