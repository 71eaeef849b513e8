import { describe, expect, it } from 'vitest';
import { streamsSettings } from '../../src/runtime/streams-settings.js';

describe('streamsSettings: query properties onto the streams runtime config', () => {
  it('maps bare and ksql.streams.-prefixed properties (the prefixed one wins)', () => {
    expect(
      streamsSettings({
        'processing.guarantee': 'exactly_once_v2',
        'ksql.streams.commit.interval.ms': '250',
        'commit.interval.ms': '999',
        'cache.max.bytes.buffering': '0',
        'auto.offset.reset': 'earliest',
        'ksql.streams.max.task.idle.ms': '10',
        'num.stream.threads': '4',
      }),
    ).toEqual({
      processingGuarantee: 'exactly_once_v2',
      commitIntervalMs: 250,
      cacheMaxBytes: 0,
      autoOffsetReset: 'earliest',
      maxTaskIdleMs: 10,
    });
  });

  it("defaults to at_least_once with ksqlDB's 2 s commit interval; exactly_once runs as exactly_once_v2", () => {
    expect(streamsSettings({})).toEqual({ processingGuarantee: 'at_least_once', commitIntervalMs: 2_000 });
    expect(streamsSettings({ 'processing.guarantee': 'exactly_once' })).toEqual({
      processingGuarantee: 'exactly_once_v2',
    });
  });

  it('refuses values it cannot run with, naming the property', () => {
    expect(() => streamsSettings({ 'processing.guarantee': 'at_most_once' })).toThrow(
      "property processing.guarantee='at_most_once'",
    );
    expect(() => streamsSettings({ 'ksql.streams.auto.offset.reset': 'none' })).toThrow('auto.offset.reset');
    expect(() => streamsSettings({ 'commit.interval.ms': '-1' })).toThrow('commit.interval.ms');
  });
});
