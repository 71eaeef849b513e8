import type { BufferStore } from '../buffer-store.js';
import { bytesId, compareBytes } from '../bytes.js';
import type { KeyValue } from '../iterator.js';
import type { ChangelogRecord, StateStore, StateStoreContext, StoreLifecycle } from '../state-store.js';
import { BaseBytesStore } from './base-store.js';

/**
 * The in-memory BufferStore: writes go to the changelog only (when logging is on and the runtime
 * writes changelogs); restored changelog records are folded per key (a tombstone removes the key)
 * and handed to the processor by `takeAll()`, after which the store holds nothing again.
 */
export class InMemoryBufferStore extends BaseBytesStore implements BufferStore {
  private context: StateStoreContext | undefined;
  /** Restored entries by key id, until the processor takes them. */
  private restored = new Map<string, KeyValue<Buffer, Buffer>>();
  private taken = false;
  private size: (() => number) | undefined;

  constructor(
    name: string,
    private readonly logging: boolean,
  ) {
    super(name);
  }

  override init(context: StateStoreContext, root: StateStore): void {
    this.context = context;
    super.init(context, root);
  }

  protected lifecycle(): StoreLifecycle {
    return { restore: (records) => this.restore(records) };
  }

  isDurable(): boolean {
    return this.logging && this.context?.logChange !== undefined;
  }

  put(key: Buffer, value: Buffer | null): void {
    this.assertOpen();
    // Before the processor took the restored entries, a write must change what it will take.
    if (!this.taken) this.apply(key, value);
    if (this.isDurable())
      this.context!.logChange!(this.name, key, value, this.context!.recordContext().timestamp);
  }

  takeAll(): KeyValue<Buffer, Buffer>[] {
    this.assertOpen();
    const entries = [...this.restored.values()].sort((a, b) => compareBytes(a.key, b.key));
    this.restored = new Map();
    this.taken = true;
    return entries;
  }

  /** The processor's buffer size when reported, else the restored entries not yet taken. */
  approximateNumEntries(): number {
    return this.size ? this.size() : this.restored.size;
  }

  reportSize(count: () => number): void {
    this.size = count;
  }

  override close(): void {
    super.close();
    this.restored = new Map();
  }

  private restore(records: readonly ChangelogRecord[]): void {
    this.taken = false;
    for (const r of records) this.apply(r.key, r.value);
  }

  private apply(key: Buffer, value: Buffer | null): void {
    const id = bytesId(key);
    if (value === null) this.restored.delete(id);
    else this.restored.set(id, { key, value });
  }
}
