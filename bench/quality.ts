/**
 * Quality stage throughput as a ratio of the aggregator's, on the same input in the same run:
 * N JSON metric payloads ({timestamp, value}, one reading a minute per key, K electricity keys,
 * a few invalid and duplicate ones mixed in) piped as bytes through each topology in a
 * TopologyTestDriver (in-memory stores, commit every COMMIT_EVERY records): the aggregator's
 * (modules/cli/src/apps/aggregator-topology.ts, 60 s windows, 300 s grace) and the quality stage's
 * (modules/quality, default rules). Rounds are interleaved after a warm-up; the best run of each
 * side counts (noise on a shared machine only slows a run down).
 *
 *   node --expose-gc --import tsx bench/quality.ts [records=1000000] [keys=1000] [rounds=3] [--record]
 *
 * Prints the table; `--record` also writes it to docs/benchmarks.md (do that on a quiet machine).
 */
import { cpus, loadavg } from 'node:os';
import { ATTRIBUTES_BY_TYPE, metricReadingJsonSerde, stringSerde } from '@meterstream/common';
import { RulesHolder, buildQualityTopology, rawReadingJsonSerde } from '@meterstream/quality';
import { type Topology, TopologyTestDriver } from '@meterstream/streams';
import { buildAggregatorTopology } from '../modules/cli/src/apps/aggregator-topology.js';
import { markdownTable, writeBenchmarkSection } from './lib/report.js';

const args = process.argv.slice(2).filter((a) => a !== '--record');
const RECORD = process.argv.includes('--record');
const N = Number(args[0] ?? 1_000_000);
const KEYS = Number(args[1] ?? 1_000);
const ROUNDS = Number(args[2] ?? 3);
const COMMIT_EVERY = 10_000;
const BASE_TS = Date.UTC(2012, 3, 1);
const ATTRIBUTES = ATTRIBUTES_BY_TYPE.ELECTRICITY;
const keys = Array.from(
  { length: KEYS },
  (_, i) => `${Math.floor(i / ATTRIBUTES.length)}.ELECTRICITY.${ATTRIBUTES[i % ATTRIBUTES.length]}`,
);

/** The input, encoded once: both sides decode the same bytes. */
function input(): { keys: Buffer[]; values: Buffer[]; timestamps: Float64Array } {
  const keyBytes = keys.map((k) => stringSerde.serialize(k));
  const values: Buffer[] = [];
  const timestamps = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const timestamp = BASE_TS + Math.floor(i / KEYS) * 60_000;
    // Voltage-like values around 230, power-like around 1; every 1000th negative (quarantined by
    // quality on power, aggregated by the aggregator), every 997th a repeat of the previous tick.
    const attribute = ATTRIBUTES[(i % KEYS) % ATTRIBUTES.length];
    const base = attribute === 'VOLTAGE' ? 230 : 1;
    const value = i % 1000 === 999 ? -1 : base + ((i * 2654435761) % 100) / 1000;
    const at = i % 997 === 996 && timestamp > BASE_TS ? timestamp - 60_000 : timestamp;
    timestamps[i] = at;
    values.push(metricReadingJsonSerde.serialize({ timestamp: at, value }));
  }
  return { keys: keyBytes, values, timestamps };
}

function run(topology: Topology, data: ReturnType<typeof input>): number {
  const driver = new TopologyTestDriver(topology, {
    commitEveryRecords: COMMIT_EVERY,
    initialWallClockTimeMs: BASE_TS + 400 * 86_400_000,
  });
  const topic = driver.createInputTopic<Buffer, Buffer>(
    'metrics',
    { serialize: (b) => b, deserialize: (b) => b },
    {
      serialize: (b) => b,
      deserialize: (b) => b,
    },
  );
  const t0 = performance.now();
  for (let i = 0; i < N; i++) topic.pipeInput(data.keys[i % KEYS]!, data.values[i]!, data.timestamps[i]!);
  driver.commit();
  const ms = performance.now() - t0;
  driver.close();
  return ms;
}

const aggregator = () =>
  buildAggregatorTopology({
    sourceTopic: 'metrics',
    metricSerde: metricReadingJsonSerde,
    windowsSec: [60],
    graceSec: 300,
  });
const quality = () => buildQualityTopology({ readingSerde: rawReadingJsonSerde, rules: new RulesHolder() });

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const data = input();
const loadBefore = loadavg()[0]!;
run(aggregator(), data); // warm-up, both sides
run(quality(), data);
const best = { aggregator: Number.POSITIVE_INFINITY, quality: Number.POSITIVE_INFINITY };
for (let round = 0; round < ROUNDS; round++) {
  gc();
  best.aggregator = Math.min(best.aggregator, run(aggregator(), data));
  gc();
  best.quality = Math.min(best.quality, run(quality(), data));
}
const rate = (ms: number) => Math.round((N / ms) * 1000);
const table = markdownTable(
  ['topology', 'records/s (best of rounds)', 'ratio to aggregator'],
  [
    ['aggregator (60 s windows)', rate(best.aggregator).toLocaleString('en'), '1.00'],
    [
      'quality stage (default rules)',
      rate(best.quality).toLocaleString('en'),
      (best.aggregator / best.quality).toFixed(2),
    ],
  ],
);
const body = [
  `${N.toLocaleString('en')} JSON metrics, ${KEYS} keys, one reading a minute per key, ${ROUNDS} interleaved rounds after a warm-up; TopologyTestDriver, in-memory stores, commit every ${COMMIT_EVERY} records. ${cpus().length} cores, 1-minute load average before: ${loadBefore.toFixed(1)}, after: ${loadavg()[0]!.toFixed(1)}.`,
  '',
  table,
  '',
  `Reproduce: \`node --expose-gc --import tsx bench/quality.ts ${N} ${KEYS} ${ROUNDS} --record\``,
].join('\n');
console.log(body);
if (RECORD) writeBenchmarkSection('quality', 'Quality stage vs aggregator', body);
