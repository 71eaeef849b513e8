import type { AggregateMetric } from '@meterstream/common';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServingView, activityKey, latestAggregateKey } from '../src/redis-view.js';
import { type TestRedis, startRedisServer } from '@meterstream/test-support';

let server: TestRedis;
let redis: Redis;

beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url);
});

afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
});

function aggregate(windowStart: number, sum: number, gateway = 'g1'): AggregateMetric {
  return {
    gateway,
    metricType: 'ELECTRICITY',
    metricAttribute: 'ACTIVE_POWER',
    windowStart,
    windowEnd: windowStart + 60_000,
    sampleCount: 2,
    sum,
    min: sum / 4,
    max: (sum * 3) / 4,
    average: sum / 2,
  };
}

describe('RedisServingView', () => {
  it('keeps the latest event timestamp per gateway in a sorted set that never moves back', async () => {
    const view = new RedisServingView(redis, { prefix: 'activity-test' });
    await view.recordActivity([
      { gateway: 'g1', timestamp: 1_000 },
      { gateway: 'g2', timestamp: 5_000 },
      { gateway: 'g1', timestamp: 3_000 },
      { gateway: 'g1', timestamp: 2_000 },
    ]);
    // An older replay must not turn the clock back.
    await view.recordActivity([{ gateway: 'g2', timestamp: 4_000 }]);
    expect(await view.latestActivity('g1')).toBe(3_000);
    expect(await view.latestActivity('g2')).toBe(5_000);
    expect(await view.latestActivity('nope')).toBeUndefined();
    expect(await view.activeSince(3_000)).toEqual([
      { gateway: 'g2', timestamp: 5_000 },
      { gateway: 'g1', timestamp: 3_000 },
    ]);
    // The documented layout, read with plain Redis commands.
    expect(await redis.zscore(activityKey('activity-test'), 'g1')).toBe('3000');
  });

  it('stores the newest aggregate per series and window as a hash, ignoring older ones', async () => {
    const view = new RedisServingView(redis, { prefix: 'latest-test' });
    await view.writeLatestAggregates(60, [
      aggregate(120_000, 8),
      aggregate(60_000, 4),
      aggregate(0, 2, 'g2'),
    ]);
    await view.writeLatestAggregates(60, [aggregate(60_000, 100)]); // late re-delivery of an older window
    const id = { gateway: 'g1', metricType: 'ELECTRICITY', metricAttribute: 'ACTIVE_POWER' } as const;
    expect(await view.latestAggregate(60, id)).toEqual(aggregate(120_000, 8));
    expect(await view.latestAggregate(600, id)).toBeUndefined();
    const key = latestAggregateKey(60, id, 'latest-test');
    expect(key).toBe('latest-test:latest:60:g1.ELECTRICITY.ACTIVE_POWER');
    expect(await redis.hgetall(key)).toEqual({
      windowStart: '120000',
      windowEnd: '180000',
      sampleCount: '2',
      min: '2',
      max: '6',
      sum: '8',
      average: '4',
      estimatedCount: '0',
      flaggedCount: '0',
      incomplete: '0',
    });
    // Same window again (a correction) replaces; a newer one replaces.
    await view.writeLatestAggregates(60, [aggregate(120_000, 10)]);
    expect((await view.latestAggregate(60, id))?.sum).toBe(10);
    await view.writeLatestAggregates(60, [aggregate(180_000, 1)]);
    expect((await view.latestAggregate(60, id))?.windowStart).toBe(180_000);
    expect((await view.latestAggregate(60, { ...id, gateway: 'g2' }))?.sum).toBe(2);
  });

  it('keeps the quality fields and an all-flagged window without peak; a hash from before them reads 0/false', async () => {
    const view = new RedisServingView(redis, { prefix: 'quality-test' });
    const id = { gateway: 'g1', metricType: 'ELECTRICITY', metricAttribute: 'ACTIVE_POWER' } as const;
    const allFlagged: AggregateMetric = {
      ...aggregate(60_000, 8),
      max: Number.NEGATIVE_INFINITY,
      flaggedCount: 2,
      estimatedCount: 1,
      incomplete: true,
    };
    await view.writeLatestAggregates(60, [allFlagged]);
    expect(await view.latestAggregate(60, id)).toEqual(allFlagged);
    const key = latestAggregateKey(60, id, 'quality-test');
    expect(await redis.hmget(key, 'max', 'estimatedCount', 'flaggedCount', 'incomplete')).toEqual([
      '-Infinity',
      '1',
      '2',
      '1',
    ]);
    // As a view written before the fields existed left it.
    await redis.hdel(key, 'estimatedCount', 'flaggedCount', 'incomplete');
    await redis.hset(key, 'max', '6');
    expect(await view.latestAggregate(60, id)).toEqual(aggregate(60_000, 8));
  });

  it('works with the script after a SCRIPT FLUSH (pipelined EVALSHA falls back)', async () => {
    const view = new RedisServingView(redis, { prefix: 'flush-test' });
    await redis.script('FLUSH');
    await view.writeLatestAggregates(600, [aggregate(0, 6)]);
    const id = { gateway: 'g1', metricType: 'ELECTRICITY', metricAttribute: 'ACTIVE_POWER' } as const;
    expect((await view.latestAggregate(600, id))?.sum).toBe(6);
  });
});
