import { readFileSync } from 'node:fs';
import {
  type AggregateMetric,
  aggregateJsonSerde,
  metricReadingJsonSerde,
  type SampleStats,
  stringSerde,
} from '@meterstream/common';
import { TopologyTestDriver } from '@meterstream/streams';
import { ELECTRICITY_SAMPLE, UCI_SAMPLE, describeWithDatasets } from '@meterstream/test-support';
import { expect, it } from 'vitest';
import { buildAggregatorTopology, DEFAULT_GRACE_SEC } from '../src/apps/aggregator-topology.js';

/**
 * The aggregator's topology (what `meterstream aggregator` runs: 4 tumbling windows) fed with real
 * dataset samples. Expected results are computed by brute force here: every (key, window)
 * aggregate over the accepted samples, and the set of windows that must have been emitted — those
 * with window end + grace ≤ final stream time (Kafka Streams docs: "suppress(untilWindowCloses)":
 * one final result per window, when the window closes).
 */

const WINDOWS_SEC = [60, 600, 3600, 86_400] as const;

/** What the test compares of an emitted aggregate: the statistics and the window. */
interface WindowAggregate extends Pick<SampleStats, 'sampleCount' | 'sum' | 'min' | 'max'> {
  readonly average: number;
  readonly windowStart: number;
  readonly windowEnd: number;
}

function windowAggregate(a: AggregateMetric): WindowAggregate {
  const { sampleCount, sum, min, max, average, windowStart, windowEnd } = a;
  return { sampleCount, sum, min, max, average, windowStart, windowEnd };
}

interface Metric {
  readonly key: string;
  readonly value: number;
  readonly timestamp: number;
}

/** UCI household power: `;`-separated, d/m/yyyy HH:mm:ss (read as UTC), `?` rows and the cut last line skipped. */
function parseUci(text: string): Metric[] {
  const out: Metric[] = [];
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i].trim().split(';');
    if (f.length !== 9 || f.some((x) => x === '?' || x === '')) continue;
    const [d, m, y] = f[0].split('/').map(Number);
    const [hh, mm, ss] = f[1].split(':').map(Number);
    const ts = Date.UTC(y, m - 1, d, hh, mm, ss);
    const attrs: [string, string][] = [
      ['ACTIVE_POWER', f[2]],
      ['VOLTAGE', f[4]],
      ['INTENSITY', f[5]],
    ];
    for (const [attr, raw] of attrs) {
      const value = Number(raw);
      if (Number.isFinite(ts) && Number.isFinite(value))
        out.push({ key: `uci-sceaux.ELECTRICITY.${attr}`, value, timestamp: ts });
    }
  }
  return out;
}

/** AMPds2 electricity sub-meter csv: unix_ts (s), V, I, …, P; the first `maxRows` rows (test budget). */
function parseAmpds(text: string, maxRows: number): Metric[] {
  const out: Metric[] = [];
  const lines = text.split('\n');
  const head = lines[0].trim().split(',');
  const col = (name: string) => head.indexOf(name);
  const cols: [string, number][] = [
    ['VOLTAGE', col('V')],
    ['INTENSITY', col('I')],
    ['ACTIVE_POWER', col('P')],
  ];
  for (let i = 1; i < Math.min(lines.length, maxRows + 1); i++) {
    const f = lines[i].trim().split(',');
    if (f.length !== head.length) continue;
    const ts = Number(f[0]) * 1000;
    for (const [attr, c] of cols) {
      const value = Number(f[c]);
      if (Number.isFinite(ts) && Number.isFinite(value))
        out.push({ key: `ampds2-b1e.ELECTRICITY.${attr}`, value, timestamp: ts });
    }
  }
  return out;
}

const GRACE_MS = DEFAULT_GRACE_SEC * 1000;

function runAggregator(metrics: Metric[]) {
  const topology = buildAggregatorTopology({
    sourceTopic: 'metrics',
    metricSerde: metricReadingJsonSerde,
    windowsSec: WINDOWS_SEC,
    graceSec: DEFAULT_GRACE_SEC,
  });
  const driver = new TopologyTestDriver(topology, { commitEveryRecords: 100 });
  const input = driver.createInputTopic('metrics', stringSerde, metricReadingJsonSerde);
  const outputs = WINDOWS_SEC.map((sec) => ({
    sec,
    topic: driver.createOutputTopic(`metrics-aggregates-${sec}`, stringSerde, aggregateJsonSerde),
  }));

  // Reference state: what a brute-force fold over the accepted samples gives.
  const reference = new Map<string, WindowAggregate>();
  const emitted = new Map<string, WindowAggregate>();
  let expectedLateDrops = 0;
  let streamTime = -1;
  let earlyEmissions = 0;
  let duplicates = 0;
  const lateEvery = 5000;

  const pipe = (m: Metric) => {
    streamTime = Math.max(streamTime, m.timestamp);
    for (const sec of WINDOWS_SEC) {
      const size = sec * 1000;
      const start = m.timestamp - (m.timestamp % size);
      if (start + size + GRACE_MS <= streamTime) {
        expectedLateDrops++;
        continue;
      }
      const id = `${m.key}|${sec}|${start}`;
      const a = reference.get(id);
      const sampleCount = (a?.sampleCount ?? 0) + 1;
      const sum = (a?.sum ?? 0) + m.value;
      reference.set(id, {
        sampleCount,
        sum,
        min: Math.min(a?.min ?? Number.POSITIVE_INFINITY, m.value),
        max: Math.max(a?.max ?? Number.NEGATIVE_INFINITY, m.value),
        average: sum / sampleCount,
        windowStart: start,
        windowEnd: start + size,
      });
    }
    input.pipeInput(m.key, { timestamp: m.timestamp, value: m.value }, m.timestamp);
    for (const { sec, topic } of outputs) {
      for (const r of topic.readRecordsToList()) {
        const agg = windowAggregate(r.value!);
        if (agg.windowEnd + GRACE_MS > streamTime) earlyEmissions++;
        const id = `${r.key}|${sec}|${agg.windowStart}`;
        if (emitted.has(id)) duplicates++;
        emitted.set(id, agg);
      }
    }
  };

  metrics.forEach((m, i) => {
    pipe(m);
    if (i % lateEvery === lateEvery - 1) {
      // Late for every window size: older than the largest window + grace behind stream time.
      pipe({ key: m.key, value: 1e9, timestamp: streamTime - (86_400 + DEFAULT_GRACE_SEC + 60) * 1000 });
      // Slightly late but within grace for the windows still open: accepted where they are.
      pipe({ key: m.key, value: -1, timestamp: streamTime - 200_000 });
    }
  });
  driver.commit();
  for (const { sec, topic } of outputs) {
    for (const r of topic.readRecordsToList())
      emitted.set(`${r.key}|${sec}|${r.value!.windowStart}`, windowAggregate(r.value!));
  }
  const lateDrops = driver.metrics().lateRecordDrops;
  driver.close();

  const expected = new Map([...reference].filter(([, a]) => a.windowEnd + GRACE_MS <= streamTime));
  return { expected, emitted, expectedLateDrops, lateDrops, earlyEmissions, duplicates };
}

function check(result: ReturnType<typeof runAggregator>) {
  expect(result.earlyEmissions).toBe(0);
  expect(result.duplicates).toBe(0);
  expect(result.expected.size).toBeGreaterThan(100);
  expect([...result.emitted.keys()].sort()).toEqual([...result.expected.keys()].sort());
  for (const [id, agg] of result.expected) expect(result.emitted.get(id), id).toEqual(agg);
  expect(result.expectedLateDrops).toBeGreaterThan(0);
  expect(result.lateDrops).toBe(result.expectedLateDrops);
}

describeWithDatasets(
  "the aggregator's topology on dataset samples (tumbling 60/600/3600/86400 s, grace 300 s, suppress)",
  () => {
    it('UCI household power: emitted aggregates equal the brute-force reference; late samples dropped and counted', () => {
      const metrics = parseUci(readFileSync(UCI_SAMPLE, 'utf8'));
      expect(metrics.length).toBeGreaterThan(45_000);
      check(runAggregator(metrics));
    });

    it('AMPds2 electricity sub-meter: emitted aggregates equal the brute-force reference', () => {
      const metrics = parseAmpds(readFileSync(ELECTRICITY_SAMPLE, 'utf8'), 20_000);
      expect(metrics.length).toBeGreaterThan(59_000);
      check(runAggregator(metrics));
    });
  },
);
