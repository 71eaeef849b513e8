import { compareBytes } from '../bytes.js';
import type { KeyValue } from '../iterator.js';
import type { SortedEntry } from '../memory/sorted-bytes-map.js';
import type { CacheNode } from './named-cache.js';

/**
 * Merges a cache snapshot with the store below, both sorted the same way in the same direction
 * (Kafka Streams' MergedSortedCache…Iterator). The cache wins on equal keys; cached deletes
 * (value null) hide the store's entry. `fromStore` turns a store value into the typed value
 * (deserialization happens only for entries actually yielded). For segmented stores the cache key
 * is `[segment id][composite]`: `compare` orders a cache key against a store key and `cacheKeyOut`
 * strips the prefix.
 */
export function* mergeCacheWithStore<V>(
  cached: SortedEntry<CacheNode>[],
  store: Iterator<KeyValue<Buffer, Buffer>>,
  reverse: boolean,
  fromStore: (bytes: Buffer) => V,
  compare: (cacheKey: Buffer, storeKey: Buffer) => number = compareBytes,
  cacheKeyOut: (cacheKey: Buffer) => Buffer = (k) => k,
): Generator<KeyValue<Buffer, V>> {
  const direction = reverse ? -1 : 1;
  let c = 0;
  let s = store.next();
  while (true) {
    // Skip cache entries evicted or deleted since the snapshot.
    while (c < cached.length && cached[c]!.removed) c++;
    const node = c < cached.length ? cached[c]!.value : undefined;
    if (s.done && !node) return;
    let cmp: number;
    if (!node) cmp = 1;
    else if (s.done) cmp = -1;
    else cmp = compare(node.key, s.value.key) * direction;
    if (node && cmp <= 0) {
      c++;
      if (cmp === 0) s = store.next();
      if (node.value !== null) yield { key: cacheKeyOut(node.key), value: node.value as V };
    } else if (!s.done) {
      const { key, value } = s.value;
      s = store.next();
      yield { key, value: fromStore(value) };
    }
  }
}
