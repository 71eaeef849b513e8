import {
  type AggregateMetric,
  type MetricReading,
  aggregateJsonSerde,
  metricReadingJsonSerde,
  stringSerde,
} from '@meterstream/common';
import { TopologyTestDriver } from '@meterstream/streams';
import { describe, expect, it } from 'vitest';
import { buildAggregatorTopology } from '../src/apps/aggregator-topology.js';

/**
 * The aggregator over clean readings (issue #21 items 2 and 4): estimatedCount, flaggedCount, the
 * peak without flagged readings, incomplete windows after a long gap — and, over raw readings,
 * aggregates exactly as before (no quality field at all).
 */

const KEY = 'g1.ELECTRICITY.ACTIVE_POWER';
const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;
const ZERO_RUN = 16;
const CONSTANT_RUN = 32;
const DROPOUT = 8;
const LONG_GAP = 256;
const SPIKE = 1;

/** Pipes the readings into a 600 s-window aggregator (no grace) and returns the closed windows. */
function aggregate(readings: MetricReading[]): AggregateMetric[] {
  const topology = buildAggregatorTopology({
    sourceTopic: 'metrics-clean',
    metricSerde: metricReadingJsonSerde,
    windowsSec: [600],
    graceSec: 0,
  });
  const driver = new TopologyTestDriver(topology);
  const input = driver.createInputTopic('metrics-clean', stringSerde, metricReadingJsonSerde);
  const output = driver.createOutputTopic('metrics-aggregates-600', stringSerde, aggregateJsonSerde);
  for (const r of readings) input.pipeInput(KEY, r, r.timestamp);
  // A reading far later closes every window before it.
  input.pipeInput(KEY, { timestamp: T0 + 1000 * MIN, value: 0 }, T0 + 1000 * MIN);
  const out = output.readRecordsToList().map((r) => r.value!);
  driver.close();
  return out;
}

const at = (
  minute: number,
  value: number,
  quality?: number,
  estimated?: boolean,
  gapFromMinute?: number,
): MetricReading => ({
  timestamp: T0 + minute * MIN,
  value,
  ...(quality !== undefined && { quality }),
  ...(estimated !== undefined && { estimated }),
  ...(gapFromMinute !== undefined && { gapFrom: T0 + gapFromMinute * MIN }),
});

describe('aggregator quality fields', () => {
  it('mixed window: flagged readings count in sampleCount, sum, min and average but not in max', () => {
    const [w] = aggregate([
      at(0, 5, 0),
      at(1, 90, ZERO_RUN),
      at(2, 7, SPIKE),
      at(3, 60, CONSTANT_RUN),
      at(4, 1, 0),
    ]);
    expect(w).toMatchObject({ sampleCount: 5, sum: 163, min: 1, max: 7, average: 163 / 5, flaggedCount: 2 });
    expect(w!.estimatedCount).toBeUndefined();
    expect(w!.incomplete).toBeUndefined();
  });

  it('every reading flagged: counted, max has no value (-Infinity in memory, null on the wire)', () => {
    const [w] = aggregate([at(0, 3, ZERO_RUN), at(1, 4, ZERO_RUN | SPIKE), at(2, 0, CONSTANT_RUN)]);
    expect(w).toMatchObject({ sampleCount: 3, sum: 7, min: 0, flaggedCount: 3 });
    expect(w!.max).toBe(Number.NEGATIVE_INFINITY);
    const wire = JSON.parse(aggregateJsonSerde.serialize(w!).toString('utf8')) as Record<string, unknown>;
    expect(wire.max).toBeNull();
    expect(wire.flaggedCount).toBe(3);
  });

  it('estimated-only window: estimatedCount = sampleCount, no flag, max over them', () => {
    const [w] = aggregate([at(0, 2, 0, true), at(1, 4, 0, true), at(2, 3, 0, true)]);
    expect(w).toMatchObject({ sampleCount: 3, sum: 9, max: 4, estimatedCount: 3 });
    expect(w!.flaggedCount).toBeUndefined();
  });

  it('the window holding the reading after a long gap is incomplete; a short gap (DROPOUT only) is not', () => {
    const out = aggregate([
      at(0, 1, 0),
      at(12, 2, DROPOUT),
      at(40, 3, DROPOUT | LONG_GAP, false, 12),
      at(41, 4, 0),
    ]);
    expect(out.map((w) => [(w.windowStart - T0) / MIN, w.incomplete ?? false])).toEqual([
      [0, false],
      [10, false],
      [40, true],
    ]);
    // The gap began at minute 12: the window it ended in says so, for its writer to mark window 10.
    expect(out.map((w) => w.gapFrom)).toEqual([undefined, undefined, T0 + 12 * MIN]);
  });

  it('a long gap inside one window: the window is incomplete and carries no gapFrom (nothing else to mark)', () => {
    const out = aggregate([at(0, 1, 0), at(8, 3, DROPOUT | LONG_GAP, false, 0)]);
    expect(out.map((w) => [w.incomplete, w.gapFrom])).toEqual([[true, undefined]]);
  });

  it('raw readings (no quality fields): aggregates carry none of the new fields, as before', () => {
    const [w] = aggregate([
      { timestamp: T0, value: 5 },
      { timestamp: T0 + MIN, value: 8 },
    ]);
    expect(w).toEqual({
      gateway: 'g1',
      metricType: 'ELECTRICITY',
      metricAttribute: 'ACTIVE_POWER',
      windowStart: T0,
      windowEnd: T0 + 10 * MIN,
      sampleCount: 2,
      sum: 13,
      min: 5,
      max: 8,
      average: 6.5,
    });
  });
});
