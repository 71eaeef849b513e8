import { readFileSync } from 'node:fs';
import {
  ATTRIBUTES_BY_TYPE,
  METRIC_AVRO_SCHEMA,
  type Metric,
  type MetricType,
  formatInstant,
  metricAvroSerde,
} from '@meterstream/common';
import {
  type DataSource,
  type GenericRow,
  InMemorySchemaRegistry,
  KsqlEngine,
  type PersistentQuery,
  type PullQueryPlan,
  type RecordWriter,
  type TopicCatalog,
  executePullQuery,
  streamsConfigFor,
} from '@meterstream/ksql';
import { DatasetReader, type DatasetType, datasetSource } from '@meterstream/replay';
import { NO_HEADERS, TopologyTestDriver } from '@meterstream/streams';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { GAS_SAMPLE, UCI_SAMPLE, WATER_SAMPLE, describeWithDatasets } from '@meterstream/test-support';

/**
 * Every statement of ksql/queries.ksql planned by the embedded engine and run in the
 * TopologyTestDriver over dataset samples; each output is checked against values computed here,
 * from the input metrics, without the engine.
 */

const SCRIPT = readFileSync(new URL('../../../ksql/queries.ksql', import.meta.url), 'utf8');
const ROWS = 400;
const GATEWAYS = { from: 0, to: 1 };
const THRESHOLDS: Record<string, [number, number]> = {
  'ELECTRICITY.VOLTAGE': [225.0, 245.0],
  'ELECTRICITY.ACTIVE_POWER': [0.0, 8.0],
  'WATER.WATER_IDD': [0.0, 30.0],
  'GAS.GAS_IDD': [0.0, 5.0],
};

interface Stored {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
}

/** Topics of one run: what the engine creates and every record written, in order. */
class Topics implements TopicCatalog, RecordWriter {
  readonly partitionCounts = new Map<string, number>();
  readonly logs = new Map<string, Stored[]>();
  async partitions(topic: string) {
    return this.partitionCounts.get(topic);
  }
  async create(topic: string, partitions: number) {
    this.partitionCounts.set(topic, partitions);
  }
  async delete(topic: string) {
    this.partitionCounts.delete(topic);
  }
  async list() {
    return [...this.partitionCounts.keys()];
  }
  async write(topic: string, key: Buffer | null, value: Buffer | null, timestamp: number) {
    this.log(topic).push({ key, value, timestamp });
  }
  log(topic: string): Stored[] {
    const l = this.logs.get(topic) ?? [];
    this.logs.set(topic, l);
    return l;
  }
}

async function replayed(path: string, type: DatasetType, metricType: MetricType): Promise<Metric[]> {
  const metrics: Metric[] = [];
  let rows = 0;
  const reader = new DatasetReader(path, { type });
  const limited = {
    async *batches() {
      for await (const batch of reader.batches()) {
        const take = batch.slice(0, ROWS - rows);
        rows += take.length;
        yield take;
        if (rows >= ROWS) return;
      }
    },
  };
  for await (const chunk of datasetSource(limited, metricType, GATEWAYS)) metrics.push(...chunk);
  return metrics;
}

/** Records of several topics in timestamp order (stable per topic), as a Kafka Streams task takes them. */
function mergeByTime(logs: { topic: string; records: Stored[] }[]): { topic: string; record: Stored }[] {
  const all = logs.flatMap(({ topic, records }) => records.map((record, i) => ({ topic, record, i })));
  return all.sort((a, b) => a.record.timestamp - b.record.timestamp || a.i - b.i);
}

/** Decoded rows of a source's topic as objects keyed by column name (key columns included). */
async function rowsOf(engine: KsqlEngine, topics: Topics, source: DataSource) {
  const keySerde = await engine.formats.keySerde(source.keyFormat, source.schema.key, {
    topic: source.topic,
  });
  const valueSerde = await engine.formats.valueSerde(source.valueFormat, source.schema.value, {
    topic: source.topic,
    wrapSingleValue: source.wrapSingleValue,
  });
  await valueSerde.prefetch?.(topics.log(source.topic).map((r) => r.value));
  return topics.log(source.topic).map((r) => {
    const row: Record<string, unknown> = { ROWTIME: r.timestamp };
    if (r.key) {
      const key = keySerde.deserialize(source.window ? r.key.subarray(0, r.key.length - 8) : r.key);
      source.schema.key.forEach((c, i) => {
        row[c.name] = key[i];
      });
      if (source.window) row.WINDOWSTART = Number(r.key.readBigInt64BE(r.key.length - 8));
    }
    if (r.value === null) return { ...row, tombstone: true };
    const value: GenericRow = valueSerde.deserialize(r.value);
    source.schema.value.forEach((c, i) => {
      row[c.name] = value[i];
    });
    return row;
  });
}

const countBy = <T>(items: T[], keyOf: (t: T) => string) => {
  const m = new Map<string, number>();
  for (const t of items) m.set(keyOf(t), (m.get(keyOf(t)) ?? 0) + 1);
  return m;
};
const series = (m: Metric) => `${m.metricType}.${m.metricAttribute}`;

describeWithDatasets('ksql/queries.ksql on the embedded engine', () => {
  let metrics: Metric[];
  let engine: KsqlEngine;
  let topics: Topics;
  /** Each query's driver stays open: the pull query reads the table a driver materialized. */
  const drivers = new Map<string, TopologyTestDriver>();
  let pullStatement = '';
  const source = (name: string) => {
    const s = engine.source(name);
    if (!s) throw new Error(`no source ${name}`);
    return s;
  };

  beforeAll(async () => {
    // UCI household power (2006-12) and AMPds2 water and gas (2012-04), 400 minutes each, for
    // gateways 0 and 1, published as the replay does: Avro with Confluent framing, in time order.
    metrics = [
      ...(await replayed(UCI_SAMPLE, 'electricity', 'ELECTRICITY')),
      ...(await replayed(WATER_SAMPLE, 'water', 'WATER')),
      ...(await replayed(GAS_SAMPLE, 'gas', 'GAS')),
    ].sort((a, b) => a.timestamp - b.timestamp);

    topics = new Topics();
    const registry = new InMemorySchemaRegistry();
    const schemaId = await registry.register('metrics-value', {
      schemaType: 'AVRO',
      schema: JSON.stringify(METRIC_AVRO_SCHEMA),
    });
    for (const t of ['metrics', 'metrics-aggregates-60', 'metrics-aggregates-600', 'metrics-aggregates-3600'])
      await topics.create(t, 4);
    await topics.create('metrics-aggregates-86400', 4);
    const header = Buffer.alloc(5);
    header.writeInt32BE(schemaId, 1);
    for (const m of metrics) {
      const key = Buffer.from(`${m.gateway}.${m.metricType}.${m.metricAttribute}`);
      // The Kafka record time is the publish time; the streams read event time from `TIMESTAMP`.
      await topics.write('metrics', key, Buffer.concat([header, metricAvroSerde.serialize(m)]), Date.now());
    }

    engine = new KsqlEngine({ topics, schemaRegistry: registry, writer: topics, clock: () => Date.now() });
    // The script ends with a pull query on LATEST_ACTIVITY: run once the tables are filled (below).
    const pull = SCRIPT.lastIndexOf('SELECT * FROM latest_activity');
    expect(pull).toBeGreaterThan(0);
    // As `meterstream ksql` defines it for the raw topic (no METERSTREAM_METRICS_TOPIC).
    await engine.execute(`DEFINE metrics_topic = 'metrics';\n${SCRIPT.slice(0, pull)}`);
    pullStatement = SCRIPT.slice(pull);

    // Run each persistent query in creation order over its inputs in timestamp order; a query's
    // output becomes the next queries' input.
    for (const query of engine.queries()) await runQuery(query);
  }, 120_000);

  afterAll(() => {
    for (const driver of drivers.values()) driver.close();
  });

  async function runQuery(query: PersistentQuery): Promise<void> {
    const inputs = query.sourceNames.map((n) => source(n).topic);
    const driver = new TopologyTestDriver(query.topology, {
      ...streamsConfigFor(query),
      cacheMaxBytes: 0,
      initialWallClockTimeMs: 0,
    });
    try {
      const merged = mergeByTime(inputs.map((topic) => ({ topic, records: [...topics.log(topic)] })));
      // Schema Registry formats: writer schemas are fetched per batch before deserializing.
      for (const topic of inputs) {
        await query.prefetch?.(
          topic,
          'key',
          topics.log(topic).map((r) => r.key),
        );
        await query.prefetch?.(
          topic,
          'value',
          topics.log(topic).map((r) => r.value),
        );
      }
      for (const { topic, record } of merged) {
        driver.pipeSerialized(topic, record.key, record.value, record.timestamp, NO_HEADERS);
      }
      for (const out of driver.createOutputTopic<Buffer, Buffer>(query.sinkTopic).readRecordsToList()) {
        topics.log(query.sinkTopic).push({ key: out.key, value: out.value, timestamp: out.timestamp });
      }
    } finally {
      drivers.set(query.sinkName, driver);
    }
  }

  it('plans the nine persistent queries of the script, over the columns inferred from the registry', () => {
    expect(engine.queries().map((q) => q.sinkName)).toEqual([
      'METRICS_JSON',
      'METRICS_ELECTRICITY',
      'METRICS_WATER',
      'METRICS_GAS',
      'ACTIVE_POWER_OVER_5KW',
      'METRICS_BY_SERIES',
      'ALARMS',
      'MESSAGES_PER_GATEWAY_5M',
      'LATEST_ACTIVITY',
    ]);
    expect(source('METRICS_RAW').schema.value.map((c) => c.name)).toEqual([
      'GATEWAY',
      'METRICTYPE',
      'METRICATTRIBUTE',
      'TIMESTAMP',
      'VALUE',
      'UNIT', // the optional unit of the Metric schema's backward-compatible evolution (quality stage)
    ]);
  });

  it('re-routes each meter type to its own topic and keeps the household power over 5 kW', async () => {
    for (const [name, type] of [
      ['METRICS_ELECTRICITY', 'ELECTRICITY'],
      ['METRICS_WATER', 'WATER'],
      ['METRICS_GAS', 'GAS'],
    ] as const) {
      const rows = await rowsOf(engine, topics, source(name));
      const expected = metrics.filter((m) => m.metricType === type);
      expect(rows.length).toBe(expected.length);
      expect(rows.map((r) => `${r.METRIC_KEY}|${r.VALUE}`).sort()).toEqual(
        expected.map((m) => `${m.gateway}.${type}.${m.metricAttribute}|${m.value}`).sort(),
      );
    }
    const over = await rowsOf(engine, topics, source('ACTIVE_POWER_OVER_5KW'));
    const expectedOver = metrics.filter(
      (m) => m.metricType === 'ELECTRICITY' && m.metricAttribute === 'ACTIVE_POWER' && m.value > 5.0,
    );
    expect(expectedOver.length).toBeGreaterThan(0);
    expect(over.map((r) => r.VALUE).sort()).toEqual(expectedOver.map((m) => m.value).sort());
  });

  it('re-partitions by gateway and by series, with the event time carried as a column', async () => {
    const json = await rowsOf(engine, topics, source('METRICS_JSON'));
    expect(json.length).toBe(metrics.length);
    expect(countBy(json, (r) => String(r.GATEWAY))).toEqual(countBy(metrics, (m) => m.gateway));
    expect(json.every((r) => typeof r.EVENT_TIME === 'string')).toBe(true);
    const bySeries = await rowsOf(engine, topics, source('METRICS_BY_SERIES'));
    expect(countBy(bySeries, (r) => String(r.SERIES))).toEqual(countBy(metrics, series));
  });

  it('raises an UNDER or OVER alarm for every metric outside its threshold band, including replayed history', async () => {
    const expected = metrics
      .filter((m) => THRESHOLDS[series(m)])
      .filter((m) => m.value < THRESHOLDS[series(m)]![0] || m.value > THRESHOLDS[series(m)]![1])
      .map(
        (m) =>
          `${series(m)}|${m.gateway}|${m.value}|${m.value < THRESHOLDS[series(m)]![0] ? 'UNDER' : 'OVER'}`,
      );
    expect(expected.length).toBeGreaterThan(0);
    const alarms = await rowsOf(engine, topics, source('ALARMS'));
    expect(alarms.map((a) => `${a.SERIES}|${a.GATEWAY}|${a.VALUE}|${a.ALARM}`).sort()).toEqual(
      expected.sort(),
    );
    for (const a of alarms) {
      expect([a.MIN_VALUE, a.MAX_VALUE]).toEqual(THRESHOLDS[String(a.SERIES)]);
    }
  });

  it('counts messages per gateway in 5-minute event-time windows', async () => {
    const rows = await rowsOf(engine, topics, source('MESSAGES_PER_GATEWAY_5M'));
    // EMIT CHANGES with no cache: one update per record; the last update of a window is its count.
    const last = new Map<string, number>();
    for (const r of rows) last.set(`${r.GATEWAY}|${r.WINDOWSTART}`, Number(r.MESSAGES));
    const FIVE_MIN = 300_000;
    const expected = countBy(metrics, (m) => `${m.gateway}|${m.timestamp - (m.timestamp % FIVE_MIN)}`);
    expect(last).toEqual(expected);
    const one = rows.at(-1)!;
    expect(one.WINDOW_START).toBe(formatInstant(Number(one.WINDOWSTART)).replace('.000Z', 'Z'));
  });

  it('keeps the latest activity per gateway: newest event time, its epoch and the message count', async () => {
    const rows = await rowsOf(engine, topics, source('LATEST_ACTIVITY'));
    const last = new Map<string, Record<string, unknown>>();
    for (const r of rows) last.set(String(r.GATEWAY), r);
    expect([...last.keys()].sort()).toEqual(['0', '1']);
    for (const gateway of ['0', '1']) {
      const mine = metrics.filter((m) => m.gateway === gateway);
      const newest = Math.max(...mine.map((m) => m.timestamp));
      const row = last.get(gateway)!;
      expect(row.MESSAGES).toBe(mine.length);
      expect(row.LAST_EVENT_EPOCH_MS).toBe(newest);
      // LATEST_BY_OFFSET: the last record of the topic for that gateway (published in time order).
      expect(row.LAST_EVENT_TIME).toBe(formatInstant(mine.at(-1)!.timestamp));
    }
  });

  it("answers the script's pull query from the latest-activity table: gateway 0's row", async () => {
    const [result] = await engine.execute(pullStatement);
    expect(result?.kind).toBe('TransientQuery');
    const plan = (result as { query: PullQueryPlan }).query;
    const rows = executePullQuery(plan, drivers.get('LATEST_ACTIVITY')!);
    const mine = metrics.filter((m) => m.gateway === '0');
    const columns = plan.schema.columns().map((c) => c.name);
    expect(columns).toEqual(['GATEWAY', 'LAST_EVENT_TIME', 'LAST_EVENT_EPOCH_MS', 'MESSAGES']);
    expect(rows).toEqual([
      ['0', formatInstant(mine.at(-1)!.timestamp), Math.max(...mine.map((m) => m.timestamp)), mine.length],
    ]);
  });

  it('covers every attribute of the three meter types in the sample', () => {
    const seen = new Set(metrics.map(series));
    for (const type of ['ELECTRICITY', 'WATER', 'GAS'] as const)
      for (const attribute of ATTRIBUTES_BY_TYPE[type]) expect(seen.has(`${type}.${attribute}`)).toBe(true);
  });
});
