import { type DirtyEntriesHandler, NamedCache } from './named-cache.js';

/**
 * The record cache of a task (Kafka Streams' ThreadCache, `cache.max.bytes.buffering`): one byte
 * budget shared by the named caches of the task's stores. When a put takes the total over the
 * budget, least-recently-used entries of the cache being written are evicted (dirty ones flushed
 * to the store below first). `maxBytes = 0` switches caching off: stores then write through.
 */
export class RecordCache {
  private readonly caches = new Map<string, NamedCache>();
  private totalBytes = 0;
  /** Entries evicted because the budget was exceeded (metric). */
  evictions = 0;
  /** Flushes caused by evicting a dirty entry (metric). */
  evictionFlushes = 0;

  constructor(readonly maxBytes: number) {
    if (!(maxBytes >= 0)) throw new RangeError(`cache.max.bytes.buffering must be ≥ 0, got ${maxBytes}`);
  }

  get enabled(): boolean {
    return this.maxBytes > 0;
  }

  get sizeBytes(): number {
    return this.totalBytes;
  }

  /** Creates (or replaces) the cache of one store; `onDirty` writes flushed entries below. */
  register(namespace: string, onDirty: DirtyEntriesHandler): NamedCache {
    this.caches.get(namespace)?.clear();
    const cache = new NamedCache(
      namespace,
      (entries) => onDirty(entries),
      (delta) => {
        this.totalBytes += delta;
      },
    );
    this.caches.set(namespace, cache);
    return cache;
  }

  /** Drops a store's cache — only if it is still the registered one (a rebuilt task may own the name now). */
  unregister(cache: NamedCache): void {
    cache.clear();
    if (this.caches.get(cache.namespace) === cache) this.caches.delete(cache.namespace);
  }

  /** Evicts from `cache` (the one just written) until the total fits the budget. */
  maybeEvict(cache: NamedCache): void {
    while (this.totalBytes > this.maxBytes && cache.size > 0) {
      const hadDirty = cache.dirtyCount > 0;
      cache.evictOne();
      this.evictions++;
      if (hadDirty && cache.dirtyCount === 0) this.evictionFlushes++;
    }
  }

  /** Flushes every named cache (a commit of the whole task). */
  flushAll(): void {
    for (const cache of this.caches.values()) cache.flush();
  }
}
