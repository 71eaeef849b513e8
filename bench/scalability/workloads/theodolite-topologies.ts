/**
 * Theodolite's UC2 and UC3 on the streams library, written from the benchmark's description
 * (cau-se/theodolite): ActivePowerRecord in, per-window statistics out.
 * - UC2 "downsampling": per sensor, tumbling windows (1 minute), statistics emitted when the
 *   window closes.
 * - UC3 "aggregation over time attributes": per sensor and hour of day, hopping windows of 3 days
 *   advancing 1 day; statistics emitted on close.
 * The statistics are count, mean, population variance, min and max, kept as five float64s.
 */
import avro from 'avsc';
import {
  type KGroupedStream,
  type Serde,
  type StoreBackend,
  StreamsBuilder,
  Suppressed,
  TimeWindows,
  type Topology,
  valueTimestamp,
} from '../../../modules/streams/src/index.js';
import { ACTIVE_POWER_AVRO_SCHEMA, type ValueFormat } from '../value-formats.js';

export interface ActivePower {
  identifier: string;
  timestamp: number;
  valueInW: number;
}

export interface Stats {
  count: number;
  mean: number;
  /** Sum of squared deviations from the mean (Welford): variance = m2 / count. */
  m2: number;
  min: number;
  max: number;
}

const EMPTY: Stats = {
  count: 0,
  mean: 0,
  m2: 0,
  min: Number.POSITIVE_INFINITY,
  max: Number.NEGATIVE_INFINITY,
};

/** Welford's update: numerically stable mean and variance in one pass. */
export function addSample(s: Stats, x: number): Stats {
  const count = s.count + 1;
  const delta = x - s.mean;
  const mean = s.mean + delta / count;
  return { count, mean, m2: s.m2 + delta * (x - mean), min: Math.min(s.min, x), max: Math.max(s.max, x) };
}

const statsSerde: Serde<Stats> = {
  serialize: (s) => {
    const b = Buffer.allocUnsafe(40);
    b.writeDoubleBE(s.count, 0);
    b.writeDoubleBE(s.mean, 8);
    b.writeDoubleBE(s.m2, 16);
    b.writeDoubleBE(s.min, 24);
    b.writeDoubleBE(s.max, 32);
    return b;
  },
  deserialize: (b) => ({
    count: b.readDoubleBE(0),
    mean: b.readDoubleBE(8),
    m2: b.readDoubleBE(16),
    min: b.readDoubleBE(24),
    max: b.readDoubleBE(32),
  }),
};

const stringSerde: Serde<string> = {
  serialize: (s) => Buffer.from(s),
  deserialize: (b) => b.toString(),
};

const activePowerJson: Serde<ActivePower> = {
  serialize: (v) => Buffer.from(JSON.stringify(v)),
  deserialize: (b) => JSON.parse(b.toString()) as ActivePower,
};

function activePowerSerde(format: ValueFormat): Serde<ActivePower> {
  if (format === 'theodolite-json') return activePowerJson;
  if (format !== 'theodolite-avro')
    throw new Error(`UC2/UC3 read theodolite-json or theodolite-avro, not ${format}`);
  // The writer schema is the one the generator registered; the 5-byte Confluent header is skipped
  // as a registry reader does once the schema id is cached.
  const type = avro.Type.forSchema(ACTIVE_POWER_AVRO_SCHEMA as unknown as avro.Schema);
  return {
    serialize: () => {
      throw new Error('UC2/UC3 only read ActivePowerRecord');
    },
    deserialize: (b) => type.fromBuffer(b.subarray(5)) as ActivePower,
  };
}

const statsJson = (key: string, start: number, end: number, s: Stats) =>
  JSON.stringify({
    key,
    start,
    end,
    count: s.count,
    mean: s.mean,
    populationVariance: s.m2 / s.count,
    min: s.min,
    max: s.max,
  });

export interface TheodoliteOptions {
  readonly inputTopic: string;
  readonly outputTopic: string;
  readonly format: ValueFormat;
  readonly storeBackend?: StoreBackend;
}

/** Per-window statistics of `grouped` under `windows`, each emitted once as JSON when its window closes. */
function statsOnClose(
  grouped: KGroupedStream<string, ActivePower>,
  windows: TimeWindows,
  name: string,
  outputTopic: string,
): void {
  grouped
    .windowedBy(windows)
    .aggregate<Stats>(
      () => EMPTY,
      (_k, v, s) => addSample(s, v.valueInW),
      { storeName: `${name}-stats`, keySerde: stringSerde, valueSerde: statsSerde, cachingEnabled: true },
    )
    .suppress(Suppressed.untilWindowCloses({ name: `${name}-suppress` }))
    .toStream()
    .map((wk, s) => [wk.key, statsJson(wk.key, wk.window.start, wk.window.end, s)])
    .to(outputTopic, { keySerde: stringSerde, valueSerde: stringSerde });
}

function readings(builder: StreamsBuilder, options: TheodoliteOptions) {
  return builder.stream<string, ActivePower>(options.inputTopic, {
    keySerde: stringSerde,
    valueSerde: activePowerSerde(options.format),
    timestampExtractor: valueTimestamp<ActivePower>((v) => v.timestamp),
  });
}

export function buildUc2(options: TheodoliteOptions, windowMs = 60_000, graceMs = 0): Topology {
  const builder = new StreamsBuilder({ storeBackend: options.storeBackend });
  const grouped = readings(builder, options).groupByKey();
  statsOnClose(grouped, TimeWindows.ofSizeAndGrace(windowMs, graceMs), 'uc2', options.outputTopic);
  return builder.build();
}

const DAY_MS = 86_400_000;

export function buildUc3(
  options: TheodoliteOptions,
  windowMs = 3 * DAY_MS,
  advanceMs = DAY_MS,
  graceMs = 0,
): Topology {
  const builder = new StreamsBuilder({ storeBackend: options.storeBackend });
  const grouped = readings(builder, options)
    // The time attribute: the hour of day (UTC) joins the sensor in the key, which repartitions.
    .selectKey((k, v) => `${k};${new Date(v.timestamp).getUTCHours()}`)
    .groupByKey({ keySerde: stringSerde, valueSerde: activePowerJson, name: 'uc3-by-hour' });
  const windows = TimeWindows.ofSizeAndGrace(windowMs, graceMs).advanceBy(advanceMs);
  statsOnClose(grouped, windows, 'uc3', options.outputTopic);
  return builder.build();
}
