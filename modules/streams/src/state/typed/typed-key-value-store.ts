import type { NamedCache, CacheNode } from '../cache/named-cache.js';
import { mergeCacheWithStore } from '../cache/merge.js';
import type { RecordCache } from '../cache/record-cache.js';
import { bytesId, prefixUpperBound } from '../bytes.js';
import { InvalidStateStoreError } from '../errors.js';
import { type KeyValue, type KeyValueIterator, OpenIterators } from '../iterator.js';
import { Serdes, type Serde } from '../serde.js';
import type { KeyValueBytesStore, KeyValueStore, StateStore, StateStoreContext } from '../state-store.js';
import type { FlushListenable, FlushListener } from '../supplier.js';
import { LayerContext } from './layer-context.js';
import { isPrimitiveKey } from './typed-segmented-base.js';
import { ValueSizeEstimate } from './value-size.js';

const bytesSerde = Serdes.bytes();

/**
 * The store processors see: serializes keys with the key serde; with caching on, keeps typed
 * values in the task's record cache and serializes them only when the cache flushes or evicts
 * (Kafka Streams' Metered + Caching layers in one, so the hot path never serializes a value);
 * with caching off, serializes on every put. Below it: change logging (optional) → bytes store.
 */
export class TypedKeyValueStore<K, V> implements KeyValueStore<K, V>, FlushListenable<K, V> {
  private cache: NamedCache | undefined;
  private recordCache: RecordCache | undefined;
  private layer: LayerContext | undefined;
  private listener: FlushListener<K, V> | undefined;
  private sendOldValues = false;
  private readonly sizes = new ValueSizeEstimate();
  private readonly iterators = new OpenIterators();

  constructor(
    private readonly inner: KeyValueBytesStore,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
    private readonly cachingRequested: boolean,
  ) {}

  get name(): string {
    return this.inner.name;
  }

  get persistent(): boolean {
    return this.inner.persistent;
  }

  /** True when this instance writes through a record cache (known after init). */
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

  setFlushListener(listener: FlushListener<K, V>, sendOldValues: boolean): boolean {
    this.listener = listener;
    this.sendOldValues = sendOldValues;
    return this.cache !== undefined;
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

  get(key: K): V | undefined {
    const cache = this.cache;
    if (cache !== undefined && isPrimitiveKey(key)) {
      // Fast path: a cached primitive key is found without serializing it.
      const node = cache.getTyped(key, 0);
      if (node) return node.value === null ? undefined : (node.value as V);
      return this.getBytesKey(this.serializeKey(key), key);
    }
    return this.getBytesKey(this.serializeKey(key));
  }

  put(key: K, value: V | null | undefined): void {
    const cache = this.cache;
    if (cache !== undefined && isPrimitiveKey(key)) {
      const node = cache.getTyped(key, 0);
      if (node) {
        if (!this.inner.isOpen()) throw new InvalidStateStoreError(this.name, 'store is not open');
        const v = value ?? null;
        cache.update(node, v, true, this.layer!.context.recordContext(), v === null ? 0 : this.sizes.bytes);
        this.recordCache!.maybeEvict(cache);
        return;
      }
      this.putBytesKey(this.serializeKey(key), value ?? null, key);
      return;
    }
    this.putBytesKey(this.serializeKey(key), value ?? null);
  }

  putIfAbsent(key: K, value: V): V | undefined {
    const keyBytes = this.serializeKey(key);
    const existing = this.getBytesKey(keyBytes);
    if (existing === undefined) this.putBytesKey(keyBytes, value);
    return existing;
  }

  putAll(entries: Iterable<{ key: K; value: V | null | undefined }>): void {
    for (const { key, value } of entries) this.put(key, value);
  }

  delete(key: K): V | undefined {
    const keyBytes = this.serializeKey(key);
    const old = this.getBytesKey(keyBytes);
    this.putBytesKey(keyBytes, null);
    return old;
  }

  range(from: K | undefined, to: K | undefined): KeyValueIterator<K, V> {
    return this.iterate(this.optionalKey(from), this.optionalKey(to), false, false);
  }

  reverseRange(from: K | undefined, to: K | undefined): KeyValueIterator<K, V> {
    return this.iterate(this.optionalKey(from), this.optionalKey(to), false, true);
  }

  all(): KeyValueIterator<K, V> {
    return this.iterate(undefined, undefined, false, false);
  }

  reverseAll(): KeyValueIterator<K, V> {
    return this.iterate(undefined, undefined, false, true);
  }

  prefixScan<P>(prefix: P, prefixKeySerde: Serde<P>): KeyValueIterator<K, V> {
    const from = prefixKeySerde.serialize(prefix);
    return this.iterate(from, prefixUpperBound(from), true, false);
  }

  approximateNumEntries(): number {
    return this.inner.approximateNumEntries();
  }

  private optionalKey(key: K | undefined): Buffer | undefined {
    return key === undefined ? undefined : this.keySerde.serialize(key);
  }

  /** The last key serialized, with its cache id: get-then-put of one key serializes once. */
  private memo: { key: K; bytes: Buffer; id: string } | undefined;

  private serializeKey(key: K): Buffer {
    const memo = this.memo;
    if (memo !== undefined && memo.key === key) return memo.bytes;
    const bytes = this.keySerde.serialize(key);
    this.memo = isPrimitiveKey(key) ? { key, bytes, id: bytesId(bytes) } : undefined;
    return bytes;
  }

  /** The cache id of `keyBytes`, from the memo when it is the memoised key. */
  private idOf(keyBytes: Buffer): string {
    const memo = this.memo;
    return memo !== undefined && memo.bytes === keyBytes ? memo.id : bytesId(keyBytes);
  }

  private getBytesKey(keyBytes: Buffer, typedKey?: K): V | undefined {
    const cache = this.cache;
    if (cache) {
      const node = cache.get(keyBytes, this.idOf(keyBytes));
      if (node) return node.value === null ? undefined : (node.value as V);
    }
    const bytes = this.inner.get(keyBytes);
    if (bytes === undefined) return undefined;
    const value = this.valueSerde.deserialize(bytes);
    if (cache) {
      // Read-through: keep the typed value so the next get does not deserialize again.
      this.sizes.observe(bytes.length);
      const context = this.layer!.context.recordContext();
      cache.put(keyBytes, value, false, context, bytes.length, this.idOf(keyBytes), typedKey);
      this.recordCache!.maybeEvict(cache);
    }
    return value;
  }

  private putBytesKey(keyBytes: Buffer, value: V | null, typedKey?: K): void {
    const cache = this.cache;
    if (cache) {
      if (!this.inner.isOpen()) throw new InvalidStateStoreError(this.name, 'store is not open');
      cache.put(
        keyBytes,
        value,
        true,
        this.layer!.context.recordContext(),
        value === null ? 0 : this.sizes.bytes,
        this.idOf(keyBytes),
        typedKey,
      );
      this.recordCache!.maybeEvict(cache);
      return;
    }
    this.inner.put(keyBytes, value === null ? null : this.valueSerde.serialize(value));
  }

  /** Cache flush/eviction: write each dirty entry below, then tell the listener (Kafka's order). */
  private writeDirty(entries: CacheNode[]): void {
    const layer = this.layer!;
    const listener = this.listener;
    for (const node of entries) {
      const newValue = node.value === null ? undefined : (node.value as V);
      // As Kafka's CachingKeyValueStore: read the old value for deletes (is there anything to
      // retract?) and when old values are wanted; a delete of nothing is not forwarded.
      const readOld = listener !== undefined && (newValue === undefined || this.sendOldValues);
      const oldBytes = readOld ? this.inner.get(node.key) : undefined;
      const newBytes = newValue === undefined ? null : this.valueSerde.serialize(newValue);
      if (newBytes) this.sizes.observe(newBytes.length);
      layer.flushing = node.context;
      try {
        this.inner.put(node.key, newBytes);
        if (listener && (newValue !== undefined || oldBytes !== undefined)) {
          listener({
            key: this.keySerde.deserialize(node.key),
            newValue,
            oldValue:
              oldBytes === undefined || !this.sendOldValues
                ? undefined
                : this.valueSerde.deserialize(oldBytes),
            context: node.context,
          });
        }
      } finally {
        layer.flushing = undefined;
      }
    }
  }

  private iterate(
    from: Buffer | undefined,
    to: Buffer | undefined,
    toExclusive: boolean,
    reverse: boolean,
  ): KeyValueIterator<K, V> {
    if (!this.inner.isOpen()) throw new InvalidStateStoreError(this.name, 'store is not open');
    return this.iterators.wrap(this.name, this.entries(from, to, toExclusive, reverse));
  }

  private *entries(
    from: Buffer | undefined,
    to: Buffer | undefined,
    toExclusive: boolean,
    reverse: boolean,
  ): Generator<KeyValue<K, V>> {
    if (from && to && Buffer.compare(from, to) > 0) return;
    const below = this.storeRange(from, to, toExclusive, reverse);
    try {
      const source = this.cache
        ? mergeCacheWithStore<V>(this.cacheRange(from, to, toExclusive, reverse), below, reverse, (b) =>
            this.valueSerde.deserialize(b),
          )
        : mapValues(below, (b) => this.valueSerde.deserialize(b));
      for (const { key, value } of source) yield { key: this.keySerde.deserialize(key), value };
    } finally {
      below.close();
    }
  }

  private cacheRange(
    from: Buffer | undefined,
    to: Buffer | undefined,
    toExclusive: boolean,
    reverse: boolean,
  ) {
    const snapshot = this.cache!.range(from, to, toExclusive);
    return reverse ? snapshot.reverse() : snapshot;
  }

  private storeRange(
    from: Buffer | undefined,
    to: Buffer | undefined,
    toExclusive: boolean,
    reverse: boolean,
  ): KeyValueIterator<Buffer, Buffer> {
    if (toExclusive) {
      // Only prefix scans ask for an exclusive bound; the bytes store has prefixScan for that.
      if (reverse) throw new InvalidStateStoreError(this.name, 'reverse prefix scan is not supported');
      return this.inner.prefixScan(from!, bytesSerde);
    }
    return reverse ? this.inner.reverseRange(from, to) : this.inner.range(from, to);
  }
}

function* mapValues<V>(
  source: Iterator<KeyValue<Buffer, Buffer>>,
  map: (b: Buffer) => V,
): Generator<KeyValue<Buffer, V>> {
  for (let r = source.next(); !r.done; r = source.next())
    yield { key: r.value.key, value: map(r.value.value) };
}
