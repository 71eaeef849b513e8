import { Redis, type RedisOptions } from 'ioredis';

/**
 * The dashboard's Redis client. No offline queue and one retry per command: while Redis is down a
 * request fails at once with the reason (503, or a `problem` event) instead of waiting in a queue
 * until Redis returns; ioredis keeps reconnecting in the background. `connect()` is left to the
 * caller (lazy), so a server starts even when Redis is not up yet. `auth`: `redisAuthOptions(config)`.
 */
export function createDashboardRedis(
  url: string,
  auth: Pick<RedisOptions, 'username' | 'password' | 'tls'> = {},
): Redis {
  return new Redis(url, { ...auth, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
}
