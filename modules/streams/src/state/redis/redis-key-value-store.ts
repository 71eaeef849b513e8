import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RedisStoreError } from '../errors.js';
import type { KeyValue } from '../iterator.js';
import { InMemoryKeyValueBytesStore } from '../memory/in-memory-key-value-store.js';
import type { StateStore, StateStoreContext, StoreLifecycle } from '../state-store.js';
import { StoreKeys } from './namespace.js';
import { claimOwnership, readMeta, PersistQueue } from './persist.js';
import { LOAD_PAGE, redisRange } from './redis-reads.js';
import { KV_MAP, RedisWriteBuffer } from './write-buffer.js';

/**
 * Key-value store kept in Redis (sorted set of key bytes + hash of values, see namespace.ts) with
 * an in-process sorted copy that serves every read synchronously. Writes go to the copy and to a
 * write-behind buffer; `flush()` seals the buffer, the runtime's `persist(offset)` writes it with
 * the changelog checkpoint in one atomic script call. `load()` reads the Redis copy back (ZRANGE BYLEX pages)
 * so a restarted task restores only the changelog tail after the checkpoint.
 */
export class RedisKeyValueBytesStore extends InMemoryKeyValueBytesStore {
  override readonly persistent = true;
  private readonly buffer = new RedisWriteBuffer();
  private readonly persists: PersistQueue;
  private keys: StoreKeys | undefined;
  private checkpoint: number | undefined;
  /** Written to the store's meta at load; persists check it (fencing). '' until loaded. */
  ownerToken = '';
  /** Commands sent by the last persist (metrics/tests). */
  lastPersistCommands = 0;

  constructor(
    name: string,
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly logger?: Logger,
  ) {
    super(name);
    this.persists = new PersistQueue(redis, name, this.buffer);
    this.tracker = { changed: (key, value) => this.buffer.changed(KV_MAP, key, value) };
  }

  /** Redis namespace of this instance (known after init). */
  get namespace(): StoreKeys {
    if (!this.keys) throw new RedisStoreError(this.name, '?', 'namespace before init');
    return this.keys;
  }

  override init(context: StateStoreContext, root: StateStore): void {
    this.keys = new StoreKeys(this.keyPrefix, context.applicationId, this.name, context.partition);
    super.init(context, root);
  }

  override flush(): void {
    this.buffer.seal();
  }

  protected override lifecycle(): StoreLifecycle {
    return {
      ...super.lifecycle(),
      load: () => this.load(),
      checkpointedOffset: () => this.checkpoint,
      persist: (offset) => this.persistInOrder(offset),
    };
  }

  /** Reads a range straight from Redis (not from the in-process copy): for readers outside the task. */
  readFromRedis(
    from: Buffer | undefined,
    to: Buffer | undefined,
    reverse = false,
  ): AsyncGenerator<KeyValue<Buffer, Buffer>> {
    return redisRange(this.redis, this.namespace.index, this.namespace.values, from, to, reverse);
  }

  private async load(): Promise<void> {
    const keys = this.namespace;
    const started = performance.now();
    try {
      // Claim the store first: an earlier owner's persist (task moved away) fails from here on.
      this.ownerToken = randomUUID();
      await claimOwnership(this.redis, keys, this.ownerToken);
      const meta = await readMeta(this.redis, keys);
      this.checkpoint = meta.checkpoint;
      this.map.clear();
      // Ascending order: every insert appends to the last chunk of the sorted map.
      for await (const { key, value } of redisRange(
        this.redis,
        keys.index,
        keys.values,
        undefined,
        undefined,
        false,
        LOAD_PAGE,
      )) {
        this.map.set(key, value);
      }
      this.logger?.info(
        {
          store: this.name,
          namespace: keys.ns,
          entries: this.map.size,
          checkpoint: this.checkpoint,
          ms: Math.round(performance.now() - started),
        },
        'loaded state store from redis',
      );
    } catch (cause) {
      throw cause instanceof RedisStoreError
        ? cause
        : new RedisStoreError(this.name, keys.ns, 'load', { cause });
    }
  }

  private async persistInOrder(offset: number | undefined): Promise<void> {
    this.lastPersistCommands = await this.persists.persist(
      this.namespace,
      () => ({ checkpoint: offset, streamTime: undefined }),
      () => this.ownerToken,
    );
    if (offset !== undefined) this.checkpoint = offset;
    this.logger?.debug(
      { store: this.name, commands: this.lastPersistCommands, checkpoint: offset },
      'persisted to redis',
    );
  }
}
