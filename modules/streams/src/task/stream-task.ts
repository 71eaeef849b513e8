import { pino, type Logger } from 'pino';
import type { Processor } from '../processor/processor.js';
import type { Cancellable, PunctuationType, Punctuator } from '../processor/punctuation.js';
import { type Headers, NO_HEADERS, Record, type RecordMetadata } from '../processor/record.js';
import { recordDeserializationError, type Serde } from '../serde/serde.js';
import type {
  CachedRecordContext,
  RecordCacheLike,
  StateStore,
  StateStoreContext,
  StoreLifecycle,
} from '../state/state-store.js';
import {
  InvalidTimestampError,
  type InvalidTimestampPolicy,
  isValidTimestamp,
  recordTimestamp,
  type TimestampExtractor,
} from '../time/timestamp-extractor.js';
import type { RecordContext, SourceNodeDef } from '../topology/nodes.js';
import type { Subtopology } from '../topology/subtopologies.js';
import type { Topology } from '../topology/topology.js';
import { ProcessorNode, type TaskServices } from './processor-node.js';
import type { RecordCollector } from './record-collector.js';
import { SinkProcessor } from './sink-processor.js';
import { TaskMetrics } from './task-metrics.js';

/** A record as consumed: bytes plus where it came from. */
export interface RawRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: Headers;
}

export interface StreamTaskOptions {
  readonly applicationId: string;
  readonly topology: Topology;
  readonly subtopology: Subtopology;
  readonly partition: number;
  readonly collector: RecordCollector;
  /** Wall clock (the test driver passes its mock clock). */
  readonly clock?: () => number;
  readonly defaultKeySerde?: Serde<unknown>;
  readonly defaultValueSerde?: Serde<unknown>;
  readonly defaultTimestampExtractor?: TimestampExtractor;
  readonly invalidTimestampPolicy?: InvalidTimestampPolicy;
  /** Changelog sink for logged stores (the runtime's producer); absent → stores log nothing. */
  readonly logChange?: (storeName: string, key: Buffer, value: Buffer | null, timestamp: number) => void;
  /** This task's record cache; absent → no caching. */
  readonly cache?: RecordCacheLike;
  /** Builds a store instance (the runtime may pick a Redis backend); default: the topology's builder. */
  readonly buildStore?: (name: string) => StateStore;
  readonly logger?: Logger;
}

/** A processing failure with the input record's coordinates, so the operator can find it. */
export class ProcessingError extends Error {
  constructor(
    readonly taskId: string,
    readonly topic: string | null,
    readonly partition: number,
    readonly offset: number,
    options?: { cause?: unknown },
  ) {
    const where = topic === null ? 'punctuation' : `${topic}-${partition}@${offset}`;
    const why = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(`task ${taskId} failed processing ${where}${why}`, options);
    this.name = 'ProcessingError';
  }
}

interface Schedule {
  readonly node: ProcessorNode;
  readonly intervalMs: number;
  readonly punctuator: Punctuator;
  next: number;
  cancelled: boolean;
}

interface SourceBinding {
  readonly def: SourceNodeDef;
  readonly node: ProcessorNode;
  readonly keySerde: Serde<unknown> | undefined;
  readonly valueSerde: Serde<unknown> | undefined;
  readonly extractor: TimestampExtractor;
}

/** Per input topic: its source, and the highest offset processed (-1 = none yet). */
interface TopicBinding {
  readonly src: SourceBinding;
  lastOffset: number;
}

const NO_CONTEXT: RecordContext & CachedRecordContext = Object.freeze({
  topic: null,
  partition: -1,
  offset: -1,
  timestamp: -1,
  headers: NO_HEADERS,
});

/**
 * Executes one sub-topology for one partition — the same code under the test driver and the Kafka
 * runtime. The caller feeds records (`process`), drives wall-clock punctuation, and calls `flush`
 * before it commits (caches → stores → changelog/output), then commits `committableOffsets()`.
 */
export class StreamTask implements TaskServices {
  readonly taskId: string;
  readonly applicationId: string;
  readonly partition: number;
  readonly metrics = new TaskMetrics();
  private readonly nodes = new Map<string, ProcessorNode>();
  private readonly sources = new Map<string, TopicBinding>();
  private lastBindingTopic: string | undefined;
  private lastBinding: TopicBinding | undefined;
  private readonly stores = new Map<string, StateStore>();
  private readonly lifecycles = new Map<string, StoreLifecycle>();
  private readonly streamSchedules: Schedule[] = [];
  private readonly wallSchedules: Schedule[] = [];
  private nextStreamPunctuation = Number.POSITIVE_INFINITY;
  private readonly clock: () => number;
  private readonly policy: InvalidTimestampPolicy;
  private readonly log: Logger;
  private readonly scratch = {
    topic: '',
    partition: 0,
    offset: 0,
    key: null as unknown,
    value: null as unknown,
    timestamp: 0,
  };
  private current: (RecordContext & CachedRecordContext) | null = NO_CONTEXT;
  private curTopic: string | null = null;
  private curPartition = -1;
  private curOffset = -1;
  private curTimestamp = -1;
  private curHeaders: Headers = NO_HEADERS;
  private inPunctuation = false;
  private streamTimeMs = -1;
  private commitRequested = false;
  private closed = false;

  constructor(private readonly options: StreamTaskOptions) {
    const { topology, subtopology, applicationId, partition } = options;
    this.applicationId = applicationId;
    this.partition = partition;
    this.taskId = `${subtopology.id}_${partition}`;
    this.clock = options.clock ?? Date.now;
    this.policy = options.invalidTimestampPolicy ?? 'fail';
    this.log = (options.logger ?? pino({ level: 'info' })).child({ task: this.taskId });
    const resolve = (t: string) => topology.resolveTopic(t, applicationId);

    for (const name of subtopology.nodes) {
      const def = topology.node(name)!;
      let processor: Processor<unknown, unknown, unknown, unknown>;
      if (def.kind === 'processor') processor = def.supplier();
      else if (def.kind === 'sink') {
        processor = new SinkProcessor(
          def,
          def.keySerde ?? options.defaultKeySerde,
          def.valueSerde ?? options.defaultValueSerde,
          options.collector,
          resolve,
          () => this.context(),
        );
      } else processor = { process: () => {} };
      const node = new ProcessorNode(name, processor, def.kind === 'processor' ? def.stores : [], this);
      this.nodes.set(name, node);
      if (def.kind === 'source') {
        const binding: SourceBinding = {
          def,
          node,
          keySerde: def.keySerde ?? options.defaultKeySerde,
          valueSerde: def.valueSerde ?? options.defaultValueSerde,
          extractor: def.timestampExtractor ?? options.defaultTimestampExtractor ?? recordTimestamp,
        };
        for (const t of def.topics) this.sources.set(resolve(t), { src: binding, lastOffset: -1 });
      }
    }
    for (const name of subtopology.nodes) {
      const def = topology.node(name)!;
      if (def.kind !== 'sink')
        for (const c of def.children) this.nodes.get(name)!.addChild(this.nodes.get(c)!);
    }
  }

  /** Builds and initialises stores, then processors (in topology order). */
  initialize(): void {
    const storeContext: StateStoreContext = {
      applicationId: this.applicationId,
      taskId: this.taskId,
      partition: this.partition,
      register: (store, lifecycle) => {
        this.lifecycles.set(store.name, lifecycle);
      },
      logChange: this.options.logChange,
      recordContext: () => this.context(),
      cache: this.options.cache,
    };
    for (const name of this.options.subtopology.stores) {
      const store = this.options.buildStore
        ? this.options.buildStore(name)
        : (this.options.topology.storeBuilder(name)!.build() as StateStore);
      store.init(storeContext, store);
      this.stores.set(name, store);
    }
    for (const node of this.nodes.values()) node.init();
  }

  /** Input topics of this task, as named in Kafka. */
  inputTopics(): string[] {
    return [...this.sources.keys()];
  }

  /** Registered stores with the lifecycle the runtime drives (restore, checkpoint). */
  storeLifecycles(): ReadonlyMap<string, StoreLifecycle> {
    return this.lifecycles;
  }

  getStore(name: string): StateStore | undefined {
    return this.stores.get(name);
  }

  /** Deserializes, timestamps and processes one consumed record. Returns false when it was skipped. */
  process(raw: RawRecord): boolean {
    return this.processBytes(
      raw.topic,
      raw.partition,
      raw.offset,
      raw.timestamp,
      raw.key,
      raw.value,
      raw.headers ?? NO_HEADERS,
    );
  }

  /** `process` with the record's parts as arguments: the runtime's per-record path allocates no RawRecord. */
  processBytes(
    topic: string,
    partition: number,
    offset: number,
    timestamp: number,
    keyBytes: Buffer | null,
    valueBytes: Buffer | null,
    headers: Headers,
  ): boolean {
    const src = this.binding(topic).src;
    let key: unknown = keyBytes;
    let value: unknown = valueBytes;
    if (keyBytes !== null && src.keySerde) {
      try {
        key = src.keySerde.deserialize(keyBytes);
      } catch (err) {
        throw recordDeserializationError(topic, partition, offset, 'key', err);
      }
    }
    if (valueBytes !== null && src.valueSerde) {
      try {
        value = src.valueSerde.deserialize(valueBytes);
      } catch (err) {
        throw recordDeserializationError(topic, partition, offset, 'value', err);
      }
    }
    return this.processDeserialized(topic, partition, offset, key, value, timestamp, headers);
  }

  /**
   * Processes a record whose key and value are already objects (in-process feeds: rxjs sources,
   * the test driver's serde-free input). Same timestamp handling and stream time as `process`.
   */
  processDeserialized(
    topic: string,
    partition: number,
    offset: number,
    key: unknown,
    value: unknown,
    recordTimestampMs: number,
    headers: Headers,
  ): boolean {
    const tb = this.binding(topic);
    const src = tb.src;
    this.metrics.processed++;
    let ts =
      src.extractor === recordTimestamp
        ? recordTimestampMs
        : this.extract(src, topic, partition, offset, key, value, recordTimestampMs);
    if (!isValidTimestamp(ts)) {
      ts = this.onInvalidTimestamp(topic, partition, offset, ts);
      if (ts < 0) return false;
    }
    if (ts > this.streamTimeMs) this.streamTimeMs = ts;
    // The context object is built only if a store or sink asks for it (see context()).
    this.curTopic = topic;
    this.curPartition = partition;
    this.curOffset = offset;
    this.curTimestamp = ts;
    this.curHeaders = headers;
    this.current = null;
    if (offset > tb.lastOffset) tb.lastOffset = offset;
    try {
      src.node.forward(new Record(key, value, ts, headers));
    } catch (err) {
      if (err instanceof ProcessingError) throw err;
      throw new ProcessingError(this.taskId, topic, partition, offset, { cause: err });
    }
    if (this.streamTimeMs >= this.nextStreamPunctuation) this.punctuateStreamTime();
    return true;
  }

  /** Fires wall-clock punctuators that are due at `now`. Returns true when any fired. */
  punctuateWallClock(now: number = this.clock()): boolean {
    return this.fire(this.wallSchedules, now, true);
  }

  /** Flushes every store (caches emit their de-duplicated updates downstream). Call before committing. */
  flush(): void {
    this.commitRequested = false;
    this.runOutsideRecord(() => {
      for (const node of this.nodes.values()) node.processor.flush?.();
      for (const store of this.stores.values()) store.flush();
    });
  }

  /** Next offset to commit per input topic (last processed + 1), for this task's partition. */
  committableOffsets(): ReadonlyMap<string, number> {
    const out = new Map<string, number>();
    for (const [t, tb] of this.sources) if (tb.lastOffset >= 0) out.set(t, tb.lastOffset + 1);
    return out;
  }

  /** True when a processor called context.commit() since the last flush. */
  isCommitRequested(): boolean {
    return this.commitRequested;
  }

  streamTime(): number {
    return this.streamTimeMs;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const node of this.nodes.values()) node.processor.close?.();
    for (const store of this.stores.values()) store.close();
  }

  // --- TaskServices (what node contexts call) ---

  recordMetadata(): RecordMetadata | null {
    const c = this.context();
    if (this.inPunctuation || c.topic === null) return null;
    return { topic: c.topic, partition: c.partition, offset: c.offset };
  }

  /** The current record's context (immutable: caches keep it with their entries). */
  private context(): RecordContext & CachedRecordContext {
    if (this.current === null) {
      this.current = {
        topic: this.curTopic,
        partition: this.curPartition,
        offset: this.curOffset,
        timestamp: this.curTimestamp,
        headers: this.curHeaders,
      };
    }
    return this.current;
  }

  systemTime(): number {
    return this.clock();
  }

  requestCommit(): void {
    this.commitRequested = true;
  }

  store(name: string, requester: string, allowed: readonly string[]): unknown {
    const store = this.stores.get(name);
    if (!store || !allowed.includes(name)) {
      throw new Error(`processor ${requester} is not connected to state store ${name} (task ${this.taskId})`);
    }
    return store;
  }

  schedule(
    intervalMs: number,
    type: PunctuationType,
    punctuator: Punctuator,
    node: ProcessorNode,
  ): Cancellable {
    if (!(intervalMs >= 1)) throw new Error(`punctuation interval must be ≥ 1 ms, got ${intervalMs}`);
    const wall = type === 'WALL_CLOCK_TIME';
    const base = wall ? this.clock() : Math.max(this.streamTimeMs, 0);
    const s: Schedule = { node, intervalMs, punctuator, next: base + intervalMs, cancelled: false };
    if (wall) this.wallSchedules.push(s);
    else {
      this.streamSchedules.push(s);
      this.nextStreamPunctuation = Math.min(this.nextStreamPunctuation, s.next);
    }
    return {
      cancel: () => {
        s.cancelled = true;
      },
    };
  }

  // --- internals ---

  private binding(topic: string): TopicBinding {
    if (topic === this.lastBindingTopic) return this.lastBinding!;
    const tb = this.sources.get(topic);
    if (tb) {
      this.lastBindingTopic = topic;
      this.lastBinding = tb;
    }
    if (!tb) throw new Error(`task ${this.taskId} has no source for topic ${topic}`);
    return tb;
  }

  private extract(
    src: SourceBinding,
    topic: string,
    partition: number,
    offset: number,
    key: unknown,
    value: unknown,
    timestamp: number,
  ): number {
    // One reusable object: extractors must not keep it (documented on TimestampExtractor).
    const r = this.scratch;
    r.topic = topic;
    r.partition = partition;
    r.offset = offset;
    r.key = key;
    r.value = value;
    r.timestamp = timestamp;
    return src.extractor(r, this.streamTimeMs);
  }

  private onInvalidTimestamp(topic: string, partition: number, offset: number, ts: number): number {
    if (this.policy === 'fail') throw new InvalidTimestampError(topic, partition, offset, ts);
    if (this.policy === 'use-previous' && this.streamTimeMs >= 0) return this.streamTimeMs;
    this.metrics.invalidTimestampSkips++;
    this.log.warn({ topic, partition, offset, timestamp: ts }, 'skipping record with invalid timestamp');
    return -1;
  }

  private punctuateStreamTime(): void {
    this.fire(this.streamSchedules, this.streamTimeMs, false);
    let next = Number.POSITIVE_INFINITY;
    for (const s of this.streamSchedules) if (!s.cancelled && s.next < next) next = s.next;
    this.nextStreamPunctuation = next;
  }

  private fire(schedules: Schedule[], now: number, wall: boolean): boolean {
    let fired = false;
    for (let i = 0; i < schedules.length; i++) {
      const s = schedules[i];
      if (s.cancelled) {
        schedules.splice(i--, 1);
        continue;
      }
      if (now < s.next) continue;
      // Missed intervals fire once, as Kafka Streams does; the grid stays aligned to the first schedule.
      s.next += Math.floor((now - s.next) / s.intervalMs + 1) * s.intervalMs;
      fired = true;
      this.runOutsideRecord(
        () => s.punctuator(now),
        wall ? 'wall-clock punctuation' : 'stream-time punctuation',
      );
    }
    return fired;
  }

  private runOutsideRecord(fn: () => void, what = 'flush'): void {
    const saved = this.current;
    const savedFlag = this.inPunctuation;
    this.inPunctuation = true;
    this.current = { ...NO_CONTEXT, timestamp: Math.max(this.streamTimeMs, 0) };
    try {
      fn();
    } catch (err) {
      if (err instanceof ProcessingError) throw err;
      this.log.error({ err, what }, 'task failed outside record processing');
      throw new ProcessingError(this.taskId, null, this.partition, -1, { cause: err });
    } finally {
      this.current = saved;
      this.inPunctuation = savedFlag;
    }
  }
}
