import {
  type AggregateMetric,
  type MetricAttribute,
  type MetricIdentity,
  type MetricType,
  formatMetricKey,
  qualityFields,
} from '@meterstream/common';
import type { Redis } from 'ioredis';

/**
 * The Redis serving view (replaces the Kafka Connect Redis sink of the original smart-meter pipeline). Key layout, with the
 * default prefix `meterstream`:
 *
 * - `meterstream:activity` — sorted set; member = gateway, score = the latest event timestamp seen
 *   for it (epoch ms). Only ever moves forward (ZADD GT), so replays and re-deliveries of old data
 *   never turn the clock back.
 * - `meterstream:latest:<window>:<gateway>.<TYPE>.<ATTRIBUTE>` — hash of the latest aggregate of that
 *   series and window: windowStart, windowEnd (epoch ms), sampleCount, min, max (`-Infinity` when
 *   every reading came from a meter flagged faulty: no peak), sum, average, and the quality fields
 *   estimatedCount, flaggedCount, incomplete (0/1) — a hash written before they existed reads them
 *   as 0/false. Only replaced by an aggregate whose windowStart is the same or later (checked
 *   atomically in Lua).
 */
export interface RedisViewOptions {
  /** Key prefix. Default `meterstream`. */
  prefix?: string;
}

export function activityKey(prefix = 'meterstream'): string {
  return `${prefix}:activity`;
}

export function latestAggregateKey(window: number, id: MetricIdentity, prefix = 'meterstream'): string {
  return `${prefix}:latest:${window}:${formatMetricKey(id)}`;
}

// KEYS[1] the hash; ARGV windowStart, windowEnd, sampleCount, min, max, sum, average,
// estimatedCount, flaggedCount, incomplete.
const SET_IF_NEWER_LUA = `
local current = redis.call('HGET', KEYS[1], 'windowStart')
if current and tonumber(current) > tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'windowStart', ARGV[1], 'windowEnd', ARGV[2], 'sampleCount', ARGV[3],
  'min', ARGV[4], 'max', ARGV[5], 'sum', ARGV[6], 'average', ARGV[7],
  'estimatedCount', ARGV[8], 'flaggedCount', ARGV[9], 'incomplete', ARGV[10])
return 1
`;

type RedisWithScript = Redis & {
  meterstreamSetAggregateIfNewer(key: string, ...args: string[]): Promise<number>;
};

interface ScriptPipeline {
  meterstreamSetAggregateIfNewer(key: string, ...args: string[]): unknown;
}

export interface GatewayActivity {
  gateway: string;
  /** Latest event timestamp seen (epoch ms). */
  timestamp: number;
}

export class RedisServingView {
  readonly prefix: string;
  private readonly redis: RedisWithScript;

  constructor(redis: Redis, options: RedisViewOptions = {}) {
    this.prefix = options.prefix ?? 'meterstream';
    if (!('meterstreamSetAggregateIfNewer' in redis)) {
      redis.defineCommand('meterstreamSetAggregateIfNewer', { numberOfKeys: 1, lua: SET_IF_NEWER_LUA });
    }
    this.redis = redis as RedisWithScript;
  }

  /**
   * Records event timestamps per gateway: reduced to one maximum per gateway, then one pipelined
   * ZADD GT per gateway.
   */
  async recordActivity(events: Iterable<GatewayActivity>): Promise<void> {
    const latest = new Map<string, number>();
    for (const { gateway, timestamp } of events) {
      const seen = latest.get(gateway);
      if (seen === undefined || timestamp > seen) latest.set(gateway, timestamp);
    }
    if (latest.size === 0) return;
    const pipeline = this.redis.pipeline();
    const key = activityKey(this.prefix);
    for (const [gateway, timestamp] of latest) pipeline.zadd(key, 'GT', timestamp, gateway);
    await execChecked(pipeline);
  }

  /**
   * Stores the latest aggregate per series for one window, one pipeline for the whole batch; within
   * the batch only the newest window per series is sent.
   */
  async writeLatestAggregates(window: number, aggregates: Iterable<AggregateMetric>): Promise<void> {
    const newest = new Map<string, AggregateMetric>();
    for (const a of aggregates) {
      const key = latestAggregateKey(window, a, this.prefix);
      const seen = newest.get(key);
      if (seen === undefined || a.windowStart >= seen.windowStart) newest.set(key, a);
    }
    if (newest.size === 0) return;
    const pipeline = this.redis.pipeline();
    for (const [key, a] of newest) {
      (pipeline as unknown as ScriptPipeline).meterstreamSetAggregateIfNewer(
        key,
        String(a.windowStart),
        String(a.windowEnd),
        String(a.sampleCount),
        String(a.min),
        String(a.max),
        String(a.sum),
        String(a.average),
        String(a.estimatedCount ?? 0),
        String(a.flaggedCount ?? 0),
        a.incomplete ? '1' : '0',
      );
    }
    await execChecked(pipeline);
  }

  async latestActivity(gateway: string): Promise<number | undefined> {
    const score = await this.redis.zscore(activityKey(this.prefix), gateway);
    return score === null ? undefined : Number(score);
  }

  /** Gateways whose latest event is at or after `since`, most recent first. */
  async activeSince(since: number): Promise<GatewayActivity[]> {
    const flat = await this.redis.zrevrangebyscore(activityKey(this.prefix), '+inf', since, 'WITHSCORES');
    const result: GatewayActivity[] = [];
    for (let i = 0; i < flat.length; i += 2)
      result.push({ gateway: flat[i]!, timestamp: Number(flat[i + 1]) });
    return result;
  }

  async latestAggregate(window: number, id: MetricIdentity): Promise<AggregateMetric | undefined> {
    const hash = await this.redis.hgetall(latestAggregateKey(window, id, this.prefix));
    if (!hash.windowStart) return undefined;
    return {
      gateway: id.gateway,
      metricType: id.metricType as MetricType,
      metricAttribute: id.metricAttribute as MetricAttribute,
      windowStart: Number(hash.windowStart),
      windowEnd: Number(hash.windowEnd),
      sampleCount: Number(hash.sampleCount),
      min: Number(hash.min),
      max: Number(hash.max),
      sum: Number(hash.sum),
      average: Number(hash.average),
      ...qualityFields(
        Number(hash.estimatedCount ?? 0),
        Number(hash.flaggedCount ?? 0),
        hash.incomplete === '1',
      ),
    };
  }
}

/** A pipeline's per-command errors become one thrown error instead of being ignored. */
async function execChecked(pipeline: ReturnType<Redis['pipeline']>): Promise<void> {
  const results = await pipeline.exec();
  const failed = results?.find(([error]) => error);
  if (failed) throw new Error(`Redis pipeline command failed: ${failed[0]!.message}`, { cause: failed[0] });
}
