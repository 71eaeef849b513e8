import { compareBytes, prefixUpperBound } from '../bytes.js';
import { InvalidStateStoreError } from '../errors.js';
import { type KeyValue, type KeyValueIterator, OpenIterators } from '../iterator.js';
import type { Serde } from '../serde.js';
import type { KeyValueBytesStore, StateStore, StateStoreContext, StoreLifecycle } from '../state-store.js';
import { type SortedEntry, SortedBytesMap } from './sorted-bytes-map.js';

/** Observer of every change to a bytes store's data (the Redis backend's write-behind buffer). */
export interface KeyValueChangeTracker {
  changed(key: Buffer, value: Buffer | null): void;
}

/**
 * The innermost key-value store: a SortedBytesMap of key bytes → value bytes. Iterators are
 * snapshots of the keys in range taken when created, reading values live (entries deleted after
 * the snapshot are skipped), like Kafka Streams' in-memory store.
 */
export class InMemoryKeyValueBytesStore implements KeyValueBytesStore {
  readonly persistent: boolean = false;
  protected readonly map = new SortedBytesMap<Buffer>();
  protected tracker: KeyValueChangeTracker | undefined;
  private opened = false;
  private readonly iterators = new OpenIterators();

  constructor(readonly name: string) {}

  init(context: StateStoreContext, root: StateStore): void {
    context.register(root, this.lifecycle());
    this.opened = true;
  }

  protected lifecycle(): StoreLifecycle {
    return {
      restore: (records) => {
        for (const record of records) this.write(record.key, record.value);
      },
    };
  }

  flush(): void {}

  close(): void {
    this.iterators.closeAll();
    this.opened = false;
  }

  isOpen(): boolean {
    return this.opened;
  }

  get(key: Buffer): Buffer | undefined {
    this.assertOpen();
    return this.map.get(key);
  }

  put(key: Buffer, value: Buffer | null | undefined): void {
    this.assertOpen();
    this.write(key, value ?? null);
  }

  putIfAbsent(key: Buffer, value: Buffer): Buffer | undefined {
    this.assertOpen();
    const existing = this.map.get(key);
    if (existing === undefined) this.write(key, value);
    return existing;
  }

  putAll(entries: Iterable<{ key: Buffer; value: Buffer | null | undefined }>): void {
    this.assertOpen();
    for (const { key, value } of entries) this.write(key, value ?? null);
  }

  delete(key: Buffer): Buffer | undefined {
    this.assertOpen();
    const old = this.map.get(key);
    if (old !== undefined) this.write(key, null);
    return old;
  }

  range(from: Buffer | undefined, to: Buffer | undefined): KeyValueIterator<Buffer, Buffer> {
    return this.iterate(from, to, false, false);
  }

  reverseRange(from: Buffer | undefined, to: Buffer | undefined): KeyValueIterator<Buffer, Buffer> {
    return this.iterate(from, to, false, true);
  }

  all(): KeyValueIterator<Buffer, Buffer> {
    return this.iterate(undefined, undefined, false, false);
  }

  reverseAll(): KeyValueIterator<Buffer, Buffer> {
    return this.iterate(undefined, undefined, false, true);
  }

  prefixScan<P>(prefix: P, prefixKeySerde: Serde<P>): KeyValueIterator<Buffer, Buffer> {
    const from = prefixKeySerde.serialize(prefix);
    return this.iterate(from, prefixUpperBound(from), true, false);
  }

  approximateNumEntries(): number {
    this.assertOpen();
    return this.map.size;
  }

  /** Writes without logging or caching: the single mutation path (restore uses it too). */
  protected write(key: Buffer, value: Buffer | null): void {
    if (value === null) {
      if (this.map.delete(key) === undefined) return;
    } else {
      this.map.set(key, value);
    }
    this.tracker?.changed(key, value);
  }

  private iterate(
    from: Buffer | undefined,
    to: Buffer | undefined,
    toExclusive: boolean,
    reverse: boolean,
  ): KeyValueIterator<Buffer, Buffer> {
    this.assertOpen();
    if (from && to && compareBytes(from, to) > 0) return this.iterators.wrap(this.name, [].values());
    return this.iterators.wrap(this.name, liveEntries(this.map.iterate(from, to, toExclusive, reverse)));
  }

  protected assertOpen(): void {
    if (!this.opened) throw new InvalidStateStoreError(this.name, 'store is not open');
  }
}

/** Yields entries that are still in the map, with their current value. */
export function* liveEntries(entries: Iterable<SortedEntry<Buffer>>): Generator<KeyValue<Buffer, Buffer>> {
  for (const entry of entries) {
    if (!entry.removed) yield { key: entry.key, value: entry.value };
  }
}
