import {
  type AggregateMetric,
  EMPTY_STATS,
  type Metric,
  type SampleStats,
  aggregateJsonSerde,
  foldSample,
  formatMetricKey,
  metricJsonSerde,
  parseMetricKey,
  toAggregate,
} from '@meterstream/common';
import type { Kafka } from 'kafkajs';

export const T0 = Date.UTC(2006, 11, 16, 0, 0);
/** The gateway of the records that advance stream time on every partition (never expected in output). */
export const TICK_GATEWAY = 'tick';

/** `keys` series × `samplesPerKey` samples, `stepMs` apart, deterministic values including negatives. */
export function workload(keys: number, samplesPerKey: number, stepMs: number): Metric[] {
  const metrics: Metric[] = [];
  for (let s = 0; s < samplesPerKey; s++) {
    for (let k = 0; k < keys; k++) {
      metrics.push({
        gateway: String(Math.floor(k / 4)),
        metricType: 'ELECTRICITY',
        metricAttribute: (['ACTIVE_POWER', 'REACTIVE_POWER', 'VOLTAGE', 'INTENSITY'] as const)[k % 4]!,
        timestamp: T0 + s * stepMs,
        value: ((s * 7919 + k * 104729) % 2001) / 100 - 5,
      });
    }
  }
  return metrics;
}

export function windowKey(key: string, windowStart: number): string {
  return `${key}@${windowStart}`;
}

/** Brute force: every window of every key, folded with the shared foldSample. */
export function referenceAggregates(
  metrics: readonly Metric[],
  windowMs: number,
): Map<string, AggregateMetric> {
  const stats = new Map<string, { key: string; start: number; stats: SampleStats }>();
  for (const m of metrics) {
    const key = formatMetricKey(m);
    const start = Math.floor(m.timestamp / windowMs) * windowMs;
    const id = windowKey(key, start);
    const entry = stats.get(id) ?? { key, start, stats: EMPTY_STATS };
    entry.stats = foldSample(entry.stats, m.value);
    stats.set(id, entry);
  }
  const out = new Map<string, AggregateMetric>();
  for (const [id, e] of stats)
    out.set(id, toAggregate(parseMetricKey(e.key), e.start, e.start + windowMs, e.stats));
  return out;
}

/** Produces metrics as JSON in chunks (kafkajs default partitioner on the key). */
export async function produceMetrics(
  kafka: Kafka,
  topic: string,
  metrics: readonly Metric[],
  chunk = 10_000,
): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  for (let i = 0; i < metrics.length; i += chunk) {
    await producer.send({
      topic,
      acks: -1,
      messages: metrics
        .slice(i, i + chunk)
        .map((m) => ({ key: formatMetricKey(m), value: metricJsonSerde.serialize(m) })),
    });
  }
  await producer.disconnect();
}

/** One record per partition far in the future, so every real window closes on every task. */
export async function produceTicks(
  kafka: Kafka,
  topic: string,
  partitions: number,
  at: number,
): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic,
    acks: -1,
    messages: Array.from({ length: partitions }, (_, p) => {
      const m: Metric = {
        gateway: TICK_GATEWAY,
        metricType: 'GAS',
        metricAttribute: 'GAS_IDD',
        timestamp: at,
        value: 0,
      };
      return { key: formatMetricKey(m), value: metricJsonSerde.serialize(m), partition: p };
    }),
  });
  await producer.disconnect();
}

/**
 * Reads aggregate records from `topic` (read_committed unless told otherwise) until `atLeast`
 * distinct windows arrived, then `settleMs` more so duplicates arriving later are seen too.
 */
export async function readAggregates(
  kafka: Kafka,
  topic: string,
  options: { atLeast: number; readUncommitted?: boolean; timeoutMs?: number; settleMs?: number },
): Promise<AggregateMetric[]> {
  const consumer = kafka.consumer({
    groupId: `check-${Math.random()}`,
    readUncommitted: options.readUncommitted ?? false,
  });
  const records: AggregateMetric[] = [];
  const windows = new Set<string>();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let done: () => void = () => {};
  const complete = new Promise<void>((resolve) => {
    done = resolve;
  });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) {
        const record = aggregateJsonSerde.deserialize(message.value!);
        records.push(record);
        windows.add(windowKey(formatMetricKey(record), record.windowStart));
      }
      if (windows.size >= options.atLeast) done();
    },
  });
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, options.timeoutMs ?? 90_000));
  await Promise.race([complete, timeout]);
  await new Promise((resolve) => setTimeout(resolve, options.settleMs ?? 1_000));
  await consumer.disconnect();
  return records;
}

/** Sum of the committed offsets of a consumer group on a topic (how much input it has fully processed). */
export async function committedInput(kafka: Kafka, groupId: string, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return (entry?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  } finally {
    await admin.disconnect();
  }
}

/** Creates topics with the given partition count. */
export async function createTopics(kafka: Kafka, partitions: number, ...topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: partitions })) });
  } finally {
    await admin.disconnect();
  }
}

/**
 * Checks the output holds exactly one aggregate per expected window (tick windows excluded) and
 * that each equals the reference.
 */
export function expectExactlyOnce(
  records: readonly AggregateMetric[],
  reference: Map<string, AggregateMetric>,
): void {
  const expected = new Map([...reference].filter(([key]) => !key.startsWith(`${TICK_GATEWAY}.`)));
  const byWindow = new Map<string, AggregateMetric>();
  for (const r of records) {
    const key = windowKey(formatMetricKey(r), r.windowStart);
    if (byWindow.has(key)) throw new Error(`duplicate aggregate for ${key}`);
    byWindow.set(key, r);
  }
  const missing = [...expected.keys()].filter((key) => !byWindow.has(key));
  if (missing.length)
    throw new Error(`${missing.length} windows missing, e.g. ${missing.slice(0, 3).join(', ')}`);
  if (byWindow.size !== expected.size) throw new Error(`${byWindow.size - expected.size} unexpected windows`);
  for (const [key, aggregate] of expected) {
    const got = JSON.stringify(byWindow.get(key));
    if (got !== JSON.stringify(aggregate))
      throw new Error(`${key}: got ${got}, expected ${JSON.stringify(aggregate)}`);
  }
}
