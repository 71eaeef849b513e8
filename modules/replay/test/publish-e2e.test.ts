import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Metric, formatMetricKey, metricAvroSerde, metricRegistrySerde } from '@meterstream/common';
import {
  createMetricEncoder,
  createReplayProducer,
  ensureTopic,
  publishMetrics,
  runReplay,
  syntheticFleet,
} from '@meterstream/replay';
import { consumeAll, startStack } from './helpers/broker-process.js';

type Stack = Awaited<ReturnType<typeof startStack>>;
let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

const MESSAGES = 1_000_000;
const GATEWAYS = { from: 0, to: 9_999 };
const SEED = 2024;

describe('replay → embedded broker → kafkajs consumer', () => {
  it('publishes 1M synthetic messages (Avro via the Schema Registry); count, keys and values read back exactly', async () => {
    const topic = 'metrics-e2e';
    const summary = await runReplay({
      config: stack.config,
      logger: stack.logger,
      topic,
      format: 'avro',
      synthetic: true,
      seed: SEED,
      gateways: GATEWAYS,
      rate: 0,
      messageCount: MESSAGES,
      tty: false,
    });
    expect(summary.published).toBe(MESSAGES);
    expect(summary.stoppedBy).toBe('message-count');
    expect(summary.format).toBe('avro-registry');
    console.log(`[replay] e2e publish: ${MESSAGES} messages in ${(summary.elapsedMs / 1000).toFixed(1)} s`);

    // What should be there: the same fleet regenerated, per key in order (Kafka orders per partition,
    // so per key).
    const expected = new Map<string, { timestamps: number[]; values: number[]; next: number }>();
    let n = 0;
    for (const metric of syntheticFleet({ seed: SEED, gateways: GATEWAYS })) {
      const key = formatMetricKey(metric);
      let series = expected.get(key);
      if (!series) {
        series = { timestamps: [], values: [], next: 0 };
        expected.set(key, series);
      }
      series.timestamps.push(metric.timestamp);
      series.values.push(metric.value);
      if (++n === MESSAGES) break;
    }

    const schemaId = await metricRegistrySerde({
      url: stack.registryUrl,
      subject: `${topic}-value`,
    }).schemaId();
    const registrySerde = metricRegistrySerde({ url: stack.registryUrl, subject: `${topic}-value` });
    const firstValues: Buffer[] = [];
    let mismatches = 0;
    const mismatchExamples: string[] = [];
    const partitions = new Set<number>();
    const started = performance.now();
    const seen = await consumeAll(stack.kafka, topic, MESSAGES, (message, partition) => {
      partitions.add(partition);
      const key = message.key!.toString();
      const value = message.value!;
      if (firstValues.length < 100) firstValues.push(value);
      const series = expected.get(key);
      let problem: string | undefined;
      if (!series) problem = 'unexpected key';
      else if (value[0] !== 0 || value.readUInt32BE(1) !== schemaId)
        problem = 'not Confluent-framed with the schema id';
      else {
        const metric: Metric = metricAvroSerde.deserialize(value.subarray(5));
        const i = series.next++;
        if (formatMetricKey(metric) !== key)
          problem = `key/value identity differ: ${formatMetricKey(metric)}`;
        else if (metric.timestamp !== series.timestamps[i] || metric.value !== series.values[i])
          problem = `#${i}: got ${metric.timestamp}/${metric.value}, expected ${series.timestamps[i]}/${series.values[i]}`;
      }
      if (problem) {
        mismatches++;
        if (mismatchExamples.length < 5) mismatchExamples.push(`${key} (partition ${partition}): ${problem}`);
      }
    });
    console.log(
      `[replay] e2e consume: ${seen} messages in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    expect(mismatchExamples).toEqual([]);
    expect(mismatches).toBe(0);
    expect(seen).toBe(MESSAGES);
    // every expected message was consumed, none twice
    for (const series of expected.values()) expect(series.next).toBe(series.values.length);
    expect(partitions.size).toBe(4); // replay created the topic with the architecture's 4 partitions
    // and a Confluent-registry reader decodes them
    for (const value of firstValues)
      expect((await registrySerde.deserialize(value)).gateway).toMatch(/^\d+$/);
  }, 240_000);

  it('backpressure: never more than 2 requests per partition read ahead of the acknowledgements', async () => {
    const topic = 'metrics-backpressure';
    await ensureTopic(stack.kafka, topic, 4);
    const producer = createReplayProducer(stack.kafka);
    await producer.connect();
    let pulled = 0;
    let worst = 0;
    // an endless, instant source: only backpressure keeps it from running ahead
    function* source() {
      for (const metric of syntheticFleet({ seed: 1, gateways: { from: 0, to: 999 } })) {
        pulled++;
        yield metric;
      }
    }
    try {
      const result = await publishMetrics({
        producer,
        topic,
        partitions: 4,
        encoder: createMetricEncoder('json'),
        source: [source()],
        messageCount: 60_000,
        batchSize: 100,
        maxBatchSize: 400,
        onProgress: (published) => {
          worst = Math.max(worst, pulled - published);
        },
      });
      expect(result.published).toBe(60_000);
      // per partition: one request in flight plus one full buffer waiting (400 each), + the message in hand
      expect(worst).toBeGreaterThan(0);
      expect(worst).toBeLessThanOrEqual(4 * 2 * 400 + 1);
    } finally {
      await producer.disconnect();
    }
  }, 60_000);
});
