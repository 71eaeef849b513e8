import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** How Redis-backed stores reach Redis. The client is owned (connected, quit) by the caller. */
export interface RedisStoreOptions {
  readonly redis: Redis;
  /** First part of every key; default `ms`. */
  readonly keyPrefix?: string;
  /** Logs each load (info: entries, checkpoint, duration) and persist (debug). */
  readonly logger?: Logger;
}
