/**
 * KSQL engine vs the hand-written aggregator: the same serialized input (JSON metrics keyed
 * `<gateway>.<TYPE>.<ATTRIBUTE>`, event time in the payload's ISO `timestamp`) through
 *   - baseline: `meterstream aggregate`'s topology (buildAggregatorTopology, 1-minute tumbling
 *     windows, 300 s grace, suppress until window closes),
 *   - KSQL windowed: the equivalent CREATE TABLE … WINDOW TUMBLING (SIZE 1 MINUTE, GRACE PERIOD
 *     5 MINUTES) … GROUP BY … EMIT FINAL, compiled by the embedded engine,
 *   - KSQL filter: a re-routing CSAS (… WHERE metricType = 'ELECTRICITY'),
 * each in a TopologyTestDriver fed serialized records (serdes included on every side), interleaved
 * rounds after a warm-up, best run of each.
 *
 *   node --expose-gc --import tsx bench/ksql-vs-aggregator.ts [records=1000000] [keys=1000] [rounds=3]
 *
 * For profiling one side alone (`node --cpu-prof …`), `ONLY=<side name substring>` runs just the
 * sides whose name contains it and writes nothing to docs/benchmarks.md.
 *
 * The workspace packages are imported as built (`dist/`): run `npx tsc -b` first after a change.
 */
import { cpus, loadavg } from 'node:os';
import {
  ATTRIBUTES_BY_TYPE,
  type Metric,
  metricJsonSerde,
  metricReadingJsonSerde,
} from '@meterstream/common';
import {
  InMemorySchemaRegistry,
  KsqlEngine,
  type PersistentQuery,
  type RecordWriter,
  type TopicCatalog,
  streamsConfigFor,
} from '@meterstream/ksql';
import { NO_HEADERS, type Topology, TopologyTestDriver } from '@meterstream/streams';
import { buildAggregatorTopology } from '../modules/cli/src/apps/aggregator-topology.js';
import { markdownTable, writeBenchmarkSection } from './lib/report.js';

const N = Number(process.argv[2] ?? 1_000_000);
const KEYS = Number(process.argv[3] ?? 1000);
const ROUNDS = Number(process.argv[4] ?? 3);
const COMMIT_EVERY = 10_000;
const BASE_TS = Date.UTC(2024, 0, 1);
const TYPES = ['ELECTRICITY', 'WATER', 'GAS'] as const;

/** One sample per key per second of event time, the keys in a steady cycle (a replayed fleet). */
function input(): { keys: Buffer[]; values: Buffer[]; timestamps: Float64Array } {
  const keyIds = Array.from({ length: KEYS }, (_, i) => {
    const type = TYPES[i % 3]!;
    return { gateway: String(Math.floor(i / 3)), type, attribute: ATTRIBUTES_BY_TYPE[type][0]! };
  });
  const keys: Buffer[] = new Array(N);
  const values: Buffer[] = new Array(N);
  const timestamps = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const id = keyIds[i % KEYS]!;
    const metric: Metric = {
      gateway: id.gateway,
      metricType: id.type,
      metricAttribute: id.attribute as Metric['metricAttribute'],
      timestamp: BASE_TS + Math.floor(i / KEYS) * 1000,
      value: ((i * 2654435761) % 1000) / 10,
    };
    keys[i] = Buffer.from(`${id.gateway}.${id.type}.${id.attribute}`);
    values[i] = metricJsonSerde.serialize(metric);
    timestamps[i] = Date.now();
  }
  return { keys, values, timestamps };
}

const SOURCE = `CREATE STREAM metrics (metric_key STRING KEY, gateway STRING, metricType STRING,
    metricAttribute STRING, \`timestamp\` STRING, value DOUBLE)
  WITH (KAFKA_TOPIC = 'metrics', KEY_FORMAT = 'KAFKA', VALUE_FORMAT = 'JSON',
        TIMESTAMP = '\`timestamp\`', TIMESTAMP_FORMAT = 'yyyy-MM-dd''T''HH:mm:ss[.SSS]X');`;

// EMIT FINAL checks for closed windows once per second of wall clock (Kafka's emit strategy, as
// ksqlDB); the driver's clock stands still, so the check runs on every record, as the baseline's
// suppress does.
const WINDOWED = `SET 'ksql.streams.__emit.interval.ms.kstreams.windowed.aggregation__' = '0';
CREATE TABLE aggregates_60 AS
  SELECT metric_key, COUNT(*) AS sample_count, MIN(value) AS min_value, MAX(value) AS max_value,
         SUM(value) AS sum_value, AVG(value) AS average
  FROM metrics WINDOW TUMBLING (SIZE 1 MINUTE, GRACE PERIOD 5 MINUTES)
  GROUP BY metric_key EMIT FINAL;`;

const FILTER = `CREATE STREAM metrics_electricity AS
  SELECT * FROM metrics WHERE metricType = 'ELECTRICITY' EMIT CHANGES;`;

/** Compiles one persistent query with the embedded engine (in-memory topics and registry). */
async function ksqlQuery(statement: string): Promise<PersistentQuery> {
  const topics = new Map<string, number>([['metrics', 1]]);
  const catalog: TopicCatalog & RecordWriter = {
    partitions: async (t) => topics.get(t),
    create: async (t, p) => void topics.set(t, p),
    delete: async (t) => void topics.delete(t),
    list: async () => [...topics.keys()],
    write: async () => {},
  };
  const engine = new KsqlEngine({
    topics: catalog,
    schemaRegistry: new InMemorySchemaRegistry(),
    writer: catalog,
  });
  await engine.execute(`${SOURCE}\n${statement}`);
  const [query] = engine.queries();
  if (!query) throw new Error('no persistent query');
  return query;
}

interface Side {
  readonly name: string;
  readonly topology: () => Topology;
  readonly config: Record<string, unknown>;
  readonly sink: string;
  /** Wall-clock and CPU (user + system) milliseconds of each timed run. */
  readonly ms: number[];
  readonly cpuMs: number[];
  out: number;
}

function run(side: Side, data: ReturnType<typeof input>): { ms: number; cpuMs: number } {
  const driver = new TopologyTestDriver(side.topology(), {
    ...side.config,
    commitEveryRecords: COMMIT_EVERY,
    initialWallClockTimeMs: 0,
  });
  globalThis.gc?.();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    driver.pipeSerialized('metrics', data.keys[i]!, data.values[i]!, data.timestamps[i]!, NO_HEADERS);
  }
  driver.commit();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  side.out = driver.createOutputTopic(side.sink).readRecordsToList().length;
  driver.close();
  return { ms, cpuMs };
}

async function main(): Promise<void> {
  const data = input();
  const windowed = await ksqlQuery(WINDOWED);
  const filter = await ksqlQuery(FILTER);
  const sides: Side[] = [
    {
      name: 'hand-written aggregator (baseline)',
      topology: () =>
        buildAggregatorTopology({
          sourceTopic: 'metrics',
          metricSerde: metricReadingJsonSerde,
          windowsSec: [60],
          graceSec: 300,
        }),
      config: { applicationId: 'aggregator' },
      sink: 'metrics-aggregates-60',
      ms: [],
      cpuMs: [],
      out: 0,
    },
    {
      name: 'KSQL windowed CTAS (EMIT FINAL)',
      topology: () => windowed.topology,
      config: { ...streamsConfigFor(windowed) },
      sink: windowed.sinkTopic,
      ms: [],
      cpuMs: [],
      out: 0,
    },
    {
      name: 'KSQL filter CSAS',
      topology: () => filter.topology,
      config: { ...streamsConfigFor(filter) },
      sink: filter.sinkTopic,
      ms: [],
      cpuMs: [],
      out: 0,
    },
  ];
  const timed = (side: Side): void => {
    const { ms, cpuMs } = run(side, data);
    side.ms.push(ms);
    side.cpuMs.push(cpuMs);
  };
  const only = process.env.ONLY;
  if (only !== undefined) {
    for (const side of sides.filter((s) => s.name.includes(only))) {
      run(side, data); // warm-up
      for (let r = 0; r < ROUNDS; r++) timed(side);
      const runs = (ms: number[]) => ms.map((t) => `${(N / t) | 0} k/s`).join(' / ');
      console.log(`${side.name}: wall ${runs(side.ms)}; CPU ${runs(side.cpuMs)}; out ${side.out}`);
    }
    return;
  }
  const loadBefore = loadavg()[0]!;
  for (const side of sides) run(side, data); // warm-up
  for (let r = 0; r < ROUNDS; r++) for (const side of sides) timed(side);
  const loadAfter = loadavg()[0]!;
  const rate = (ms: number) => N / (ms / 1000);
  const best = (runs: number[]) => rate(Math.min(...runs));
  const base = sides[0]!;
  const rows = sides.map((s) => [
    s.name,
    `${(best(s.ms) / 1000).toFixed(0)} k/s`,
    `${Math.round((best(s.ms) / best(base.ms)) * 100)} %`,
    `${(best(s.cpuMs) / 1000).toFixed(0)} k/s`,
    `${Math.round((best(s.cpuMs) / best(base.cpuMs)) * 100)} %`,
    s.out,
    s.ms.map((ms) => (rate(ms) / 1000).toFixed(0)).join(' / '),
  ]);
  const table = markdownTable(
    [
      'side',
      'best rate (wall clock)',
      'vs baseline',
      'best rate (CPU time)',
      'vs baseline',
      'records out',
      'runs (k records/s, wall clock)',
    ],
    rows,
  );
  const command = `node --expose-gc --import tsx bench/ksql-vs-aggregator.ts ${N} ${KEYS} ${ROUNDS}`;
  const body = `Command: \`${command}\`

${N.toLocaleString('en')} JSON metrics over ${KEYS.toLocaleString('en')} keys (one sample per key per second of event
time, keys in a steady cycle), serialized beforehand and piped as bytes into a TopologyTestDriver per side (a
commit every ${COMMIT_EVERY.toLocaleString('en')} records): the key and value serdes, the event-time parsing of
the ISO \`timestamp\` field and the output serialization are timed on every side. Baseline: the topology of
\`meterstream aggregate\` (\`buildAggregatorTopology\`, 1-minute tumbling windows, 300 s grace, suppress until the
window closes). The KSQL sides are compiled by the embedded engine from:

\`\`\`sql
${SOURCE}
${WINDOWED}
${FILTER}
\`\`\`

After one warm-up run of each side, ${ROUNDS} rounds ran interleaved; the best run of each counts. Rates are given
per wall-clock second and per second of this process's CPU time (user + system, \`process.cpuUsage\`): the
CPU-time ratio does not move when other processes take the cores, the wall-clock one does.

${table}

Goal: each KSQL query at ≥ 70 % of the hand-written aggregator's rate. 1-minute load average
${loadBefore.toFixed(1)} before and ${loadAfter.toFixed(1)} after, on ${cpus().length} cores.`;
  writeBenchmarkSection('ksql-vs-aggregator', 'KSQL engine vs the hand-written aggregator', body);
  console.log(table);
}

await main();
