import type { KeyValueIterator } from '../iterator.js';
import type { Serde } from '../serde.js';
import type { KeyValueBytesStore, StateStore, StateStoreContext } from '../store.js';

/**
 * Hands every write that reaches it to the runtime's changelog (`context.logChange`), then writes
 * the inner store. Sits below the cache, so the changelog sees one write per key per flush.
 */
export class ChangeLoggingKeyValueBytesStore implements KeyValueBytesStore {
  private context: StateStoreContext | undefined;

  constructor(private readonly inner: KeyValueBytesStore) {}

  get name(): string {
    return this.inner.name;
  }

  get persistent(): boolean {
    return this.inner.persistent;
  }

  init(context: StateStoreContext, root: StateStore): void {
    this.context = context;
    this.inner.init(context, root);
  }

  flush(): void {
    this.inner.flush();
  }

  close(): void {
    this.inner.close();
  }

  isOpen(): boolean {
    return this.inner.isOpen();
  }

  get(key: Buffer): Buffer | undefined {
    return this.inner.get(key);
  }

  put(key: Buffer, value: Buffer | null | undefined): void {
    this.inner.put(key, value);
    this.log(key, value ?? null);
  }

  putIfAbsent(key: Buffer, value: Buffer): Buffer | undefined {
    const existing = this.inner.putIfAbsent(key, value);
    if (existing === undefined) this.log(key, value);
    return existing;
  }

  putAll(entries: Iterable<{ key: Buffer; value: Buffer | null | undefined }>): void {
    for (const { key, value } of entries) this.put(key, value);
  }

  delete(key: Buffer): Buffer | undefined {
    const old = this.inner.delete(key);
    this.log(key, null);
    return old;
  }

  range(from: Buffer | undefined, to: Buffer | undefined): KeyValueIterator<Buffer, Buffer> {
    return this.inner.range(from, to);
  }

  reverseRange(from: Buffer | undefined, to: Buffer | undefined): KeyValueIterator<Buffer, Buffer> {
    return this.inner.reverseRange(from, to);
  }

  all(): KeyValueIterator<Buffer, Buffer> {
    return this.inner.all();
  }

  reverseAll(): KeyValueIterator<Buffer, Buffer> {
    return this.inner.reverseAll();
  }

  prefixScan<P>(prefix: P, prefixKeySerde: Serde<P>): KeyValueIterator<Buffer, Buffer> {
    return this.inner.prefixScan(prefix, prefixKeySerde);
  }

  approximateNumEntries(): number {
    return this.inner.approximateNumEntries();
  }

  private log(key: Buffer, value: Buffer | null): void {
    const context = this.context;
    context?.logChange?.(this.inner.name, key, value, context.recordContext().timestamp);
  }
}
