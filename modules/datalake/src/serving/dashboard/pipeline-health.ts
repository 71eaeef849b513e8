import { basicAuthHeaders, trustedFetch } from '@meterstream/common';
import type { Admin } from 'kafkajs';

/** An app's Prometheus endpoint, as configured (`--health-targets name=url,…`). */
export interface HealthTarget {
  name: string;
  url: string;
}

export interface TargetHealth extends HealthTarget {
  up: boolean;
  /** Why the scrape failed (down only). */
  error?: string;
  /** Counters (`# TYPE … counter`), summed over their label sets, by metric name. */
  counters: Record<string, number>;
}

export interface PartitionLag {
  group: string;
  topic: string;
  partition: number;
  committed: number;
  end: number;
  lag: number;
}

export class HealthTargetsError extends Error {
  override readonly name = 'HealthTargetsError';
}

/** `aggregate-60=http://127.0.0.1:9464/metrics,sink-redis=http://…` → targets. */
export function parseHealthTargets(text: string | undefined): HealthTarget[] {
  if (!text) return [];
  return text.split(',').map((entry) => {
    const eq = entry.indexOf('=');
    const name = entry.slice(0, eq).trim();
    const url = entry.slice(eq + 1).trim();
    if (eq <= 0 || !/^https?:\/\//.test(url))
      throw new HealthTargetsError(
        `invalid health target ${JSON.stringify(entry)}: expected name=http://host:port/metrics`,
      );
    return { name, url };
  });
}

/**
 * The counters of a Prometheus text exposition: samples of metrics declared `counter`, summed over
 * their labels (`meterstream_dead_letters_total{reason=…}` → one number). Gauges and histograms are
 * left out: the page shows what moves, not every bucket.
 */
export function parseCounters(text: string): Record<string, number> {
  const counters = new Set<string>();
  const sums: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) counter\s*$/.exec(line);
    if (type) {
      counters.add(type[1]!);
      continue;
    }
    if (line.startsWith('#') || line.trim() === '') continue;
    const sample = /^([A-Za-z_:][\w:]*)(\{.*\})?\s+(\S+)/.exec(line);
    if (!sample || !counters.has(sample[1]!)) continue;
    const value = Number(sample[3]);
    if (Number.isFinite(value)) sums[sample[1]!] = (sums[sample[1]!] ?? 0) + value;
  }
  return sums;
}

export async function scrapeTarget(target: HealthTarget, timeoutMs = 2000): Promise<TargetHealth> {
  try {
    // The login and CA recorded for the target's origin (serve does so on a secured stack).
    const response = await trustedFetch(target.url, {
      headers: basicAuthHeaders(target.url),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) return { ...target, up: false, error: `HTTP ${response.status}`, counters: {} };
    return { ...target, up: true, counters: parseCounters(await response.text()) };
  } catch (error) {
    // A scrape that fails is the answer ("down"), with the reason shown on the page.
    const cause = (error as Error & { cause?: Error }).cause;
    return { ...target, up: false, error: cause?.message ?? (error as Error).message, counters: {} };
  }
}

/**
 * Consumer lag per group and partition: each group's committed offsets (admin fetchOffsets) against
 * the topics' end offsets (fetchTopicOffsets). Partitions a group never committed on are left out;
 * internal topics (`__…`) are not read.
 */
export async function consumerLag(admin: Admin): Promise<PartitionLag[]> {
  const [topics, { groups }] = await Promise.all([admin.listTopics(), admin.listGroups()]);
  const visible = topics.filter((topic) => !topic.startsWith('__')).sort();
  if (visible.length === 0) return [];
  const ends = new Map<string, Map<number, number>>();
  for (const topic of visible) {
    const offsets = await admin.fetchTopicOffsets(topic);
    ends.set(topic, new Map(offsets.map((o) => [o.partition, Number(o.high)])));
  }
  const rows: PartitionLag[] = [];
  for (const { groupId } of [...groups].sort((a, b) => a.groupId.localeCompare(b.groupId))) {
    for (const { topic, partitions } of await admin.fetchOffsets({ groupId, topics: visible })) {
      for (const { partition, offset } of partitions) {
        const committed = Number(offset);
        if (committed < 0) continue;
        const end = ends.get(topic)?.get(partition) ?? committed;
        rows.push({ group: groupId, topic, partition, committed, end, lag: Math.max(0, end - committed) });
      }
    }
  }
  return rows;
}
