import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RedisStoreError } from '../errors.js';
import type { KeyValue } from '../iterator.js';
import { InMemorySegmentedBytesStore } from '../memory/in-memory-segmented-store.js';
import type { CompositeTimestamp } from '../segmented.js';
import type { StateStore, StateStoreContext, StoreLifecycle } from '../state-store.js';
import { StoreKeys } from './namespace.js';
import { claimOwnership, readMeta, PersistQueue } from './persist.js';
import { LOAD_PAGE, redisRange } from './redis-reads.js';
import { RedisWriteBuffer } from './write-buffer.js';

/**
 * Window/session bytes store kept in Redis: one sorted set + hash per time segment, plus a set of
 * live segment ids, so retention deletes a whole segment with one DEL. Same write-behind model as
 * RedisKeyValueBytesStore: reads from the in-process segments, persist = one script call per commit.
 */
export class RedisSegmentedBytesStore extends InMemorySegmentedBytesStore {
  override readonly persistent = true;
  private readonly buffer = new RedisWriteBuffer();
  private readonly persists: PersistQueue;
  private keys: StoreKeys | undefined;
  private checkpoint: number | undefined;
  /** Written to the store's meta at load; persists check it (fencing). '' until loaded. */
  ownerToken = '';
  lastPersistCommands = 0;

  constructor(
    name: string,
    retentionMs: number,
    segmentIntervalMs: number,
    timestampOf: CompositeTimestamp,
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly logger?: Logger,
  ) {
    super(name, retentionMs, segmentIntervalMs, timestampOf);
    this.persists = new PersistQueue(redis, name, this.buffer);
    this.segments.tracker = {
      changed: (id, composite, value) => this.buffer.changed(id, composite, value),
      dropped: (id) => this.buffer.dropped(id),
    };
  }

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

  /** Segment ids Redis holds for this store (ascending). */
  async segmentIdsInRedis(): Promise<number[]> {
    const ids = await this.redis.zrange(this.namespace.segments, 0, '-1');
    return ids.map(Number).sort((a, b) => a - b);
  }

  /** One segment's [low, high] composite range straight from Redis. */
  readSegmentFromRedis(
    id: number,
    low?: Buffer,
    high?: Buffer,
    page?: number,
  ): AsyncGenerator<KeyValue<Buffer, Buffer>> {
    const keys = this.namespace;
    return redisRange(this.redis, keys.segmentIndex(id), keys.segmentValues(id), low, high, false, page);
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
      this.segments.clear();
      if (meta.streamTime !== undefined) this.segments.observedStreamTime = meta.streamTime;
      for (const id of await this.segmentIdsInRedis()) {
        if (id < this.segments.segmentId(this.segments.minLiveTime())) {
          // Expired while no task owned it: delete it from Redis with the next persist.
          this.buffer.dropped(id);
          continue;
        }
        for await (const { key, value } of this.readSegmentFromRedis(id, undefined, undefined, LOAD_PAGE)) {
          this.segments.load(key, value, this.timestampOf(key));
        }
      }
      // Segments that expired by the stream time just loaded: deleted from Redis by the next persist.
      this.segments.dropExpiredSegments();
      this.logger?.info(
        {
          store: this.name,
          namespace: keys.ns,
          entries: this.segments.size(),
          segments: this.segments.segmentIds().length,
          checkpoint: this.checkpoint,
          ms: Math.round(performance.now() - started),
        },
        'loaded state store from redis',
      );
    } catch (cause) {
      throw new RedisStoreError(this.name, keys.ns, 'load', { cause });
    }
  }

  private async persistInOrder(offset: number | undefined): Promise<void> {
    this.lastPersistCommands = await this.persists.persist(
      this.namespace,
      () => ({ checkpoint: offset, streamTime: this.segments.observedStreamTime }),
      () => this.ownerToken,
    );
    if (offset !== undefined) this.checkpoint = offset;
    this.logger?.debug(
      { store: this.name, commands: this.lastPersistCommands, checkpoint: offset },
      'persisted to redis',
    );
  }
}
