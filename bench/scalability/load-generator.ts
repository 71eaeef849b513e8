/**
 * The load generator process: `rate` records/s across `keys` sensors into `topic`, event time =
 * wall clock, paced per 10 ms tick (each tick sends what is due since the start: no drift, no
 * per-record timers). Records are pre-encoded templates (value-formats.ts) assembled into one batch
 * per partition per tick (batch-writer.ts) and written raw to the leaders (raw-producer.ts).
 *
 * Prints `{"event":"ready"}` once producing, and on SIGTERM `{"event":"stopped", …}` with what it
 * sent and how far behind it ever was, then exits. Run by main.ts; usable alone:
 *   node --import tsx bench/scalability/load-generator.ts --brokers 127.0.0.1:9092 --topic input \
 *     --rate 50000 --keys 10000 --format theodolite-json [--registry-url http://127.0.0.1:8081]
 */
import { parseArgs } from 'node:util';
import registryPackage from '@kafkajs/confluent-schema-registry';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { PartitionBatchWriter, recordTails } from './batch-writer.js';
import { openRawProducer } from './raw-producer.js';
import {
  ACTIVE_POWER_AVRO_SCHEMA,
  VALUE_FORMATS,
  type ValueFormat,
  buildTemplates,
} from './value-formats.js';
import { METRIC_AVRO_SCHEMA } from '../../modules/common/src/avro-schemas.js';

const TICK_MS = 10;
/** Requests in flight beyond which a tick sends nothing (what is due is sent by a later tick). */
const MAX_IN_FLIGHT = 4;
/**
 * Bytes of records per partition batch at most: after a stall (acks held back, MAX_IN_FLIGHT
 * reached) a tick catching up would otherwise build one batch over the broker's 1 MiB
 * message.max.bytes and fail with MESSAGE_TOO_LARGE. The rest is sent by the next ticks, and the
 * stall shows as maxBehindRecords and a lower achievedRate instead of a dead generator.
 */
const MAX_BATCH_BYTES = 900 * 1024;

const { values: args } = parseArgs({
  options: {
    brokers: { type: 'string' },
    topic: { type: 'string' },
    rate: { type: 'string' },
    keys: { type: 'string', default: '10000' },
    format: { type: 'string', default: 'theodolite-json' },
    'registry-url': { type: 'string' },
  },
});
const format = args.format as ValueFormat;
if (!VALUE_FORMATS.includes(format)) throw new Error(`--format must be one of ${VALUE_FORMATS.join(', ')}`);
if (!args.brokers || !args.topic || !args.rate) throw new Error('--brokers, --topic and --rate are required');
const rate = Number(args.rate);
const keys = Number(args.keys);
const topic = args.topic;

async function schemaId(): Promise<number> {
  if (!format.endsWith('avro')) return 0;
  if (!args['registry-url']) throw new Error(`--format ${format} needs --registry-url`);
  const registry = new registryPackage.SchemaRegistry({ host: args['registry-url'] });
  const schema = format === 'metric-avro' ? METRIC_AVRO_SCHEMA : ACTIVE_POWER_AVRO_SCHEMA;
  const { id } = await registry.register(
    { type: registryPackage.SchemaType.AVRO, schema: JSON.stringify(schema) },
    { subject: `${topic}-value` },
  );
  return id;
}

const kafka = new Kafka({
  clientId: 'meterstream-bench-load',
  brokers: args.brokers.split(','),
  logLevel: logLevel.NOTHING,
});
const admin = kafka.admin();
await admin.connect();
let failure: Error | undefined;
const producer = await openRawProducer(admin, topic, (e) => (failure ??= e));
const templates = buildTemplates(format, keys, Date.now(), await schemaId());
const tails = recordTails(templates);
const writers = Array.from({ length: producer.partitions }, () => new PartitionBatchWriter());
// Keys land where kafkajs' default (Java-compatible murmur2) partitioner puts them, as with every
// other meterstream producer; computed once per key.
const partitioner = Partitioners.DefaultPartitioner();
const partitionOf = templates.records.map((r) =>
  partitioner({
    topic,
    partitionMetadata: [...producer.partitionMetadata],
    message: { key: r.key, value: null },
  }),
);

const largestTail = tails.reduce((max, t) => Math.max(max, t.bytes.length), 0);
// A tick sends at most what fits every partition's batch even if all its records went to one.
const maxPerTick = Math.max(1, Math.floor(MAX_BATCH_BYTES / (largestTail + 32)));

// CPU from here on: what offering the load costs, without start-up (module loading, templates).
const cpuAtStart = process.cpuUsage();
const start = performance.now();
let sent = 0;
let cursor = 0;
let maxBehind = 0;
let skippedTicks = 0;
let stopping = false;

function tick(): void {
  if (stopping) return;
  if (failure) throw failure;
  const behind = Math.floor(((performance.now() - start) * rate) / 1000) - sent;
  maxBehind = Math.max(maxBehind, behind);
  const due = Math.min(behind, maxPerTick);
  if (due > 0 && producer.inFlight() < MAX_IN_FLIGHT) {
    for (let i = 0; i < due; i++) {
      const k = cursor;
      cursor = cursor + 1 === keys ? 0 : cursor + 1;
      writers[partitionOf[k]!]!.append(tails[k]!);
    }
    const now = Date.now();
    const stamp = templates.stamp(now);
    const batches = new Map<number, Buffer>();
    writers.forEach((w, p) => {
      if (w.records > 0) batches.set(p, w.finish(now, stamp));
    });
    sent += due;
    producer.send(batches).catch((e: Error) => (failure ??= e));
  } else if (due > 0) skippedTicks++;
  const next = TICK_MS - ((performance.now() - start) % TICK_MS);
  setTimeout(tick, next);
}

process.on('SIGTERM', () => {
  stopping = true;
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuAtStart);
  process.stdout.write(
    `${JSON.stringify({
      event: 'stopped',
      sent,
      seconds,
      achievedRate: sent / seconds,
      maxBehindRecords: maxBehind,
      skippedTicks,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      error: failure?.message,
    })}\n`,
  );
  producer.close();
  void admin.disconnect().finally(() => process.exit(failure ? 1 : 0));
});

process.stdout.write(
  `${JSON.stringify({ event: 'ready', partitions: producer.partitions, keys, rate, format })}\n`,
);
tick();
