/**
 * The two client paths the streams runtime spends most on live, per client, each in its own
 * process against the embedded broker (its own process too):
 * - produce: what a 1 s commit of UC2 at 20k msg/s sends — 10,000 changelog-sized records over 4
 *   partitions, 20 commits — as kafkajs messages (256 per partition per send, as the runtime did),
 *   as pre-encoded record sets (the runtime now), and through @platformatic/kafka;
 * - consume: 200,000 JSON records of 4 partitions read by a consumer group (kafkajs eachBatch,
 *   @platformatic/kafka's stream).
 * Prints CPU µs per record of each. @platformatic/kafka is not a dependency of the project: install
 * it apart (`npm install --prefix /tmp/platformatic-kafka @platformatic/kafka`) and pass that
 * directory as PLATFORMATIC_KAFKA_DIR; it asks for Node ≥ 22.19, so on Node 20 this file adds the
 * one missing built-in it uses (Promise.withResolvers) before loading it.
 *
 *   npx tsc -b && PLATFORMATIC_KAFKA_DIR=/tmp/platformatic-kafka node --import tsx bench/client-compare.ts
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, type Message, type TopicMessages, logLevel } from 'kafkajs';
import { OutputBuffer, chunkTopicMessages } from '../modules/streams/src/runtime/output-buffer.js';
import { startBrokerProcess, stopBrokerProcess } from './lib/broker-process.js';

const COMMITS = 20;
const KEYS_PER_COMMIT = 10_000;
const PARTITIONS = 4;
const CONSUMED = 200_000;

const [mode, brokers, topic] = process.argv.slice(2);
const platformaticDir = process.env.PLATFORMATIC_KAFKA_DIR;

type Platformatic = {
  Producer: new (
    options: Record<string, unknown>,
  ) => {
    send(options: { messages: Record<string, unknown>[] }): Promise<unknown>;
    close(): Promise<void>;
  };
  Consumer: new (
    options: Record<string, unknown>,
  ) => {
    consume(options: Record<string, unknown>): Promise<NodeJS.ReadableStream & { close(): Promise<void> }>;
    close(force?: boolean): Promise<void>;
  };
};

async function platformatic(): Promise<Platformatic> {
  const p = Promise as unknown as { withResolvers?: () => unknown };
  p.withResolvers ??= () => {
    let resolve!: (v: unknown) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
  if (!platformaticDir) throw new Error('PLATFORMATIC_KAFKA_DIR is not set');
  return (await import(
    join(platformaticDir, 'node_modules/@platformatic/kafka/dist/index.js')
  )) as Platformatic;
}

/** A changelog-sized record of key n: a window key (sensor id + start) and 40 bytes of statistics. */
function changelogRecord(n: number): { key: Buffer; value: Buffer; partition: number } {
  const key = Buffer.alloc(24);
  key.write(`sensor-${String(n).padStart(7, '0')}`, 0);
  key.writeBigInt64BE(1_764_000_000_000n, 16);
  return { key, value: Buffer.alloc(40, n & 0xff), partition: n % PARTITIONS };
}

async function measure(records: number, run: () => Promise<void>): Promise<void> {
  const start = process.cpuUsage();
  await run();
  const used = process.cpuUsage(start);
  const micros = (used.user + used.system) / records;
  process.stdout.write(`${JSON.stringify({ mode, cpuMicrosPerRecord: micros })}\n`);
}

async function child(): Promise<void> {
  const kafka = new Kafka({ brokers: [brokers!], logLevel: logLevel.NOTHING });
  const total = COMMITS * KEYS_PER_COMMIT;
  if (mode === 'produce-kafkajs-messages' || mode === 'produce-kafkajs-sets') {
    const producer = kafka.producer({ maxInFlightRequests: 1 });
    await producer.connect();
    await measure(total, async () => {
      for (let c = 0; c < COMMITS; c++) {
        const now = Date.now();
        let sends: TopicMessages[][];
        if (mode === 'produce-kafkajs-sets') {
          const output = new OutputBuffer(new Map());
          for (let n = 0; n < KEYS_PER_COMMIT; n++) {
            const r = changelogRecord(n);
            output.logChange(topic!, r.partition, r.key, r.value, now);
          }
          sends = output.drain();
        } else {
          const messages: Message[] = [];
          for (let n = 0; n < KEYS_PER_COMMIT; n++) {
            const r = changelogRecord(n);
            messages.push({ ...r, timestamp: String(now), headers: {} });
          }
          sends = chunkTopicMessages([{ topic: topic!, messages }]);
        }
        for (const send of sends) await producer.sendBatch({ topicMessages: send, acks: -1 });
      }
    });
    await producer.disconnect();
  } else if (mode === 'produce-platformatic') {
    const { Producer } = await platformatic();
    const producer = new Producer({ clientId: 'compare', bootstrapBrokers: [brokers], acks: -1 });
    await measure(total, async () => {
      for (let c = 0; c < COMMITS; c++) {
        const now = BigInt(Date.now());
        const messages = [];
        for (let n = 0; n < KEYS_PER_COMMIT; n++)
          messages.push({ ...changelogRecord(n), topic, timestamp: now });
        await producer.send({ messages });
      }
    });
    await producer.close();
  } else if (mode === 'consume-kafkajs') {
    const consumer = kafka.consumer({ groupId: `compare-${mode}`, maxWaitTimeInMs: 500 });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic!], fromBeginning: true });
    await measure(CONSUMED, async () => {
      let seen = 0;
      await new Promise<void>((done) => {
        void consumer.run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            for (const m of batch.messages) seen += Number(m.offset) >= 0 && m.value ? 1 : 0;
            if (seen >= CONSUMED) done();
          },
        });
      });
    });
    await consumer.disconnect();
  } else if (mode === 'consume-platformatic') {
    const { Consumer } = await platformatic();
    const consumer = new Consumer({
      groupId: `compare-${mode}`,
      clientId: 'compare',
      bootstrapBrokers: [brokers],
      maxWaitTime: 500,
    });
    await measure(CONSUMED, async () => {
      const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
      let seen = 0;
      for await (const m of stream as AsyncIterable<{ offset: bigint; value: Buffer }>) {
        seen += m.offset >= 0n && m.value ? 1 : 0;
        if (seen >= CONSUMED) break;
      }
      await stream.close();
    });
    await consumer.close(true);
  } else throw new Error(`unknown mode ${mode}`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ms-client-compare-'));
  const broker = await startBrokerProcess(dir);
  const bootstrap = `127.0.0.1:${broker.port}`;
  try {
    const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: ['changelog', 'input'].map((t) => ({ topic: t, numPartitions: PARTITIONS })),
      waitForLeaders: true,
    });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    const value = (n: number) =>
      JSON.stringify({
        identifier: `sensor-${n % 10_000}`,
        timestamp: 1_764_000_000_000 + n,
        valueInW: n % 997,
      });
    for (let at = 0; at < CONSUMED; at += 5_000) {
      const messages = Array.from({ length: 5_000 }, (_, i) => ({
        key: `sensor-${(at + i) % 10_000}`,
        value: value(at + i),
        partition: (at + i) % PARTITIONS,
      }));
      await producer.send({ topic: 'input', messages });
    }
    await producer.disconnect();
    const modes = [
      'produce-kafkajs-messages',
      'produce-kafkajs-sets',
      'consume-kafkajs',
      ...(platformaticDir ? ['produce-platformatic', 'consume-platformatic'] : []),
    ];
    for (const m of modes) {
      const out = spawnSync(
        process.execPath,
        [
          ...process.execArgv,
          import.meta.filename,
          m,
          bootstrap,
          m.startsWith('produce') ? 'changelog' : 'input',
        ],
        { encoding: 'utf8' },
      );
      const line = out.stdout.split('\n').find((l) => l.startsWith('{'));
      if (!line) throw new Error(`${m} failed (${out.status}):\n${out.stderr.slice(-2000)}`);
      const { cpuMicrosPerRecord } = JSON.parse(line) as { cpuMicrosPerRecord: number };
      console.log(`${m.padEnd(26)} ${cpuMicrosPerRecord.toFixed(2)} µs CPU/record`);
    }
  } finally {
    await stopBrokerProcess(broker.child);
    rmSync(dir, { recursive: true, force: true });
  }
}

await (mode ? child() : main());
