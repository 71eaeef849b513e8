import type { ProcessorContext } from '../../processor/context.js';
import type { Processor } from '../../processor/processor.js';
import { Record } from '../../processor/record.js';
import type { Serde } from '../../serde/serde.js';
import { serializeFramed } from '../../state/serde.js';
import { readInt64BE, writeInt64BE } from '../../state/bytes.js';
import type { BufferStore } from '../../state/buffer-store.js';
import type { Windowed } from '../../state/window.js';
import { type Change, change } from '../change.js';

interface Buffered<K, VA> {
  /** The latest update: its key is the window, its new value the window's value. */
  record: Record<Windowed<K>, Change<VA>>;
  /** The durable store's key, built once per window (updates and the final tombstone reuse it). */
  storeKey: Buffer | undefined;
  /** The durable store holds this window (so its emission must write a tombstone). */
  persisted: boolean;
  /** Changed since the last flush and still buffered. */
  dirty: boolean;
  emitted: boolean;
}

/** One window end's buffered windows: window start → key identity → entry. */
type EndBucket<K, VA> = Map<number, Map<unknown, Buffered<K, VA>>>;

/** Serdes of the buffer's durable store: the inner (unwindowed) key and the aggregate value. */
export interface SuppressSerdes<K, VA> {
  readonly key: Serde<K>;
  readonly value: Serde<VA>;
}

/**
 * suppress(untilWindowCloses) (Kafka Streams' KTableSuppressProcessor with final-results
 * semantics): holds the latest update of each window and emits it once, when
 * window end + grace ≤ stream time (unless that update is a tombstone), where stream time is the largest timestamp this processor has
 * seen. Windows are emitted in window-end order, then by the arrival order of their start, then of their key.
 *
 * The buffer lives in memory (buckets per window end; few distinct ends exist at any time); its
 * durable store (`storeName`, a BufferStore) makes it survive, as Kafka Streams backs its buffer
 * with `<name>-store-changelog`: after a crash or a task migration the restored entries refill the
 * buckets, so windows buffered but not yet emitted are not lost. In memory that store only writes
 * the changelog; with Redis it is also a copy of its own. Like Kafka's buffer, it is written on
 * flush (before the task's changelogs are sent and its offsets committed), only for windows
 * changed since the last flush and still buffered; a window that arrives and is emitted between
 * two commits is never written, and an emitted window that was written gets a tombstone. When the
 * store is not durable (in memory with no changelog, e.g. the TopologyTestDriver unless it captures
 * changelogs) nothing is written. The task flushes processors in topology order, so everything
 * upstream forwarded in the same flush is in the buffer by the time this one flushes. Store
 * layout: key = [window end 8 B][window start 8 B][key bytes], value = [record timestamp 8 B][aggregate bytes].
 */
export class SuppressProcessor<K, VA> implements Processor<Windowed<K>, Change<VA>, Windowed<K>, Change<VA>> {
  private ctx!: ProcessorContext<Windowed<K>, Change<VA>>;
  private store: BufferStore | undefined;
  /** Set on load: the store exists and its writes outlive the task. */
  private durable = false;
  private loaded = false;
  private readonly buckets = new Map<number, EndBucket<K, VA>>();
  /** Distinct window ends in the buffer, ascending. */
  private ends: number[] = [];
  private observedStreamTime = -1;
  /** Entries changed since the last flush (each once; emitted ones are skipped). */
  private dirty: Buffered<K, VA>[] = [];

  constructor(
    private readonly graceMs: number,
    private readonly storeName?: string,
    private readonly serdes?: SuppressSerdes<K, VA>,
  ) {}

  init(context: ProcessorContext<Windowed<K>, Change<VA>>): void {
    this.ctx = context;
    if (this.storeName) {
      this.store = context.getStateStore<BufferStore>(this.storeName);
      this.store.reportSize(() => this.bufferedCount());
    }
  }

  process(record: Record<Windowed<K>, Change<VA>>): void {
    // The runtime restores stores after processors are initialised, so the restored entries are
    // taken on the first record rather than in init().
    if (!this.loaded) this.load();
    if (record.timestamp > this.observedStreamTime) this.observedStreamTime = record.timestamp;
    const windowed = record.key;
    const byKey = this.byKeyFor(windowed.window.end, windowed.window.start);
    const id = identity(windowed.key);
    let entry = byKey.get(id);
    if (entry) {
      entry.record = record;
    } else {
      entry = {
        record,
        storeKey: undefined,
        persisted: false,
        dirty: false,
        emitted: false,
      };
      byKey.set(id, entry);
    }
    if (this.durable && !entry.dirty) {
      entry.dirty = true;
      this.dirty.push(entry);
    }
    this.emitClosed();
  }

  /** Writes the windows changed since the last flush to the durable store. */
  flush(): void {
    const dirty = this.dirty;
    if (dirty.length === 0) return;
    this.dirty = [];
    for (const entry of dirty) {
      if (entry.emitted) continue;
      entry.dirty = false;
      this.persist(entry);
    }
  }

  /** Windows still waiting for their close (for tests and metrics). */
  bufferedCount(): number {
    let n = 0;
    for (const bucket of this.buckets.values()) for (const byKey of bucket.values()) n += byKey.size;
    return n;
  }

  /** The entries of one window (end, start), creating the buckets on first use. */
  private byKeyFor(end: number, start: number): Map<unknown, Buffered<K, VA>> {
    let bucket = this.buckets.get(end);
    if (!bucket) {
      bucket = new Map();
      this.buckets.set(end, bucket);
      this.insertEnd(end);
    }
    let byKey = bucket.get(start);
    if (!byKey) {
      byKey = new Map();
      bucket.set(start, byKey);
    }
    return byKey;
  }

  private emitClosed(): void {
    const expiry = this.observedStreamTime - this.graceMs;
    while (this.ends.length > 0 && this.ends[0] <= expiry) {
      const end = this.ends.shift()!;
      const bucket = this.buckets.get(end)!;
      this.buckets.delete(end);
      for (const byKey of bucket.values()) {
        for (const e of byKey.values()) {
          e.emitted = true;
          // A tombstone for the durable store (a persisted entry has its store key).
          if (e.persisted) this.store!.put(e.storeKey!, null);
          // Final results drop tombstones (Kafka's safeToDropTombstones): a window whose last
          // update deleted it — a session merged into a later one — has no final result.
          if (e.record.value.newValue === null) continue;
          this.ctx.metrics.suppressionEmits++;
          this.ctx.forward(e.record.withValue(change<VA>(e.record.value.newValue, null)));
        }
      }
    }
  }

  private insertEnd(end: number): void {
    const ends = this.ends;
    let i = ends.length;
    while (i > 0 && ends[i - 1] > end) i--;
    ends.splice(i, 0, end);
  }

  private storeKey(key: Windowed<K>): Buffer {
    const out = serializeFramed(this.serdes!.key, key.key, 16, 0);
    writeInt64BE(out, key.window.end, 0);
    writeInt64BE(out, key.window.start, 8);
    return out;
  }

  private persist(entry: Buffered<K, VA>): void {
    if (!this.store) return;
    entry.storeKey ??= this.storeKey(entry.record.key);
    const value = entry.record.value.newValue;
    if (value === null) {
      if (entry.persisted) this.store.put(entry.storeKey, null);
      entry.persisted = false;
      return;
    }
    const out = serializeFramed(this.serdes!.value, value, 8, 0);
    writeInt64BE(out, entry.record.timestamp, 0);
    this.store.put(entry.storeKey, out);
    entry.persisted = true;
  }

  /** Refills the buckets from the durable store (restored from the changelog after a restart). */
  private load(): void {
    this.loaded = true;
    if (!this.store) return;
    this.durable = this.store.isDurable();
    for (const { key: raw, value } of this.store.takeAll()) {
      const end = readInt64BE(raw, 0);
      const start = readInt64BE(raw, 8);
      const key: Windowed<K> = {
        key: this.serdes!.key.deserialize(raw.subarray(16)),
        window: { start, end },
      };
      const timestamp = readInt64BE(value, 0);
      const aggregate = this.serdes!.value.deserialize(value.subarray(8));
      const record = new Record<Windowed<K>, Change<VA>>(key, change(aggregate, null), timestamp);
      this.byKeyFor(end, start).set(identity(key.key), {
        record,
        storeKey: Buffer.from(raw),
        persisted: true,
        dirty: false,
        emitted: false,
      });
      if (timestamp > this.observedStreamTime) this.observedStreamTime = timestamp;
    }
  }
}

/** Map key of a key inside one window's entries: the key itself when primitive, else its JSON. */
function identity(key: unknown): unknown {
  return typeof key === 'string' || typeof key === 'number' ? key : JSON.stringify(key);
}
