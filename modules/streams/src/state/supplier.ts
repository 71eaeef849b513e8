import type { SegmentedBytesStore } from './segmented.js';
import type { CachedRecordContext, KeyValueBytesStore, StateStore } from './state-store.js';

/** Makes the innermost (byte-level) store; one call per task. Kafka Streams' StoreSupplier. */
export interface StoreSupplier<T extends StateStore> {
  readonly name: string;
  /** "in-memory" or "redis", for describe() and metrics. */
  readonly backend: string;
  get(): T;
}

export type KeyValueBytesStoreSupplier = StoreSupplier<KeyValueBytesStore>;

/** Window stores keep WindowKeySchema composites in a SegmentedBytesStore segmented by window start. */
export interface WindowBytesStoreSupplier extends StoreSupplier<SegmentedBytesStore> {
  readonly retentionMs: number;
  readonly windowSizeMs: number;
  readonly segmentIntervalMs: number;
  readonly retainDuplicates: boolean;
}

/** Session stores keep SessionKeySchema composites in a SegmentedBytesStore segmented by session end. */
export interface SessionBytesStoreSupplier extends StoreSupplier<SegmentedBytesStore> {
  readonly retentionMs: number;
  readonly segmentIntervalMs: number;
}

/**
 * Wraps a supplier's bytes store into the typed store processors use: serdes (metered layer),
 * record cache (optional), change logging (optional). Kafka Streams' StoreBuilder.
 */
export interface StoreBuilder<T extends StateStore> {
  readonly name: string;
  readonly loggingEnabled: boolean;
  /** Topic configs for the changelog topic (e.g. cleanup.policy, retention.ms). */
  readonly logConfig: Readonly<Record<string, string>>;
  readonly cachingEnabled: boolean;
  withCachingEnabled(): this;
  withCachingDisabled(): this;
  withLoggingEnabled(config?: Record<string, string>): this;
  withLoggingDisabled(): this;
  /** A new store instance (call once per task). */
  build(): T;
}

/** One flushed cache entry, typed. `oldValue` only when the listener asked for old values. */
export interface FlushedChange<K, V> {
  readonly key: K;
  readonly newValue: V | undefined;
  readonly oldValue: V | undefined;
  /** Context of the record that last wrote this key (timestamp etc.) — forward with it. */
  readonly context: CachedRecordContext;
}

export type FlushListener<K, V> = (change: FlushedChange<K, V>) => void;

/**
 * Stores built with caching accept a flush listener: each cache flush/eviction hands the
 * de-duplicated (new, old) value per key to it, so DSL aggregations emit one update per key per
 * commit. Returns false when the store has no cache (then forward on every put yourself).
 */
export interface FlushListenable<K, V> {
  setFlushListener(listener: FlushListener<K, V>, sendOldValues: boolean): boolean;
}

/**
 * Makes suppliers for one backend, so the runtime can choose the backend by config and the DSL
 * can create stores without naming one (Materialized without a supplier → config's backend).
 */
export interface StoreBackend {
  readonly name: string;
  keyValue(name: string): KeyValueBytesStoreSupplier;
  /** `segmentIntervalMs` defaults to max(retention / 2, 60 s), as Kafka Streams' segmented stores. */
  window(
    name: string,
    retentionMs: number,
    windowSizeMs: number,
    retainDuplicates: boolean,
    segmentIntervalMs?: number,
  ): WindowBytesStoreSupplier;
  session(name: string, retentionMs: number, segmentIntervalMs?: number): SessionBytesStoreSupplier;
}
