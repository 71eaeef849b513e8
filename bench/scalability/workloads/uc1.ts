/**
 * Theodolite's UC1 "database storage" through meterstream's writer path: the sink loop the
 * Cassandra writer runs (consume → decode → bounded concurrent prepared writes → commit per chunk,
 * bad records to the dead-letter topic), writing every ActivePowerRecord as one row.
 */
import avro from 'avsc';
import type { Kafka } from 'kafkajs';
import { runSinkLoop, type RunningSink } from '../../../modules/cli/src/apps/cassandra-writer-loop.js';
import { createLogger } from '../../../modules/common/src/logger.js';
import { createCassandraClient, executeBounded } from '../../../modules/persistence/src/index.js';
import { ACTIVE_POWER_AVRO_SCHEMA, type ValueFormat } from '../value-formats.js';
import type { ActivePower } from './theodolite-topologies.js';

const INSERT = 'INSERT INTO bench_uc1.readings (identifier, ts, value_in_w) VALUES (?, ?, ?)';

export interface Uc1Options {
  readonly kafka: Kafka;
  readonly groupId: string;
  readonly topic: string;
  readonly format: ValueFormat;
  /** host:port of the CQL server. */
  readonly cassandra: string;
  readonly concurrency?: number;
  /**
   * Rows per UNLOGGED BATCH (default 1: one INSERT per record). Theodolite's UC1 writes one row per
   * sensor reading, so a chunk holds about one row per partition: batching by partition would
   * change nothing, batches take consecutive rows of any partition (fine on one node, such as the
   * embedded CQL server).
   */
  readonly batchRows?: number;
}

export async function startUc1(options: Uc1Options): Promise<{ sink: RunningSink; close(): Promise<void> }> {
  const client = createCassandraClient({
    contactPoints: [options.cassandra],
    localDataCenter: 'datacenter1',
  });
  await client.connect();
  await client.execute(
    "CREATE KEYSPACE IF NOT EXISTS bench_uc1 WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
  );
  await client.execute(
    'CREATE TABLE IF NOT EXISTS bench_uc1.readings (identifier text, ts bigint, value_in_w double, PRIMARY KEY (identifier, ts))',
  );
  const avroType = avro.Type.forSchema(ACTIVE_POWER_AVRO_SCHEMA as unknown as avro.Schema);
  const decode =
    options.format === 'theodolite-avro'
      ? (value: Buffer) => avroType.fromBuffer(value.subarray(5)) as ActivePower
      : (value: Buffer) => JSON.parse(value.toString()) as ActivePower;
  const sink = await runSinkLoop<ActivePower>({
    kafka: options.kafka,
    groupId: options.groupId,
    topics: [options.topic],
    logger: createLogger('bench-uc1', 'warn'),
    decode: (message) => decode(message.value!),
    write: (values) =>
      executeBounded(
        client,
        INSERT,
        values.map((v) => [v.identifier, v.timestamp, v.valueInW]),
        options.concurrency ?? 64,
        { rows: options.batchRows ?? 1 },
      ),
  });
  return {
    sink,
    async close() {
      await sink.stop();
      await client.shutdown();
    },
  };
}
