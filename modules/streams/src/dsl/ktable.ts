import { type Serde, Serdes } from '../serde/serde.js';
import { Stores, inMemoryStoreBackend } from '../state/stores-factory.js';
import { changeSerde } from './change-serde.js';
import type { Change } from './change.js';
import type {
  Aggregator,
  Initializer,
  KeyValueMapper,
  KeyValuePair,
  Predicate,
  ValueJoiner,
  ValueMapper,
} from './functions.js';
import { type ForeignKeyJoined, foreignKeyJoin } from './foreign-key-join.js';
import { KStream } from './kstream.js';
import type { Grouped, Materialized, Named, Suppressed } from './options.js';
import {
  KTableFilterProcessor,
  KTableKTableJoinProcessor,
  KTableMapValuesProcessor,
  KTableMaterializeProcessor,
  KTableToStreamProcessor,
  type TableJoinMode,
} from './processors/ktable-processors.js';
import {
  KTableAggregateProcessor,
  KTableRepartitionMapProcessor,
} from './processors/ktable-group-processors.js';
import { PassThroughProcessor } from './processors/stateless.js';
import { SuppressProcessor } from './processors/suppress-processor.js';
import { keyValueStoreBuilder } from './materialized-stores.js';
import type { InternalStreamsBuilder } from './internal-streams-builder.js';

// KTable and KGroupedTable share this file: a KTable's groupBy() makes the KGroupedTable, whose
// aggregates are KTables again — apart, the two files would import each other (and, with KStream
// and KGroupedStream, form a cycle of four files).

/**
 * A changelog stream seen as a table: the latest value per key (Kafka Streams' KTable). Between
 * table processors records carry Change(new, old); `toStream()` turns them back into values, with
 * null for deletes (tombstones).
 */
export class KTable<K, V> {
  /** @internal */
  constructor(
    readonly builder: InternalStreamsBuilder,
    private node: string,
    /** Store holding this table's values, when it is materialized. */
    private store: string | undefined,
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
    /** @internal Grace of the windows, for windowed tables (used by suppress). */
    readonly windowGraceMs?: number,
  ) {}

  /** Name of the node whose output is this table. */
  get nodeName(): string {
    return this.node;
  }

  /** Name of the store a test or query can read, if materialized. */
  get queryableStoreName(): string | undefined {
    return this.store;
  }

  private add<V2>(
    prefix: string,
    supplier: () => import('../processor/processor.js').Processor<K, Change<V>, K, Change<V2>>,
    named: Named | undefined,
    materialized: Materialized<K, V2> | undefined,
    valueSerde: Serde<V2> | undefined,
  ): KTable<K, V2> {
    const name = named?.name ?? this.builder.newName(prefix);
    this.builder.addProcessor(name, supplier, [this.node]);
    const table = new KTable<K, V2>(
      this.builder,
      name,
      undefined,
      this.keySerde,
      valueSerde,
      this.windowGraceMs,
    );
    if (materialized) table.materialize(materialized);
    return table;
  }

  filter(predicate: Predicate<K, V>, materialized?: Materialized<K, V>, named?: Named): KTable<K, V> {
    return this.add(
      'KTABLE-FILTER',
      () => new KTableFilterProcessor(predicate, false),
      named,
      materialized,
      this.valueSerde,
    );
  }

  filterNot(predicate: Predicate<K, V>, materialized?: Materialized<K, V>, named?: Named): KTable<K, V> {
    return this.add(
      'KTABLE-FILTER',
      () => new KTableFilterProcessor(predicate, true),
      named,
      materialized,
      this.valueSerde,
    );
  }

  mapValues<V2>(
    mapper: ValueMapper<V, V2, K>,
    materialized?: Materialized<K, V2>,
    named?: Named,
  ): KTable<K, V2> {
    return this.add(
      'KTABLE-MAPVALUES',
      () => new KTableMapValuesProcessor(mapper),
      named,
      materialized,
      materialized?.valueSerde,
    );
  }

  /**
   * Re-keys the table for an aggregation (Kafka Streams' KTable.groupBy): `selector` maps each row
   * to its group's key and the value to aggregate (null = the row belongs to no group). The
   * aggregation then repartitions through `<app>-<grouped.name>-repartition`.
   */
  groupBy<K2, V2>(
    selector: KeyValueMapper<K, V, KeyValuePair<K2, V2> | null>,
    grouped: Grouped<K2, V2> = {},
  ): KGroupedTable<K2, V2> {
    const name = this.builder.newName('KTABLE-SELECT');
    const ks = grouped.keySerde;
    // Same group key for the old and the new value: one Change(new, old) instead of two records.
    const sameKey = ks
      ? (a: K2, b: K2) => ks.serialize(a).equals(ks.serialize(b))
      : (a: K2, b: K2) => a === b || JSON.stringify(a) === JSON.stringify(b);
    this.builder.addProcessor(name, () => new KTableRepartitionMapProcessor(selector, sameKey), [this.node]);
    return new KGroupedTable<K2, V2>(this.builder, name, ks, grouped.valueSerde, grouped.name);
  }

  /** The table's updates as a stream; a delete becomes a record with a null value. */
  toStream(named?: Named): KStream<K, V> {
    const name = named?.name ?? this.builder.newName('KTABLE-TOSTREAM');
    this.builder.addProcessor(name, () => new KTableToStreamProcessor<K, V>(), [this.node]);
    return new KStream<K, V>(this.builder, name, false, this.keySerde, this.valueSerde);
  }

  /**
   * suppress(untilWindowCloses): for a windowed table, emit only each window's final result, once
   * window end + grace ≤ stream time.
   */
  suppress(suppressed: Suppressed): KTable<K, V> {
    if (this.windowGraceMs === undefined) {
      throw new Error('suppress(untilWindowCloses) needs a windowed table (groupByKey().windowedBy(...))');
    }
    const name = suppressed.name ?? this.builder.newName('KTABLE-SUPPRESS');
    const grace = this.windowGraceMs;
    // The buffer's durable store (change-logged; Kafka Streams: `<name>-store`) lets buffered
    // windows survive crashes and task migration.
    const storeName = `${name}-store`;
    const options = this.builder.options;
    const backend = options.storeBackend ?? inMemoryStoreBackend;
    const serdes = {
      key:
        suppressed.keySerde ??
        (options.defaultKeySerde as Serde<unknown> | undefined) ??
        Serdes.json<unknown>(),
      value: this.valueSerde ?? (options.defaultValueSerde as Serde<V> | undefined) ?? Serdes.json<V>(),
    };
    this.builder.addStateStore(Stores.bufferStoreBuilder(backend.keyValue(storeName)).withLoggingEnabled());
    this.builder.addProcessor(
      name,
      () => new SuppressProcessor<unknown, V>(grace, storeName, serdes),
      [this.node],
      [storeName],
    );
    return new KTable<K, V>(
      this.builder,
      name,
      undefined,
      this.keySerde,
      this.valueSerde,
      this.windowGraceMs,
    );
  }

  /** Inner join with another table on the key; the result updates when either side changes. */
  join<VO, VR>(
    other: KTable<K, VO>,
    joiner: ValueJoiner<V, VO, VR>,
    materialized?: Materialized<K, VR>,
  ): KTable<K, VR>;
  /**
   * Foreign-key inner join (Kafka Streams' KTable#join(other, foreignKeyExtractor, joiner)): each
   * row of this table joins the row of `other` whose key is `foreignKey(value)`; the result is
   * keyed by this table's key and updates when either side changes.
   */
  join<KO, VO, VR>(
    other: KTable<KO, VO>,
    foreignKey: (value: V) => KO | null,
    joiner: ValueJoiner<V, VO, VR>,
    options?: ForeignKeyJoined<K, KO, VR, V, VO>,
  ): KTable<K, VR>;
  join<KO, VO, VR>(
    other: KTable<K, VO> | KTable<KO, VO>,
    joinerOrForeignKey: ValueJoiner<V, VO, VR> | ((value: V) => KO | null),
    third?: Materialized<K, VR> | ValueJoiner<V, VO, VR>,
    options: ForeignKeyJoined<K, KO, VR, V, VO> = {},
  ): KTable<K, VR> {
    if (typeof third === 'function') {
      const fk = joinerOrForeignKey as (value: V) => KO | null;
      return this.joinOnForeignKey(
        other as KTable<KO, VO>,
        fk,
        third as (l: V, r: VO | null) => VR,
        false,
        options,
      );
    }
    const joiner = joinerOrForeignKey as ValueJoiner<V | null, VO | null, VR>;
    return this.joinTable(other as KTable<K, VO>, joiner, 'inner', third);
  }

  private joinOnForeignKey<KO, VO, VR>(
    other: KTable<KO, VO>,
    fk: (value: V) => KO | null,
    joiner: (l: V, r: VO | null) => VR,
    leftJoin: boolean,
    options: ForeignKeyJoined<K, KO, VR, V, VO>,
  ): KTable<K, VR> {
    const { nodeName, keySerde } = foreignKeyJoin(this, other, fk, joiner, leftJoin, options);
    const table = new KTable<K, VR>(
      this.builder,
      nodeName,
      undefined,
      keySerde,
      options.materialized?.valueSerde,
    );
    if (options.materialized) table.materialize(options.materialized);
    return table;
  }

  /** Left join: every key of this table yields a result; the joiner gets null when the other side has none. */
  leftJoin<VO, VR>(
    other: KTable<K, VO>,
    joiner: ValueJoiner<V, VO | null, VR>,
    materialized?: Materialized<K, VR>,
  ): KTable<K, VR>;
  /** Foreign-key left join: like the foreign-key join, and a row without a matching `other` row joins null. */
  leftJoin<KO, VO, VR>(
    other: KTable<KO, VO>,
    foreignKey: (value: V) => KO | null,
    joiner: ValueJoiner<V, VO | null, VR>,
    options?: ForeignKeyJoined<K, KO, VR, V, VO>,
  ): KTable<K, VR>;
  leftJoin<KO, VO, VR>(
    other: KTable<K, VO> | KTable<KO, VO>,
    joinerOrForeignKey: ValueJoiner<V, VO | null, VR> | ((value: V) => KO | null),
    third?: Materialized<K, VR> | ValueJoiner<V, VO | null, VR>,
    options: ForeignKeyJoined<K, KO, VR, V, VO> = {},
  ): KTable<K, VR> {
    if (typeof third === 'function') {
      const fk = joinerOrForeignKey as (value: V) => KO | null;
      return this.joinOnForeignKey(other as KTable<KO, VO>, fk, third, true, options);
    }
    const joiner = joinerOrForeignKey as ValueJoiner<V | null, VO | null, VR>;
    return this.joinTable(other as KTable<K, VO>, joiner, 'left', third);
  }

  /**
   * Right join (ksqlDB's RIGHT JOIN; Kafka Streams writes it as other.leftJoin(this)): every key
   * of the other table yields a result; the joiner gets null for this side when it has none.
   */
  rightJoin<VO, VR>(
    other: KTable<K, VO>,
    joiner: ValueJoiner<V | null, VO, VR>,
    materialized?: Materialized<K, VR>,
  ): KTable<K, VR> {
    return this.joinTable(other, joiner as ValueJoiner<V | null, VO | null, VR>, 'right', materialized);
  }

  /** Outer join: a key of either table yields a result; the joiner gets null for a missing side. */
  outerJoin<VO, VR>(
    other: KTable<K, VO>,
    joiner: ValueJoiner<V | null, VO | null, VR>,
    materialized?: Materialized<K, VR>,
  ): KTable<K, VR> {
    return this.joinTable(other, joiner, 'outer', materialized);
  }

  private joinTable<VO, VR>(
    other: KTable<K, VO>,
    joiner: ValueJoiner<V | null, VO | null, VR>,
    mode: TableJoinMode,
    materialized: Materialized<K, VR> | undefined,
    named?: Named,
  ): KTable<K, VR> {
    const b = this.builder;
    const thisStore = this.materialize();
    const otherStore = other.materialize();
    const prefix = {
      inner: 'KTABLE-JOIN',
      left: 'KTABLE-LEFTJOIN',
      right: 'KTABLE-RIGHTJOIN',
      outer: 'KTABLE-OUTERJOIN',
    }[mode];
    const thisJoin = named?.name ? `${named.name}-join-this` : b.newName(`${prefix}THIS`);
    const otherJoin = named?.name ? `${named.name}-join-other` : b.newName(`${prefix}OTHER`);
    const merge = named?.name ? `${named.name}-merge` : b.newName('KTABLE-MERGE');
    b.addProcessor(
      thisJoin,
      () => new KTableKTableJoinProcessor<K, V, VO, VR>(otherStore, joiner, true, mode),
      [this.node],
      [otherStore],
    );
    b.addProcessor(
      otherJoin,
      () => new KTableKTableJoinProcessor<K, V, VO, VR>(thisStore, joiner, false, mode),
      [other.node],
      [thisStore],
    );
    b.addProcessor(merge, () => new PassThroughProcessor<K, Change<VR>>(), [thisJoin, otherJoin]);
    b.recordOp((t) =>
      t.addCopartitionGroup([...t.sourceTopicsOf(this.node), ...t.sourceTopicsOf(other.node)]),
    );
    const table = new KTable<K, VR>(b, merge, undefined, this.keySerde, materialized?.valueSerde);
    if (materialized) table.materialize(materialized);
    return table;
  }

  /**
   * @internal Makes sure the table's values are in a store (adding a materializing node if needed)
   * and returns the store name; later operations chain after that node.
   */
  materialize(materialized: Materialized<K, V> = {}): string {
    if (this.store) return this.store;
    const storeName = materialized.storeName ?? this.builder.newName('KTABLE-STATE-STORE');
    const name = this.builder.newName('KTABLE-MATERIALIZE');
    this.builder.addStateStore(
      keyValueStoreBuilder(this.builder, storeName, {
        ...materialized,
        keySerde: materialized.keySerde ?? this.keySerde,
        valueSerde: materialized.valueSerde ?? this.valueSerde,
      }),
    );
    this.builder.addProcessor(
      name,
      () => new KTableMaterializeProcessor<K, V>(storeName),
      [this.node],
      [storeName],
    );
    this.node = name;
    this.store = storeName;
    return storeName;
  }
}

/**
 * A re-keyed table ready to aggregate (Kafka Streams' KGroupedTable). Its updates go through a
 * repartition topic `<app>-<name>-repartition` as Change(new, old) records (see changeSerde), so
 * each group's aggregate can take an old value out (subtractor) before adding the new one (adder).
 */
export class KGroupedTable<K, V> {
  /** @internal */
  constructor(
    private readonly builder: InternalStreamsBuilder,
    /** The node forwarding re-keyed Change records. */
    private readonly nodeName: string,
    private readonly keySerde: Serde<K> | undefined,
    private readonly valueSerde: Serde<V> | undefined,
    private readonly repartitionName: string | undefined,
  ) {}

  count(materialized: Materialized<K, number> = {}): KTable<K, number> {
    return this.aggregate(
      () => 0,
      (_k, _v, n) => n + 1,
      (_k, _v, n) => n - 1,
      { valueSerde: Serdes.int64(), ...materialized },
    );
  }

  aggregate<VA>(
    initializer: Initializer<VA>,
    adder: Aggregator<K, V, VA>,
    subtractor: Aggregator<K, V, VA>,
    materialized: Materialized<K, VA> = {},
  ): KTable<K, VA> {
    const b = this.builder;
    const storeName = materialized.storeName ?? b.newName('KTABLE-AGGREGATE-STATE-STORE');
    const base = this.repartitionName ?? storeName;
    const topic = b.addRepartitionTopic(base);
    const ks = this.keySerde ?? (b.options.defaultKeySerde as Serde<K> | undefined) ?? Serdes.json<K>();
    const vs = this.valueSerde ?? (b.options.defaultValueSerde as Serde<V> | undefined) ?? Serdes.json<V>();
    const cs: Serde<Change<V>> = changeSerde(vs);
    const sink = `${base}-repartition-sink`;
    const source = `${base}-repartition-source`;
    b.addSink(sink, topic, { keySerde: ks, valueSerde: cs }, [this.nodeName]);
    b.addSource(source, [topic], { keySerde: ks, valueSerde: cs });
    const keySerde = materialized.keySerde ?? this.keySerde;
    b.addStateStore(keyValueStoreBuilder(b, storeName, { ...materialized, keySerde }));
    const name = b.newName('KTABLE-AGGREGATE');
    b.addProcessor(
      name,
      () => new KTableAggregateProcessor<K, V, VA>(storeName, initializer, adder, subtractor),
      [source],
      [storeName],
    );
    return new KTable<K, VA>(b, name, storeName, keySerde, materialized.valueSerde);
  }
}
