import type { Serde } from '../serde/serde.js';
import type { StoreBackend } from '../state/supplier.js';
import type { TimestampExtractor } from '../time/timestamp-extractor.js';
import type { StreamPartitioner } from '../topology/nodes.js';

/** How a source topic is read (Kafka Streams' Consumed). */
export interface Consumed<K, V> {
  readonly keySerde?: Serde<K>;
  readonly valueSerde?: Serde<V>;
  readonly timestampExtractor?: TimestampExtractor<K, V>;
  /** Source node name. */
  readonly name?: string;
}

/** How a stream is written to a topic (Kafka Streams' Produced). */
export interface Produced<K, V> {
  readonly keySerde?: Serde<K>;
  readonly valueSerde?: Serde<V>;
  readonly partitioner?: StreamPartitioner<K, V>;
  readonly name?: string;
}

/** Serdes and name for the repartition topic of a grouping (Kafka Streams' Grouped). */
export interface Grouped<K, V> {
  readonly keySerde?: Serde<K>;
  readonly valueSerde?: Serde<V>;
  /** Base name of the repartition topic (`<app>-<name>-repartition`). */
  readonly name?: string;
}

/** Explicit repartitioning (Kafka Streams' Repartitioned). */
export interface Repartitioned<K, V> {
  readonly keySerde?: Serde<K>;
  readonly valueSerde?: Serde<V>;
  readonly name?: string;
  readonly numberOfPartitions?: number;
  readonly partitioner?: StreamPartitioner<K, V>;
}

/**
 * How a table or aggregation is stored (Kafka Streams' Materialized). Caching and logging default
 * to on, as in Kafka Streams; `retentionMs` applies to window and session stores.
 */
export interface Materialized<K, V> {
  /** Store name (also the changelog `<app>-<name>-changelog` and the queryable name). */
  readonly storeName?: string;
  readonly keySerde?: Serde<K>;
  readonly valueSerde?: Serde<V>;
  readonly retentionMs?: number;
  readonly cachingEnabled?: boolean;
  readonly loggingEnabled?: boolean;
  readonly logConfig?: Readonly<Record<string, string>>;
  /** Store backend (in-memory by default; the runtime can configure Redis). */
  readonly backend?: StoreBackend;
}

/** Kafka-style helpers: `Materialized.as('counts')`, `Materialized.with(k, v)`. */
export const Materialized = {
  as<K, V>(storeName: string): Materialized<K, V> {
    return { storeName };
  },
  with<K, V>(keySerde: Serde<K> | undefined, valueSerde: Serde<V> | undefined): Materialized<K, V> {
    return { keySerde, valueSerde };
  },
};

/** Serdes for the two sides of a KStream–KStream join (Kafka Streams' StreamJoined). */
export interface StreamJoined<K, V, VO> {
  readonly keySerde?: Serde<K>;
  readonly valueSerde?: Serde<V>;
  readonly otherValueSerde?: Serde<VO>;
  /** Base name of the join stores (`<storeName>-this-join-store`, …); default: `name`, else generated. */
  readonly storeName?: string;
  /**
   * Names the join's processors (`<name>-this-join`, `<name>-other-join`, `<name>-merge`) and the
   * repartition topics of sides that need one (`<name>-left-repartition`, `<name>-right-repartition`).
   */
  readonly name?: string;
  readonly loggingEnabled?: boolean;
  /**
   * Exact names of the join's window stores (Kafka Streams' withThisStoreSupplier /
   * withOtherStoreSupplier): a host that reproduces another engine's store names (ksqlDB's
   * `KSTREAM-JOINTHIS-0000000012-store`) sets them; they win over `storeName`. `outer` names the
   * shared store of unmatched records of left/outer joins with a grace period.
   */
  readonly storeNames?: { readonly this: string; readonly other: string; readonly outer?: string };
}

/** Serdes for a KStream–KTable join's repartition (Kafka Streams' Joined). */
export interface Joined<K, V> {
  readonly keySerde?: Serde<K>;
  readonly valueSerde?: Serde<V>;
  readonly name?: string;
}

/** Names a DSL operation's processor node (Kafka Streams' Named). */
export interface Named {
  readonly name?: string;
}

/**
 * suppress() configuration (Kafka Streams' Suppressed). Only `untilWindowCloses` with an unbounded
 * buffer is supported: it emits each window's final result once, when window end + grace ≤ stream
 * time.
 */
export interface Suppressed {
  readonly kind: 'untilWindowCloses';
  readonly name?: string;
  /**
   * Serde of the inner (unwindowed) key for the buffer's durable store; default: the builder's
   * default key serde, else JSON.
   */
  readonly keySerde?: Serde<unknown>;
}

export const Suppressed = {
  untilWindowCloses(options: { name?: string; keySerde?: Serde<unknown> } = {}): Suppressed {
    return { kind: 'untilWindowCloses', name: options.name, keySerde: options.keySerde };
  },
};
