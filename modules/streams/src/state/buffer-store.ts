import type { KeyValue } from './iterator.js';
import type { KeyValueBytesStore, StateStore } from './state-store.js';
import { WrappedStore } from './wrapped-store.js';

/**
 * The durable side of a processor's in-memory buffer (the suppression buffer), as Kafka Streams'
 * TimeOrderedKeyValueBuffer: the processor holds the live entries and writes here only what must
 * survive a crash or a task migration; after a restart it takes the restored entries back once.
 *
 * In memory (InMemoryBufferStore) the store keeps nothing while running — a second in-memory copy
 * of the buffer would only cost memory and GC time — its writes go to the changelog, and restored
 * records wait for the processor to take them. With a persistent backend (Redis) it is a
 * key-value store of its own (KeyValueBufferStore), loaded back on restart.
 */
export interface BufferStore extends StateStore {
  /**
   * False when nothing written here can outlive the task (in memory, and no changelog is written:
   * logging off, or a runtime without changelogs), so the processor may skip its writes.
   */
  isDurable(): boolean;
  /** Put (value bytes) or delete (null). */
  put(key: Buffer, value: Buffer | null): void;
  /** The entries restored or loaded since init, ascending key order; in memory they are handed over once. */
  takeAll(): KeyValue<Buffer, Buffer>[];
  /**
   * The store-size metric: the buffer's own entry count once its processor reports it
   * (`reportSize`) — the in-memory store holds none itself — else what the store holds.
   */
  approximateNumEntries(): number;
  /** The processor's live count of buffered entries, read by approximateNumEntries. */
  reportSize(count: () => number): void;
}

/** A BufferStore over a persistent key-value bytes store (optionally change-logged): always durable. */
export class KeyValueBufferStore extends WrappedStore<KeyValueBytesStore> implements BufferStore {
  private size: (() => number) | undefined;

  isDurable(): boolean {
    return true;
  }

  put(key: Buffer, value: Buffer | null): void {
    this.inner.put(key, value);
  }

  takeAll(): KeyValue<Buffer, Buffer>[] {
    return this.inner.all().toArray();
  }

  approximateNumEntries(): number {
    return this.size ? this.size() : this.inner.approximateNumEntries();
  }

  reportSize(count: () => number): void {
    this.size = count;
  }
}
