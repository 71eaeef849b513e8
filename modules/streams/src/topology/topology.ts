import type { ProcessorSupplier } from '../processor/processor.js';
import type { Serde } from '../serde/serde.js';
import type { TimestampExtractor } from '../time/timestamp-extractor.js';
import { describeTopology, type TopologyDescription } from './describe.js';
import type {
  NodeDef,
  ProcessorNodeDef,
  SinkNodeDef,
  SourceNodeDef,
  StreamPartitioner,
  TopicNameExtractor,
} from './nodes.js';
import type { TopologyStoreBuilder } from './topology-store-builder.js';
import { computeSubtopologies, type Subtopology } from './subtopologies.js';

export class TopologyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TopologyError';
  }
}

export interface SourceOptions {
  keySerde?: Serde<unknown>;
  valueSerde?: Serde<unknown>;
  timestampExtractor?: TimestampExtractor;
}

export interface SinkOptions {
  keySerde?: Serde<unknown>;
  valueSerde?: Serde<unknown>;
  partitioner?: StreamPartitioner<unknown, unknown>;
}

/** An internal topic the runtime must create before starting (names are already app-prefixed). */
export interface InternalTopic {
  readonly name: string;
  readonly kind: 'repartition' | 'changelog';
  /** Topic configs, e.g. cleanup.policy=compact for changelogs. */
  readonly config: Readonly<globalThis.Record<string, string>>;
  /** Explicit partition count (repartition(numberOfPartitions)); otherwise as the source topics. */
  readonly partitions?: number;
  readonly subtopology: number;
}

/**
 * A compiled processing graph (Kafka Streams' Topology): source, processor and sink nodes, named
 * state stores, and the internal topics the graph needs. Built by StreamsBuilder.build() or by hand
 * with the Processor API; executed by StreamTask in both the test driver and the Kafka runtime.
 */
export class Topology {
  private readonly nodeDefs = new Map<string, NodeDef>();
  private readonly storeDefs = new Map<string, { builder: TopologyStoreBuilder; processors: string[] }>();
  /** Repartition topic base names (`<name>-repartition`), prefixed with the application id at run time. */
  private readonly repartitionTopicDefs = new Map<string, { partitions?: number }>();
  private readonly copartitionGroupDefs: string[][] = [];
  private cachedSubtopologies: Subtopology[] | null = null;

  addSource(name: string, topics: readonly string[], options: SourceOptions = {}): this {
    this.checkNewName(name);
    if (topics.length === 0) throw new TopologyError(`source ${name} needs at least one topic`);
    for (const node of this.nodeDefs.values()) {
      if (node.kind === 'source') {
        const dup = node.topics.find((t) => topics.includes(t));
        if (dup) throw new TopologyError(`topic ${dup} is already consumed by source ${node.name}`);
      }
    }
    this.put({ kind: 'source', name, topics: [...topics], ...options, children: [] });
    return this;
  }

  addProcessor<KIn, VIn, KOut, VOut>(
    name: string,
    supplier: ProcessorSupplier<KIn, VIn, KOut, VOut>,
    ...parentNames: string[]
  ): this {
    this.checkNewName(name);
    this.linkParents(name, parentNames);
    this.put({
      kind: 'processor',
      name,
      supplier: supplier as ProcessorSupplier<unknown, unknown, unknown, unknown>,
      parents: parentNames,
      children: [],
      stores: [],
    });
    return this;
  }

  addSink<K, V>(
    name: string,
    topic: string | TopicNameExtractor<K, V>,
    options: SinkOptions,
    ...parentNames: string[]
  ): this {
    this.checkNewName(name);
    this.linkParents(name, parentNames);
    this.put({
      kind: 'sink',
      name,
      topic: topic as string | TopicNameExtractor<unknown, unknown>,
      ...options,
      parents: parentNames,
    });
    return this;
  }

  addStateStore(builder: TopologyStoreBuilder, ...processorNames: string[]): this {
    if (this.storeDefs.has(builder.name)) throw new TopologyError(`store ${builder.name} already added`);
    this.storeDefs.set(builder.name, { builder, processors: [] });
    for (const p of processorNames) this.connectProcessorAndStateStores(p, builder.name);
    this.cachedSubtopologies = null;
    return this;
  }

  connectProcessorAndStateStores(processorName: string, ...storeNames: string[]): this {
    if (storeNames.length === 0) return this;
    const node = this.nodeDefs.get(processorName);
    if (node?.kind !== 'processor') throw new TopologyError(`no processor named ${processorName}`);
    for (const s of storeNames) {
      const store = this.storeDefs.get(s);
      if (!store) throw new TopologyError(`no store named ${s} (add it with addStateStore first)`);
      if (!node.stores.includes(s)) node.stores.push(s);
      if (!store.processors.includes(processorName)) store.processors.push(processorName);
    }
    this.cachedSubtopologies = null;
    return this;
  }

  /**
   * Declares `<name>-repartition` as an internal topic (DSL repartition, key-changing ops); another
   * suffix names other internal topics of that kind (the foreign-key join's `-topic`s).
   */
  addRepartitionTopic(baseName: string, partitions?: number, suffix = '-repartition'): string {
    const name = `${baseName}${suffix}`;
    this.repartitionTopicDefs.set(name, { partitions });
    return name;
  }

  /** Source topics that must have the same partition count (joins). */
  addCopartitionGroup(topics: string[]): void {
    this.copartitionGroupDefs.push(topics);
  }

  /** Source topics upstream of a node (walking parents; repartition sources count as sources). */
  sourceTopicsOf(nodeName: string): string[] {
    const out = new Set<string>();
    const seen = new Set<string>();
    const walk = (name: string) => {
      if (seen.has(name)) return;
      seen.add(name);
      const n = this.nodeDefs.get(name);
      if (!n) return;
      if (n.kind === 'source') for (const t of n.topics) out.add(t);
      else for (const p of n.parents) walk(p);
    };
    walk(nodeName);
    return [...out];
  }

  nodes(): readonly NodeDef[] {
    return [...this.nodeDefs.values()];
  }

  node(name: string): NodeDef | undefined {
    return this.nodeDefs.get(name);
  }

  storeBuilder(name: string): TopologyStoreBuilder | undefined {
    return this.storeDefs.get(name)?.builder;
  }

  storeNames(): string[] {
    return [...this.storeDefs.keys()];
  }

  isRepartitionTopic(topic: string): boolean {
    return this.repartitionTopicDefs.has(topic);
  }

  /** The topic name as it exists in Kafka: internal topics get the application id prefix. */
  resolveTopic(topic: string, applicationId: string): string {
    return this.repartitionTopicDefs.has(topic) ? `${applicationId}-${topic}` : topic;
  }

  copartitionGroups(applicationId: string): string[][] {
    return this.copartitionGroupDefs.map((g) => g.map((t) => this.resolveTopic(t, applicationId)));
  }

  subtopologies(): Subtopology[] {
    this.cachedSubtopologies ??= computeSubtopologies(
      [...this.nodeDefs.values()],
      new Map([...this.storeDefs].map(([n, d]) => [n, d.processors])),
    );
    return this.cachedSubtopologies;
  }

  /** Every source topic (internal ones resolved with the application id). */
  sourceTopics(applicationId: string): string[] {
    return this.subtopologies().flatMap((s) =>
      s.sourceTopics.map((t) => this.resolveTopic(t, applicationId)),
    );
  }

  /** Repartition and changelog topics the runtime must create, named as Kafka Streams names them. */
  internalTopics(applicationId: string): InternalTopic[] {
    const out: InternalTopic[] = [];
    for (const sub of this.subtopologies()) {
      for (const t of sub.sourceTopics) {
        const def = this.repartitionTopicDefs.get(t);
        if (!def) continue;
        out.push({
          name: `${applicationId}-${t}`,
          kind: 'repartition',
          config: { 'cleanup.policy': 'delete' },
          partitions: def.partitions,
          subtopology: sub.id,
        });
      }
      for (const s of sub.stores) {
        const builder = this.storeDefs.get(s)!.builder;
        if (!builder.loggingEnabled) continue;
        out.push({
          name: `${applicationId}-${s}-changelog`,
          kind: 'changelog',
          config: { 'cleanup.policy': 'compact', ...builder.logConfig },
          subtopology: sub.id,
        });
      }
    }
    return out;
  }

  describe(): TopologyDescription {
    return describeTopology(this.subtopologies(), (name) => this.nodeDefs.get(name)!);
  }

  private put(def: NodeDef): void {
    this.nodeDefs.set(def.name, def);
    this.cachedSubtopologies = null;
  }

  private checkNewName(name: string): void {
    if (!name) throw new TopologyError('node name must not be empty');
    if (this.nodeDefs.has(name)) throw new TopologyError(`node ${name} already exists`);
  }

  private linkParents(child: string, parents: readonly string[]): void {
    if (parents.length === 0) throw new TopologyError(`node ${child} needs at least one parent`);
    for (const p of parents) {
      const parent = this.nodeDefs.get(p);
      if (!parent) throw new TopologyError(`parent ${p} of ${child} does not exist`);
      if (parent.kind === 'sink') throw new TopologyError(`sink ${p} cannot be a parent (of ${child})`);
      (parent as SourceNodeDef | ProcessorNodeDef).children.push(child);
    }
  }
}

export type { SinkNodeDef };
