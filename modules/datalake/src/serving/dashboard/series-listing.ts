import { type MetricIdentity, MetricKeyError, parseMetricKey } from '@meterstream/common';
import type { Redis } from 'ioredis';

export interface ListedSeries extends MetricIdentity {
  /** Windows the real-time view holds a latest aggregate for. */
  windows: number[];
  /** The end of its latest window, over all windows (epoch ms): where a chart starts looking. */
  latestWindowEnd: number;
}

/** At most this many series are listed (a dashboard picker, not an export). */
export const MAX_LISTED_SERIES = 10_000;

/**
 * The series the pipeline knows, read from the Redis serving view's `<prefix>:latest:<window>:<key>`
 * hashes (one per series and window, kept by `meterstream sink redis`). Cassandra has no cheap
 * "list partitions" (its partition keys include the time bucket), so Redis is the catalogue.
 * SCAN, not KEYS: it never blocks Redis for long.
 */
export async function listSeries(redis: Redis, prefix = 'meterstream'): Promise<ListedSeries[]> {
  const head = `${prefix}:latest:`;
  const found = new Map<string, ListedSeries>();
  const keysOf = new Map<string, string[]>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${head}*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const rest = key.slice(head.length);
      const colon = rest.indexOf(':');
      const window = Number(rest.slice(0, colon));
      if (colon < 0 || !Number.isInteger(window)) continue; // not a `latest:<window>:` key
      let id: MetricIdentity;
      try {
        id = parseMetricKey(rest.slice(colon + 1));
      } catch (error) {
        // A key of another writer under our prefix is not a series: not listed. Anything else throws.
        if (error instanceof MetricKeyError) continue;
        throw error;
      }
      const name = `${id.gateway}.${id.metricType}.${id.metricAttribute}`;
      const entry = found.get(name) ?? { ...id, windows: [], latestWindowEnd: 0 };
      if (!entry.windows.includes(window)) entry.windows.push(window);
      found.set(name, entry);
      keysOf.set(name, [...(keysOf.get(name) ?? []), key]);
    }
  } while (cursor !== '0' && found.size < MAX_LISTED_SERIES);
  const list = [...found.values()];
  const pipeline = redis.pipeline();
  const owners: ListedSeries[] = [];
  for (const [name, keys] of keysOf) {
    for (const key of keys) {
      pipeline.hget(key, 'windowEnd');
      owners.push(found.get(name)!);
    }
  }
  const ends = (await pipeline.exec()) ?? [];
  ends.forEach(([error, value], i) => {
    if (error) throw new Error(`Redis HGET windowEnd failed: ${error.message}`, { cause: error });
    const owner = owners[i]!;
    owner.latestWindowEnd = Math.max(owner.latestWindowEnd, Number(value ?? 0));
  });
  for (const entry of list) entry.windows.sort((a, b) => a - b);
  return list.sort(
    (a, b) =>
      a.gateway.localeCompare(b.gateway, 'en', { numeric: true }) ||
      a.metricType.localeCompare(b.metricType) ||
      a.metricAttribute.localeCompare(b.metricAttribute),
  );
}
