import { sessionKeyEnd } from '../keys/session-key-schema.js';
import { windowKeyStart } from '../keys/window-key-schema.js';
import { defaultSegmentInterval } from '../memory/segments.js';
import { validateWindowParams } from '../stores-factory.js';
import type { StoreBackend } from '../supplier.js';
import { RedisKeyValueBytesStore } from './redis-key-value-store.js';
import type { RedisStoreOptions } from './redis-options.js';
import { RedisSegmentedBytesStore } from './redis-segmented-store.js';

/** Stores kept in Redis (see redis/namespace.ts for the layout); choose it by config. */
export function redisStoreBackend(options: RedisStoreOptions): StoreBackend {
  const prefix = options.keyPrefix ?? 'ms';
  const { redis, logger } = options;
  return {
    name: 'redis',
    keyValue: (name) => ({
      name,
      backend: 'redis',
      get: () => new RedisKeyValueBytesStore(name, redis, prefix, logger),
    }),
    window(
      name,
      retentionMs,
      windowSizeMs,
      retainDuplicates,
      segmentIntervalMs = defaultSegmentInterval(retentionMs),
    ) {
      validateWindowParams(name, retentionMs, windowSizeMs);
      return {
        name,
        backend: 'redis',
        retentionMs,
        windowSizeMs,
        retainDuplicates,
        segmentIntervalMs,
        get: () =>
          new RedisSegmentedBytesStore(
            name,
            retentionMs,
            segmentIntervalMs,
            windowKeyStart,
            redis,
            prefix,
            logger,
          ),
      };
    },
    session(name, retentionMs, segmentIntervalMs = defaultSegmentInterval(retentionMs)) {
      return {
        name,
        backend: 'redis',
        retentionMs,
        segmentIntervalMs,
        get: () =>
          new RedisSegmentedBytesStore(
            name,
            retentionMs,
            segmentIntervalMs,
            sessionKeyEnd,
            redis,
            prefix,
            logger,
          ),
      };
    },
  };
}
