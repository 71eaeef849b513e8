import type { Logger } from 'pino';
import type { ProcessorContext } from '../../processor/context.js';
import type { Processor } from '../../processor/processor.js';
import { type Headers, Record } from '../../processor/record.js';
import type { Windowed, WindowStore } from '../../state/window.js';
import { type Change, change, type ValueAndTimestamp } from '../change.js';
import type { TimeWindows } from '../windows.js';
import { WindowSlots } from './window-slots.js';

/** Default bound of the cache (entries, dirty or clean), roughly Kafka's 10 MiB cache of small aggregates. */
export const DEFAULT_WINDOW_BUFFER_ENTRIES = 100_000;

/**
 * Kafka Streams' EmitStrategy.onWindowClose() (KIP-825): no updates, each window's final aggregate
 * once its window has closed. `intervalMs` is Kafka's internal
 * `__emit.interval.ms.kstreams.windowed.aggregation__` (default 1000): closed windows are looked
 * for at most once per interval of wall-clock time.
 */
export interface EmitOnWindowClose {
  readonly intervalMs: number;
  /** The store's retention: windows starting before (largest stored start − retention) are expired. */
  readonly retentionMs: number;
}

/**
 * Windowed aggregation over TimeWindows (Kafka Streams' KStreamWindowAggregate). For each window
 * containing the record, in ascending start order: if window end > stream time − grace, fold the
 * record into the window's aggregate and emit the update; otherwise the window has closed and the
 * record is dropped for it (counted as a late drop, logged at debug). The update's timestamp is the
 * largest record timestamp in the window.
 *
 * Caching on: updates are de-duplicated here, per window, between commits (Kafka's record cache
 * semantics: one update per key and window per commit) and written to the store and forwarded on
 * `flush()` (commit) or when the cache exceeds its bound. Keeping the live aggregates in columns
 * per window start (WindowSlots) avoids serializing or allocating buffers per record; the store's
 * own cache is therefore not used for this store. As in Kafka's cache, flushed entries stay cached
 * (clean) while their window can still change, so a window spanning commits is not read back and
 * deserialized from the store; closed windows leave the cache at flush, and when the cache is over
 * its bound the oldest windows are evicted. Caching off: every update is stored and forwarded.
 * Under onWindowClose the cache works the same, but flushes only write the store; the emit of closed
 * windows flushes first, then reads them from the store.
 */
export class WindowAggregateProcessor<K, V, VA> implements Processor<K, V, Windowed<K>, Change<VA>> {
  private store!: WindowStore<K, ValueAndTimestamp<VA>>;
  private ctx!: ProcessorContext<Windowed<K>, Change<VA>>;
  private observedStreamTime = -1;
  private readonly sizeMs: number;
  private readonly advanceMs: number;
  private readonly graceMs: number;
  /** window start → cached aggregates of that window (caching on only); starts inserted ascending mostly. */
  private readonly cache = new Map<number, WindowSlots<K, VA>>();
  /** Cached entries, dirty or clean. */
  private cachedCount = 0;
  private dirtyCount = 0;
  /** The bucket used last (consecutive records mostly hit the same window start). */
  private lastStart = Number.NaN;
  private lastBucket: WindowSlots<K, VA> | undefined;
  /**
   * Largest window start that may be in the store (flushed by this instance, or found in the store
   * after a restore). A window starting later is new: no store lookup needed — in time order almost
   * every first touch of a window is such a miss.
   */
  private maxStoredStart = Number.NEGATIVE_INFINITY;
  private scannedStore = false;

  constructor(
    private readonly storeName: string,
    windows: TimeWindows,
    private readonly fold: (key: K, value: V, previous: VA | undefined) => VA,
    private readonly log: Logger | undefined,
    private readonly cachingEnabled: boolean,
    private readonly maxBufferedEntries = DEFAULT_WINDOW_BUFFER_ENTRIES,
    private readonly emitFinal?: EmitOnWindowClose,
  ) {
    this.sizeMs = windows.sizeMs;
    this.advanceMs = windows.advanceMs;
    this.graceMs = windows.graceMs;
  }

  init(context: ProcessorContext<Windowed<K>, Change<VA>>): void {
    this.ctx = context;
    this.store = context.getStateStore(this.storeName);
  }

  process(record: Record<K, V>): void {
    const { key, value, timestamp: ts } = record;
    if (key === null || key === undefined || value === null || value === undefined) {
      this.ctx.metrics.nullKeyOrValueSkips++;
      return;
    }
    if (ts > this.observedStreamTime) this.observedStreamTime = ts;
    const closeTime = this.observedStreamTime - this.graceMs;
    const size = this.sizeMs;
    const advance = this.advanceMs;
    // Inline TimeWindows.windowsFor: no per-record allocation of window lists or closures.
    let start = Math.floor(Math.max(0, ts - size + advance) / advance) * advance;
    for (; start <= ts; start += advance) {
      const end = start + size;
      if (end <= closeTime) {
        this.dropLate(ts, start, end);
        continue;
      }
      if (this.cachingEnabled) this.updateBuffered(key, value, ts, start, record.headers);
      else if (this.emitFinal) this.updateStore(key, value, ts, start, end, record.headers, false);
      else this.updateStore(key, value, ts, start, end, record.headers, true);
    }
    if (this.emitFinal) this.maybeEmitFinal(closeTime, record.headers, this.emitFinal);
    if (this.cachedCount > this.maxBufferedEntries) this.flush();
  }

  /**
   * Window close time at the last emit; -1 (Kafka's NO_TIMESTAMP) before the first. Kafka keeps it
   * in the task's committed processor metadata; here it lives in the processor only, so after a
   * restart the first emit may repeat windows (still within retention) emitted before it.
   */
  private lastEmitCloseTime = -1;
  private nextTimeToEmit = 0;
  /** Largest window start put into the store (the time-ordered store's observed stream time). */
  private maxPutStart = -1;

  /**
   * KIP-825's emit of closed windows, as Kafka's KStreamWindowAggregate does it: throttled by wall
   * clock; only when the close time (stream time − grace) has progressed; the windows whose start is
   * in (last close − size, close − size] — those that closed since the last emit. Kafka keeps these
   * aggregates in a time-ordered window store whose reads skip windows starting before
   * (largest stored window start − retention); a window that closed while no emit ran (the first
   * emit, or throttled ones) may therefore be expired and is never emitted. ksqlDB's EMIT FINAL
   * uses exactly this strategy, so its results (and QTT expectations) show that behaviour.
   */
  private maybeEmitFinal(closeTime: number, headers: Headers, emit: EmitOnWindowClose): void {
    const now = this.ctx.currentSystemTimeMs();
    if (now < this.nextTimeToEmit) return;
    this.nextTimeToEmit = now + emit.intervalMs;
    const last = this.lastEmitCloseTime;
    if (last !== -1 && last >= closeTime) return;
    const size = this.sizeMs;
    const upper = closeTime - size;
    if (upper < 0) return;
    const lower = last === -1 ? 0 : Math.max(0, last - size) + 1;
    // No window closed since the last emit when the same windows contain both bounds.
    if (last !== -1 && this.sameWindows(upper, lower - 1)) return;
    const from = Math.max(lower, this.maxPutStart - emit.retentionMs);
    if (from <= upper) {
      // With caching, the aggregates of the windows about to be read may still be in the cache:
      // write them to the store first (flush forwards nothing under onWindowClose).
      if (this.cachingEnabled) this.flush();
      const it = this.store.fetchAll(from, upper);
      try {
        for (const { key, value } of it) {
          this.ctx.forward(
            new Record<Windowed<K>, Change<VA>>(key, change(value.value, null), value.timestamp, headers),
          );
        }
      } finally {
        it.close();
      }
    }
    this.lastEmitCloseTime = closeTime;
  }

  /** Whether the same windows contain `a` and `b` (Kafka compares the two windowsFor maps). */
  private sameWindows(a: number, b: number): boolean {
    const advance = this.advanceMs;
    const first = (ts: number) => Math.floor(Math.max(0, ts - this.sizeMs + advance) / advance) * advance;
    const lastStart = (ts: number) => Math.floor(ts / advance) * advance;
    return first(a) === first(b) && lastStart(a) === lastStart(b);
  }

  /**
   * Writes the changed windows to the store and forwards them (oldest window first); closed windows
   * leave the cache, and the oldest ones are evicted while it is over its bound.
   */
  flush(): void {
    if (this.dirtyCount === 0 && this.cachedCount <= this.maxBufferedEntries) return;
    this.lastStart = Number.NaN;
    this.lastBucket = undefined;
    const starts = [...this.cache.keys()].sort((a, b) => a - b);
    const size = this.sizeMs;
    const closeTime = this.observedStreamTime - this.graceMs;
    for (const start of starts) {
      const bucket = this.cache.get(start)!;
      if (start > this.maxStoredStart) this.maxStoredStart = start;
      const { keys, values, olds } = bucket;
      for (let slot = 0; slot < keys.length; slot++) {
        if (!bucket.isDirty(slot)) continue;
        const key = keys[slot]!;
        const value = values[slot]!;
        const timestamp = start + bucket.tsOffset(slot);
        this.store.put(key, { value, timestamp }, start);
        // Under onWindowClose the store is written, never forwarded: windows go out when they close.
        if (!this.emitFinal) {
          this.ctx.forward(
            new Record<Windowed<K>, Change<VA>>(
              { key, window: { start, end: start + size } },
              change(value, olds[slot]!),
              timestamp,
              bucket.headers(slot),
            ),
          );
        }
        bucket.markFlushed(slot);
      }
      // A closed window takes no more updates: nothing to keep it cached for.
      if (start + size <= closeTime) this.evict(start, bucket);
    }
    this.dirtyCount = 0;
    // Over the bound with open windows only: evict the oldest until a quarter of the room is free,
    // so a full cache does not flush on every record.
    for (const start of starts) {
      if (this.cachedCount <= (this.maxBufferedEntries * 3) >> 2) break;
      const bucket = this.cache.get(start);
      if (bucket) this.evict(start, bucket);
    }
  }

  /** Aggregates held in the cache, dirty or clean (for tests and metrics). */
  cachedEntries(): number {
    return this.cachedCount;
  }

  private evict(start: number, bucket: WindowSlots<K, VA>): void {
    this.cache.delete(start);
    this.cachedCount -= bucket.size;
  }

  private updateBuffered(key: K, value: V, ts: number, start: number, headers: Headers): void {
    let bucket = start === this.lastStart ? this.lastBucket : this.cache.get(start);
    if (bucket === undefined) {
      bucket = new WindowSlots(headers);
      this.cache.set(start, bucket);
    }
    this.lastStart = start;
    this.lastBucket = bucket;
    // The time-ordered store of onWindowClose expires by the largest window start put into it; a
    // cached update counts as put (it reaches the store before any read of the emit).
    if (start > this.maxPutStart) this.maxPutStart = start;
    const id = slotId(key);
    const slot = bucket.find(id);
    const offset = ts - start;
    if (slot >= 0) {
      bucket.values[slot] = this.fold(key, value, bucket.values[slot]);
      if (bucket.touch(slot, offset, headers)) this.dirtyCount++;
      return;
    }
    if (!this.scannedStore) this.scanStore();
    const stored = start > this.maxStoredStart ? undefined : this.store.fetchWindow(key, start);
    const agg = this.fold(key, value, stored ? stored.value : undefined);
    const tsOffset = stored && stored.timestamp > ts ? stored.timestamp - start : offset;
    bucket.add(id, key, agg, tsOffset, stored ? stored.value : null, headers);
    this.cachedCount++;
    this.dirtyCount++;
  }

  /** Once per instance, after restore: the largest window start already in the store. */
  private scanStore(): void {
    this.scannedStore = true;
    const it = this.store.all();
    try {
      for (const { key } of it)
        if (key.window.start > this.maxStoredStart) this.maxStoredStart = key.window.start;
    } finally {
      it.close();
    }
  }

  private updateStore(
    key: K,
    value: V,
    ts: number,
    start: number,
    end: number,
    headers: Headers,
    forward: boolean,
  ): void {
    const old = this.store.fetchWindow(key, start);
    const agg = this.fold(key, value, old ? old.value : undefined);
    const newTs = old && old.timestamp > ts ? old.timestamp : ts;
    this.store.put(key, { value: agg, timestamp: newTs }, start);
    if (start > this.maxPutStart) this.maxPutStart = start;
    if (!forward) return;
    this.ctx.forward(
      new Record({ key, window: { start, end } }, change(agg, old ? old.value : null), newTs, headers),
    );
  }

  private dropLate(ts: number, start: number, end: number): void {
    this.ctx.metrics.lateRecordDrops++;
    if (this.log?.isLevelEnabled('debug')) {
      this.log.debug(
        {
          store: this.storeName,
          timestamp: ts,
          windowStart: start,
          windowEnd: end,
          streamTime: this.observedStreamTime,
        },
        'dropping record for closed window (window end + grace ≤ stream time)',
      );
    }
  }
}

/**
 * The identity of a key in the window cache. Strings and numbers are their own; a one-element
 * array of a string or number (a KSQL GenericKey of one column, the common case) is its element —
 * a stream's keys all have one shape, so `x` and `[x]` never meet in one processor — and other keys
 * are compared by their JSON text (stringifying every record's key cost the KSQL windowed query
 * about a tenth of its rate).
 */
function slotId(key: unknown): string | number {
  if (typeof key === 'string' || typeof key === 'number') return key;
  if (Array.isArray(key) && key.length === 1) {
    const only: unknown = key[0];
    if (typeof only === 'string' || typeof only === 'number') return only;
  }
  return JSON.stringify(key);
}
