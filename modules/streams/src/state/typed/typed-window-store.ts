import type { CacheNode } from '../cache/named-cache.js';
import type { KeyValue, KeyValueIterator } from '../iterator.js';
import { windowKeyKey, windowKeyOf, windowKeyStart } from '../keys/window-key-schema.js';
import { fetchKeyWindows, fetchRangeWindows } from '../queries/window-queries.js';
import type { SegmentedBytesStore } from '../segmented.js';
import type { Serde } from '../serde.js';
import type { FlushListenable, FlushListener } from '../supplier.js';
import type { WindowStore, Windowed } from '../window.js';
import { isPrimitiveKey, type KeyLocation, TypedSegmentedBase } from './typed-segmented-base.js';

/**
 * The window store processors see (serdes + optional record cache over change logging over a
 * SegmentedBytesStore of WindowKeySchema composites). Retention: windows with start ≤ stream
 * time − retention are dropped on put and invisible to reads.
 */
export class TypedWindowStore<K, V>
  extends TypedSegmentedBase<V>
  implements WindowStore<K, V>, FlushListenable<Windowed<K>, V>
{
  private listener: FlushListener<Windowed<K>, V> | undefined;
  private sendOldValues = false;
  private seqnum = 0;

  constructor(
    inner: SegmentedBytesStore,
    private readonly keySerde: Serde<K>,
    valueSerde: Serde<V>,
    cachingRequested: boolean,
    readonly windowSizeMs: number,
    readonly retainDuplicates: boolean,
  ) {
    // Duplicates (stream-stream join buffers) are never cached, as in Kafka Streams.
    super(inner, valueSerde, cachingRequested && !retainDuplicates, windowKeyStart);
  }

  setFlushListener(listener: FlushListener<Windowed<K>, V>, sendOldValues: boolean): boolean {
    this.listener = listener;
    this.sendOldValues = sendOldValues;
    return this.cache !== undefined;
  }

  put(key: K, value: V | null | undefined, windowStart: number): void {
    if (this.retainDuplicates) {
      // With duplicates retained a null value cannot address one entry: ignored, as Kafka Streams.
      if (value == null) return;
      this.seqnum = (this.seqnum + 1) | 0;
      this.putComposite(
        this.locate(windowKeyOf(this.keySerde, key, windowStart, this.seqnum)),
        value,
        windowStart,
      );
      return;
    }
    if (this.cached && isPrimitiveKey(key)) {
      const node = this.cachedNode(key, windowStart);
      if (node) {
        this.putCachedNode(node, value ?? null, windowStart);
        return;
      }
      this.putComposite(
        this.locateWindow(key, windowStart, false),
        value ?? null,
        windowStart,
        key,
        windowStart,
      );
      return;
    }
    this.putComposite(this.locateWindow(key, windowStart, false), value ?? null, windowStart);
  }

  fetchWindow(key: K, windowStart: number): V | undefined {
    if (this.cached && isPrimitiveKey(key)) {
      this.assertOpen();
      if (windowStart < this.minLiveTime()) return undefined;
      const node = this.cachedNode(key, windowStart);
      if (node) return node.value === null ? undefined : (node.value as V);
      return this.getComposite(this.locateWindow(key, windowStart), windowStart, key, windowStart);
    }
    return this.getComposite(this.locateWindow(key, windowStart), windowStart);
  }

  /** The last window located: aggregations call fetchWindow then put for the same key and window. */
  private memo: { key: K; start: number; loc: KeyLocation } | undefined;

  /**
   * Serializes and locates a window key, reusing the memo of the previous call for the same key
   * and window. Reads `remember` it (a put usually follows); puts do not (a cache flush puts many
   * windows in a row and would only allocate memos nobody reads).
   */
  private locateWindow(key: K, windowStart: number, remember = true): KeyLocation {
    const memo = this.memo;
    if (memo !== undefined && memo.start === windowStart && memo.key === key) return memo.loc;
    const loc = this.locate(windowKeyOf(this.keySerde, key, windowStart, 0));
    if (remember) this.memo = isPrimitiveKey(key) ? { key, start: windowStart, loc } : undefined;
    return loc;
  }

  fetch(key: K, timeFrom: number, timeTo: number): KeyValueIterator<number, V> {
    return this.single(key, timeFrom, timeTo, false);
  }

  backwardFetch(key: K, timeFrom: number, timeTo: number): KeyValueIterator<number, V> {
    return this.single(key, timeFrom, timeTo, true);
  }

  fetchRange(keyFrom: K | undefined, keyTo: K | undefined, timeFrom: number, timeTo: number) {
    return this.multi(keyFrom, keyTo, timeFrom, timeTo, false);
  }

  backwardFetchRange(keyFrom: K | undefined, keyTo: K | undefined, timeFrom: number, timeTo: number) {
    return this.multi(keyFrom, keyTo, timeFrom, timeTo, true);
  }

  fetchAll(timeFrom: number, timeTo: number): KeyValueIterator<Windowed<K>, V> {
    return this.multi(undefined, undefined, timeFrom, timeTo, false);
  }

  backwardFetchAll(timeFrom: number, timeTo: number): KeyValueIterator<Windowed<K>, V> {
    return this.multi(undefined, undefined, timeFrom, timeTo, true);
  }

  all(): KeyValueIterator<Windowed<K>, V> {
    return this.multi(undefined, undefined, 0, Number.MAX_SAFE_INTEGER, false);
  }

  backwardAll(): KeyValueIterator<Windowed<K>, V> {
    return this.multi(undefined, undefined, 0, Number.MAX_SAFE_INTEGER, true);
  }

  protected listenerState(): { sendOldValues: boolean } | undefined {
    return this.listener ? { sendOldValues: this.sendOldValues } : undefined;
  }

  protected onFlushed(
    composite: Buffer,
    newValue: V | undefined,
    oldBytes: Buffer | undefined,
    node: CacheNode,
  ): void {
    if (!this.listener) return;
    const start = windowKeyStart(composite);
    this.listener({
      key: {
        key: this.keySerde.deserialize(windowKeyKey(composite)),
        window: { start, end: start + this.windowSizeMs },
      },
      newValue,
      oldValue: oldBytes === undefined ? undefined : this.valueSerde.deserialize(oldBytes),
      context: node.context,
    });
  }

  private single(key: K, timeFrom: number, timeTo: number, reverse: boolean): KeyValueIterator<number, V> {
    this.assertOpen();
    const keyBytes = this.keySerde.serialize(key);
    const scan = this.scanTyped.bind(this);
    return this.iterators.wrap(
      this.name,
      fetchKeyWindows(scan, keyBytes, timeFrom, timeTo, this.minLiveTime(), reverse),
    );
  }

  private multi(
    keyFrom: K | undefined,
    keyTo: K | undefined,
    timeFrom: number,
    timeTo: number,
    reverse: boolean,
  ): KeyValueIterator<Windowed<K>, V> {
    this.assertOpen();
    const from = keyFrom === undefined ? undefined : this.keySerde.serialize(keyFrom);
    const to = keyTo === undefined ? undefined : this.keySerde.serialize(keyTo);
    const source = fetchRangeWindows(
      this.scanTyped.bind(this),
      from,
      to,
      timeFrom,
      timeTo,
      this.minLiveTime(),
      this.windowSizeMs,
      reverse,
    );
    return this.iterators.wrap(this.name, typedKeys(source, this.keySerde));
  }
}

export function* typedKeys<K, V>(
  source: Iterator<KeyValue<Windowed<Buffer>, V>>,
  keySerde: Serde<K>,
): Generator<KeyValue<Windowed<K>, V>> {
  for (let r = source.next(); !r.done; r = source.next()) {
    yield {
      key: { key: keySerde.deserialize(r.value.key.key), window: r.value.key.window },
      value: r.value.value,
    };
  }
}
