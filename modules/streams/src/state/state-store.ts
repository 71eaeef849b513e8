import type { RecordCache } from './cache/record-cache.js';
import type { KeyValueIterator } from './iterator.js';
import type { Serde } from './serde.js';

/**
 * What a store needs from the runtime (the Kafka runtime, or the TopologyTestDriver). One context
 * per task. Stores call `register` once from their innermost layer, passing the outermost store.
 */
export interface StateStoreContext {
  readonly applicationId: string;
  /** Task id as Kafka Streams writes it, `<subtopology>_<partition>`. */
  readonly taskId: string;
  /** Input (and changelog) partition of the task; namespaces Redis keys. */
  readonly partition: number;
  /** Called once per store by its innermost layer: the runtime flushes/closes `store` and drives `lifecycle`. */
  register(store: StateStore, lifecycle: StoreLifecycle): void;
  /**
   * Changelog sink, provided by the runtime when the store logs changes. The change-logging layer
   * calls it synchronously for each write that reaches it (after cache de-duplication); the
   * runtime sends it to `<applicationId>-<storeName>-changelog`, partition = task partition.
   * `value === null` is a tombstone. Undefined → the store logs nothing.
   */
  readonly logChange?: (storeName: string, key: Buffer, value: Buffer | null, timestamp: number) => void;
  /**
   * The record being processed (timestamp at least; the runtime may add topic/partition/offset/
   * headers). The cache keeps it with each dirty entry and hands it back on flush, so forwarded
   * updates carry the context of the record that wrote them, as in Kafka Streams.
   */
  recordContext(): CachedRecordContext;
  /** The task's record cache (see cache/record-cache.ts); undefined or 0 bytes → no caching. */
  readonly cache?: RecordCacheLike;
}

/** Record metadata kept with cached entries. Runtimes may put more fields in it (structural). */
export interface CachedRecordContext {
  readonly timestamp: number;
}

/** The task's record cache as stores see it (the RecordCache class; alias kept for callers). */
export type RecordCacheLike = RecordCache;

/** A changelog record handed to a store during restore (key/value bytes exactly as logged). */
export interface ChangelogRecord {
  readonly key: Buffer;
  readonly value: Buffer | null;
}

/**
 * What the runtime drives for a registered store besides flush/close. All optional parts exist
 * only on persistent stores (Redis): in-memory stores just `restore`.
 *
 * Runtime sequence: init(context) → `await load?.()` → restore changelog from
 * `checkpointedOffset?.() ?? 0` → process; on commit: store.flush() → changelog/output sent and
 * committed → `await persist?.(nextChangelogOffset)`; on close: store.close() (after a last commit).
 */
export interface StoreLifecycle {
  /** Applies changelog records to the innermost store (no caching, no changelog). */
  restore(records: readonly ChangelogRecord[]): void;
  /** Reads the durable copy into the process (persistent stores); before restore. */
  load?(): Promise<void>;
  /** Changelog offset to resume restoring from (next offset not yet in the durable copy). */
  checkpointedOffset?(): number | undefined;
  /**
   * Writes every change since the last persist, plus `nextChangelogOffset` as the checkpoint,
   * atomically (one script call). Called after the changelog records are committed to Kafka.
   */
  persist?(nextChangelogOffset: number | undefined): Promise<void>;
}

/** Every store. All calls are synchronous: processors never await a store. */
export interface StateStore {
  readonly name: string;
  /** True when the store keeps its data across restarts (Redis); false for in-memory. */
  readonly persistent: boolean;
  /** `root` is the outermost store (what the runtime flushes); layers pass it down. */
  init(context: StateStoreContext, root: StateStore): void;
  /** Empties caches into the lower layers (emitting flush-listener updates and changelog records). */
  flush(): void;
  close(): void;
  isOpen(): boolean;
}

/** Key-value store, keys ordered by their serialized bytes (Buffer.compare), as RocksDB does. */
export interface KeyValueStore<K, V> extends StateStore {
  get(key: K): V | undefined;
  /** `null`/`undefined` deletes (a tombstone in the changelog). */
  put(key: K, value: V | null | undefined): void;
  /** Puts only if absent; returns the existing value (undefined when the put happened). */
  putIfAbsent(key: K, value: V): V | undefined;
  putAll(entries: Iterable<{ key: K; value: V | null | undefined }>): void;
  /** Deletes and returns the old value. */
  delete(key: K): V | undefined;
  /** Keys in [from, to], both inclusive (Kafka Streams' documented range); from > to → empty. Undefined bound = open. */
  range(from: K | undefined, to: K | undefined): KeyValueIterator<K, V>;
  reverseRange(from: K | undefined, to: K | undefined): KeyValueIterator<K, V>;
  all(): KeyValueIterator<K, V>;
  reverseAll(): KeyValueIterator<K, V>;
  /** Keys whose bytes start with `prefixKeySerde.serialize(prefix)`. */
  prefixScan<P>(prefix: P, prefixKeySerde: Serde<P>): KeyValueIterator<K, V>;
  approximateNumEntries(): number;
}

/** A byte-level key-value store (the "inner" layers). */
export type KeyValueBytesStore = KeyValueStore<Buffer, Buffer>;
