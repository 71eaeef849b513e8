import type { Logger } from 'pino';
import type { ProcessorSupplier } from '../processor/processor.js';
import type { Serde } from '../serde/serde.js';
import type { StateStore } from '../state/state-store.js';
import type { StoreBackend, StoreBuilder } from '../state/supplier.js';
import type { StreamPartitioner, TopicNameExtractor } from '../topology/nodes.js';
import { Topology } from '../topology/topology.js';
import type { TimestampExtractor } from '../time/timestamp-extractor.js';

export interface StreamsBuilderOptions {
  /** Backend of DSL-created stores when Materialized names none (default: in-memory). */
  readonly storeBackend?: StoreBackend;
  /** Serdes used where an operation names none (repartition topics, stores). Default: JSON. */
  readonly defaultKeySerde?: Serde<unknown>;
  readonly defaultValueSerde?: Serde<unknown>;
  /** Logger for DSL processors (late-record drops are logged at debug). */
  readonly logger?: Logger;
}

type GraphOp = (topology: Topology) => void;

/**
 * The graph the DSL records (Kafka Streams' InternalStreamsBuilder): node names, and the
 * operations that `build()` replays, in order, onto a new Topology. KStream, KTable and their
 * grouped forms add to it; StreamsBuilder, the user's entry point, extends it with stream() and
 * table(). Kept apart so that the DSL's types depend on this graph, not on the entry point that
 * creates them (which would tie every DSL file into one import cycle).
 */
export class InternalStreamsBuilder {
  private readonly ops: GraphOp[] = [];
  private index = 0;

  constructor(readonly options: StreamsBuilderOptions = {}) {}

  /** Adds a store for Processor-API processors (connect it with `process(..., storeNames)`). */
  addStateStore(builder: StoreBuilder<StateStore>, processorNames: readonly string[] = []): this {
    this.ops.push((t) => t.addStateStore(builder, ...processorNames));
    return this;
  }

  /** Compiles the recorded graph into a new Topology. */
  build(): Topology {
    const topology = new Topology();
    for (const op of this.ops) op(topology);
    return topology;
  }

  // --- used by KStream/KTable/... (not part of the user API) ---

  /** @internal `KSTREAM-FILTER-0000000003`, numbered in creation order as Kafka Streams does. */
  newName(prefix: string): string {
    return `${prefix}-${String(this.index++).padStart(10, '0')}`;
  }

  /** @internal */
  addSource<K, V>(
    name: string,
    topics: readonly string[],
    options: { keySerde?: Serde<K>; valueSerde?: Serde<V>; timestampExtractor?: TimestampExtractor<K, V> },
  ): void {
    this.ops.push((t) =>
      t.addSource(name, topics, {
        keySerde: options.keySerde as Serde<unknown> | undefined,
        valueSerde: options.valueSerde as Serde<unknown> | undefined,
        timestampExtractor: options.timestampExtractor as TimestampExtractor | undefined,
      }),
    );
  }

  /** @internal */
  addProcessor<KIn, VIn, KOut, VOut>(
    name: string,
    supplier: ProcessorSupplier<KIn, VIn, KOut, VOut>,
    parents: readonly string[],
    stores: readonly string[] = [],
  ): void {
    this.ops.push((t) => {
      t.addProcessor(name, supplier, ...parents);
      if (stores.length) t.connectProcessorAndStateStores(name, ...stores);
    });
  }

  /** @internal */
  connectStores(processor: string, stores: readonly string[]): void {
    this.ops.push((t) => t.connectProcessorAndStateStores(processor, ...stores));
  }

  /** @internal */
  addSink<K, V>(
    name: string,
    topic: string | TopicNameExtractor<K, V>,
    options: { keySerde?: Serde<K>; valueSerde?: Serde<V>; partitioner?: StreamPartitioner<K, V> },
    parents: readonly string[],
  ): void {
    this.ops.push((t) =>
      t.addSink(
        name,
        topic,
        {
          keySerde: options.keySerde as Serde<unknown> | undefined,
          valueSerde: options.valueSerde as Serde<unknown> | undefined,
          partitioner: options.partitioner as StreamPartitioner<unknown, unknown> | undefined,
        },
        ...parents,
      ),
    );
  }

  /** @internal Declares `<base><suffix>` (default `-repartition`); returns the topic name used by sink and source. */
  addRepartitionTopic(base: string, partitions?: number, suffix = '-repartition'): string {
    const topic = `${base}${suffix}`;
    this.ops.push((t) => {
      t.addRepartitionTopic(base, partitions, suffix);
    });
    return topic;
  }

  /** @internal */
  addCopartitionGroup(topicsOf: () => string[]): void {
    this.ops.push((t) => t.addCopartitionGroup(topicsOf()));
  }

  /** @internal Every op so far, for helpers that need to look back (source topics of a node). */
  recordOp(op: GraphOp): void {
    this.ops.push(op);
  }
}
