import type { KeyValueIterator } from '../iterator.js';
import type { Serde } from '../serde.js';
import type { KeyValueBytesStore, StateStore, StateStoreContext } from '../state-store.js';
import { WrappedStore } from '../wrapped-store.js';

/**
 * Hands every write that reaches it to the runtime's changelog (`context.logChange`), then writes
 * the inner store. Sits below the cache, so the changelog sees one write per key per flush.
 */
export class ChangeLoggingKeyValueBytesStore
  extends WrappedStore<KeyValueBytesStore>
  implements KeyValueBytesStore
{
  private context: StateStoreContext | undefined;

  override init(context: StateStoreContext, root: StateStore): void {
    this.context = context;
    super.init(context, root);
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
