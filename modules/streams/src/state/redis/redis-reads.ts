import type { Redis } from 'ioredis';
import type { KeyValue } from '../iterator.js';
import { lexExclusive, lexInclusive } from './namespace.js';

/** Entries fetched per ZRANGE page (one round trip for the keys, one for their values). */
export const PAGE = 1000;
/** Page size when loading a whole store: fewer round trips, memory is needed anyway. */
export const LOAD_PAGE = 10_000;

/**
 * Reads [from, to] (inclusive; undefined = open) of one index/values pair straight from Redis in
 * byte order: ZRANGE … BYLEX LIMIT pages, each resumed after the last key seen (exclusive bound),
 * so a range costs O(log n + k) however large the set is. Used to load a store and by readers
 * outside the task (interactive queries, tools).
 */
export async function* redisRange(
  redis: Redis,
  indexKey: string,
  valuesKey: string,
  from: Buffer | undefined,
  to: Buffer | undefined,
  reverse = false,
  page = PAGE,
): AsyncGenerator<KeyValue<Buffer, Buffer>> {
  let low: Buffer | string = from ? lexInclusive(from) : '-';
  let high: Buffer | string = to ? lexInclusive(to) : '+';
  while (true) {
    const keys = (
      reverse
        ? await redis.callBuffer('ZRANGE', indexKey, high, low, 'BYLEX', 'REV', 'LIMIT', 0, page)
        : await redis.callBuffer('ZRANGE', indexKey, low, high, 'BYLEX', 'LIMIT', 0, page)
    ) as Buffer[];
    if (keys.length === 0) return;
    const values = await redis.hmgetBuffer(valuesKey, ...keys);
    for (let i = 0; i < keys.length; i++) {
      const value = values[i];
      // A key without a value would be a half-applied write; the persist script writes both.
      if (value) yield { key: keys[i]!, value };
    }
    if (keys.length < page) return;
    if (reverse) high = lexExclusive(keys[keys.length - 1]!);
    else low = lexExclusive(keys[keys.length - 1]!);
  }
}
