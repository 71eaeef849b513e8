import { InvalidStateStoreError } from './errors.js';

/** One entry returned by a store iteration. */
export interface KeyValue<K, V> {
  readonly key: K;
  readonly value: V;
}

/**
 * Iterator over store entries, in the store's byte order of keys (or the reverse). It is a JS
 * iterator, so `for (const { key, value } of it)` works and breaking out of the loop closes it;
 * otherwise call `close()` (Kafka Streams requires closing iterators; so do we, to release the
 * store's bookkeeping). Using a closed iterator throws InvalidStateStoreError.
 */
export interface KeyValueIterator<K, V> extends IterableIterator<KeyValue<K, V>> {
  hasNext(): boolean;
  /** The key the next call to next() returns; throws when there is none. */
  peekNextKey(): K;
  close(): void;
  /** Drains the remaining entries into an array and closes the iterator. */
  toArray(): KeyValue<K, V>[];
}

/**
 * A KeyValueIterator over any JS iterator of entries (lazy: mapping and filtering happen as the
 * caller advances). `onClose` lets the owning store forget it.
 */
export class SourceIterator<K, V> implements KeyValueIterator<K, V> {
  private peeked: IteratorResult<KeyValue<K, V>> | undefined;
  private closed = false;

  constructor(
    private readonly source: Iterator<KeyValue<K, V>>,
    private readonly storeName: string,
    private readonly onClose?: (it: SourceIterator<K, V>) => void,
  ) {}

  [Symbol.iterator](): this {
    return this;
  }

  hasNext(): boolean {
    return !this.peek().done;
  }

  peekNextKey(): K {
    const next = this.peek();
    if (next.done) throw new InvalidStateStoreError(this.storeName, 'peekNextKey() on an exhausted iterator');
    return next.value.key;
  }

  next(): IteratorResult<KeyValue<K, V>> {
    const result = this.peek();
    this.peeked = undefined;
    return result;
  }

  /** Called by `for…of` when the loop exits early. */
  return(): IteratorResult<KeyValue<K, V>> {
    this.close();
    return { done: true, value: undefined };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose?.(this);
  }

  toArray(): KeyValue<K, V>[] {
    const out: KeyValue<K, V>[] = [];
    for (let r = this.next(); !r.done; r = this.next()) out.push(r.value);
    this.close();
    return out;
  }

  isClosed(): boolean {
    return this.closed;
  }

  private peek(): IteratorResult<KeyValue<K, V>> {
    if (this.closed) throw new InvalidStateStoreError(this.storeName, 'iterator used after close()');
    if (!this.peeked) this.peeked = this.source.next();
    return this.peeked;
  }
}

/** Tracks a store's open iterators so closing the store closes them (as Kafka Streams does). */
export class OpenIterators {
  private readonly open = new Set<SourceIterator<unknown, unknown>>();

  wrap<K, V>(storeName: string, source: Iterator<KeyValue<K, V>>): KeyValueIterator<K, V> {
    const it = new SourceIterator<K, V>(source, storeName, (closed) =>
      this.open.delete(closed as SourceIterator<unknown, unknown>),
    );
    this.open.add(it as SourceIterator<unknown, unknown>);
    return it;
  }

  get count(): number {
    return this.open.size;
  }

  closeAll(): void {
    for (const it of [...this.open]) it.close();
  }
}
