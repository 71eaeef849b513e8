import type { CacheNode, NamedCache } from '../cache/named-cache.js';
import { mergeCacheWithStore } from '../cache/merge.js';
import type { RecordCache } from '../cache/record-cache.js';
import { bytesId, readInt64BE, writeInt64BE } from '../bytes.js';
import { InvalidStateStoreError } from '../errors.js';
import { type KeyValue, OpenIterators } from '../iterator.js';
import type { CompositeTimestamp, SegmentedBytesStore } from '../segmented.js';
import type { Serde } from '../serde.js';
import type { StateStore, StateStoreContext } from '../state-store.js';
import { LayerContext } from './layer-context.js';
import { ValueSizeEstimate } from './value-size.js';

const SEGMENT_PREFIX = 8;

/** A composite key, with its cache key and cache id when the store caches (see `locate`). */
export interface KeyLocation {
  readonly composite: Buffer;
  readonly cacheKey: Buffer | undefined;
  readonly id: string | undefined;
}

/** Keys that compare by value with ===, so memoising their serialized form is safe. */
export function isPrimitiveKey(key: unknown): boolean {
  const t = typeof key;
  return t === 'string' || t === 'number' || t === 'bigint' || t === 'boolean';
}

/**
 * What the typed window and session stores share: the record cache in front of a
 * SegmentedBytesStore, keyed `[segment id: int64 BE][composite]` so cache order equals the
 * store's segment-then-composite order and the two merge (Kafka's SegmentedCacheFunction), and
 * the observed stream time that decides retention for both cached and stored entries.
 */
export abstract class TypedSegmentedBase<V> implements StateStore {
  protected cache: NamedCache | undefined;
  private recordCache: RecordCache | undefined;
  protected layer: LayerContext | undefined;
  protected readonly iterators = new OpenIterators();
  private readonly sizes = new ValueSizeEstimate();
  /** Largest timestamp put through this layer (the cache may hold it before the store sees it). */
  private observed = Number.NEGATIVE_INFINITY;
  /** Writes dropped as expired by this layer. */
  expiredWrites = 0;

  constructor(
    protected readonly inner: SegmentedBytesStore,
    protected readonly valueSerde: Serde<V>,
    private readonly cachingRequested: boolean,
    protected readonly timestampOf: CompositeTimestamp,
  ) {}

  get name(): string {
    return this.inner.name;
  }
  get persistent(): boolean {
    return this.inner.persistent;
  }
  get retentionMs(): number {
    return this.inner.retentionMs;
  }
  get segmentIntervalMs(): number {
    return this.inner.segmentIntervalMs;
  }
  get cached(): boolean {
    return this.cache !== undefined;
  }

  init(context: StateStoreContext, root: StateStore): void {
    this.layer = new LayerContext(context);
    this.inner.init(this.layer.context, root);
    if (this.cachingRequested && context.cache?.enabled) {
      this.recordCache = context.cache;
      this.cache = context.cache.register(`${context.taskId}/${this.name}`, (entries) =>
        this.writeDirty(entries),
      );
    }
  }

  flush(): void {
    this.cache?.flush();
    this.inner.flush();
  }

  close(): void {
    this.iterators.closeAll();
    if (this.cache) this.recordCache?.unregister(this.cache);
    this.cache = undefined;
    this.inner.close();
  }

  isOpen(): boolean {
    return this.inner.isOpen();
  }

  protected assertOpen(): void {
    if (!this.inner.isOpen()) throw new InvalidStateStoreError(this.name, 'store is not open');
  }

  /** Observed stream time of this store: max of what was put here and what the store below saw. */
  streamTime(): number {
    return Math.max(this.observed, this.inner.observedStreamTime());
  }

  minLiveTime(): number {
    return this.streamTime() - this.inner.retentionMs + 1;
  }

  /** Entries stored, not counting ones still only in the cache. */
  approximateNumEntries(): number {
    return this.inner.approximateNumEntries();
  }

  /** Called by flushed cache entries: subclasses forward them with a typed key. */
  protected abstract onFlushed(
    composite: Buffer,
    newValue: V | undefined,
    oldBytes: Buffer | undefined,
    node: CacheNode,
  ): void;
  /** Undefined when no flush listener is set. */
  protected abstract listenerState(): { sendOldValues: boolean } | undefined;

  /**
   * Where a composite lives: itself, and with a cache its cache key `[segment id][composite]`
   * (one allocation; `composite` becomes a view of its tail) and the cache's map id. Callers on
   * hot paths memoise it, since aggregations read and then write the same window.
   */
  protected locate(composite: Buffer): KeyLocation {
    if (!this.cache) return { composite, cacheKey: undefined, id: undefined };
    const cacheKey = Buffer.allocUnsafe(SEGMENT_PREFIX + composite.length);
    writeInt64BE(cacheKey, this.inner.segmentId(this.timestampOf(composite)), 0);
    composite.copy(cacheKey, SEGMENT_PREFIX);
    return { composite: cacheKey.subarray(SEGMENT_PREFIX), cacheKey, id: bytesId(cacheKey) };
  }

  /** Point read; `timestamp` is the composite's segmenting time. */
  protected getComposite(
    loc: KeyLocation,
    timestamp: number,
    typedKey?: unknown,
    typedSub = 0,
  ): V | undefined {
    this.assertOpen();
    if (timestamp < this.minLiveTime()) return undefined;
    const cache = this.cache;
    if (cache && loc.cacheKey === undefined) loc = this.locate(loc.composite);
    if (cache) {
      const node = cache.get(loc.cacheKey!, loc.id);
      if (node) return node.value === null ? undefined : (node.value as V);
    }
    const bytes = this.inner.get(loc.composite);
    if (bytes === undefined) return undefined;
    const value = this.valueSerde.deserialize(bytes);
    if (cache) {
      this.sizes.observe(bytes.length);
      const context = this.layer!.context.recordContext();
      cache.put(loc.cacheKey!, value, false, context, bytes.length, loc.id, typedKey, typedSub);
      this.recordCache!.maybeEvict(cache);
    }
    return value;
  }

  /**
   * Fast path for primitive keys: the cached node indexed by (typed key, sub key), found without
   * serializing the key. Undefined when not cached (or the store does not cache).
   */
  protected cachedNode(typedKey: unknown, typedSub: number): CacheNode | undefined {
    return this.cache?.getTyped(typedKey, typedSub);
  }

  /** Updates a node found by `cachedNode` (after the same retention check as any put). */
  protected putCachedNode(node: CacheNode, value: V | null, timestamp: number): boolean {
    this.assertOpen();
    if (!this.acceptWrite(timestamp)) return false;
    const cache = this.cache!;
    cache.update(
      node,
      value,
      true,
      this.layer!.context.recordContext(),
      value === null ? 0 : this.sizes.bytes,
    );
    this.recordCache!.maybeEvict(cache);
    return true;
  }

  /** Advances observed stream time; false (and counted) when `timestamp` has already expired. */
  private acceptWrite(timestamp: number): boolean {
    if (timestamp > this.observed) this.observed = timestamp;
    if (timestamp < this.minLiveTime()) {
      this.expiredWrites++;
      return false;
    }
    return true;
  }

  /** Put or delete; returns false when dropped as expired. */
  protected putComposite(
    loc: KeyLocation,
    value: V | null,
    timestamp: number,
    typedKey?: unknown,
    typedSub = 0,
  ): boolean {
    this.assertOpen();
    if (!this.acceptWrite(timestamp)) return false;
    const cache = this.cache;
    if (cache) {
      if (loc.cacheKey === undefined) loc = this.locate(loc.composite);
      const size = value === null ? 0 : this.sizes.bytes;
      const context = this.layer!.context.recordContext();
      cache.put(loc.cacheKey!, value, true, context, size, loc.id, typedKey, typedSub);
      this.recordCache!.maybeEvict(cache);
      return true;
    }
    this.inner.write(loc.composite, value === null ? null : this.valueSerde.serialize(value));
    return true;
  }

  /** Segment-ordered scan of typed values, the cache merged over the store. */
  protected scanTyped(
    low: Buffer | undefined,
    high: Buffer | undefined,
    timeFrom: number,
    timeTo: number,
    reverse: boolean,
  ): Iterator<KeyValue<Buffer, V>> {
    const below = this.inner.scan(low, high, timeFrom, timeTo, reverse);
    const deserialize = (b: Buffer) => this.valueSerde.deserialize(b);
    if (!this.cache) return mapValues(below, deserialize);
    return mergeCacheWithStore<V>(
      this.cacheSnapshot(low, high, timeFrom, timeTo, reverse),
      below,
      reverse,
      deserialize,
      (cacheKey, composite) => {
        const segment = readInt64BE(cacheKey, 0);
        const other = this.inner.segmentId(this.timestampOf(composite));
        if (segment !== other) return segment < other ? -1 : 1;
        return cacheKey.compare(composite, 0, composite.length, SEGMENT_PREFIX);
      },
      (cacheKey) => cacheKey.subarray(SEGMENT_PREFIX),
    );
  }

  private cacheSnapshot(
    low: Buffer | undefined,
    high: Buffer | undefined,
    timeFrom: number,
    timeTo: number,
    reverse: boolean,
  ) {
    const first = Buffer.alloc(SEGMENT_PREFIX);
    writeInt64BE(first, this.inner.segmentId(Math.max(timeFrom, 0)), 0);
    const last = Buffer.alloc(SEGMENT_PREFIX);
    writeInt64BE(last, this.inner.segmentId(Math.min(timeTo, Number.MAX_SAFE_INTEGER)) + 1, 0);
    // Whole segments from the cache, then the same per-segment [low, high] bound the store applies.
    const snapshot = this.cache!.range(first, last, true).filter((entry) => {
      const key = entry.value.key;
      if (low && key.compare(low, 0, low.length, SEGMENT_PREFIX) < 0) return false;
      if (high && key.compare(high, 0, high.length, SEGMENT_PREFIX) > 0) return false;
      return true;
    });
    return reverse ? snapshot.reverse() : snapshot;
  }

  private writeDirty(entries: CacheNode[]): void {
    const layer = this.layer!;
    const listening = this.listenerState();
    for (const node of entries) {
      const composite = node.key.subarray(SEGMENT_PREFIX);
      const newValue = node.value === null ? undefined : (node.value as V);
      // As Kafka's caching stores: the old value is read for deletes (to know whether there is
      // anything to retract) and when the listener wants old values; (nothing → nothing) is not forwarded.
      const readOld = listening !== undefined && (newValue === undefined || listening.sendOldValues);
      const oldBytes = readOld ? this.inner.get(composite) : undefined;
      const newBytes = newValue === undefined ? null : this.valueSerde.serialize(newValue);
      if (newBytes) this.sizes.observe(newBytes.length);
      layer.flushing = node.context;
      try {
        this.inner.write(composite, newBytes);
        if (listening && (newValue !== undefined || oldBytes !== undefined)) {
          this.onFlushed(composite, newValue, listening.sendOldValues ? oldBytes : undefined, node);
        }
      } finally {
        layer.flushing = undefined;
      }
    }
  }
}

function* mapValues<V>(
  source: Iterator<KeyValue<Buffer, Buffer>>,
  map: (b: Buffer) => V,
): Generator<KeyValue<Buffer, V>> {
  for (let r = source.next(); !r.done; r = source.next())
    yield { key: r.value.key, value: map(r.value.value) };
}
