import { testLogger } from '@meterstream/test-support';
import { TopologyTestDriver } from '@meterstream/streams';
import { InMemorySchemaRegistry } from '../../src/format/schema-registry.js';
import type {
  PersistentQuery,
  RecordWriter,
  StatementResult,
  TopicCatalog,
} from '../../src/engine/engine-api.js';
import { KsqlEngine } from '../../src/engine/ksql-engine.js';
import { streamsConfigFor } from '../../src/engine/streams-config.js';

/** Topics in a map, as a test's Kafka. */
export class MemoryTopics implements TopicCatalog {
  readonly topics = new Map<
    string,
    { partitions: number; replicas: number; config: Record<string, string> }
  >();

  constructor(initial: Record<string, number> = {}) {
    for (const [name, partitions] of Object.entries(initial))
      this.topics.set(name, { partitions, replicas: 1, config: {} });
  }

  async partitions(topic: string): Promise<number | undefined> {
    return this.topics.get(topic)?.partitions;
  }

  async create(
    topic: string,
    partitions: number,
    replicas: number,
    config: Readonly<Record<string, string>>,
  ): Promise<void> {
    this.topics.set(topic, { partitions, replicas, config: { ...config } });
  }

  async delete(topic: string): Promise<void> {
    this.topics.delete(topic);
  }

  async list(): Promise<readonly string[]> {
    return [...this.topics.keys()];
  }
}

export interface WrittenRecord {
  readonly topic: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
}

/** Collects what INSERT VALUES writes. */
export class MemoryWriter implements RecordWriter {
  readonly records: WrittenRecord[] = [];

  async write(topic: string, key: Buffer | null, value: Buffer | null, timestamp: number): Promise<void> {
    this.records.push({ topic, key, value, timestamp });
  }

  take(): WrittenRecord[] {
    return this.records.splice(0);
  }
}

export function testEngine(
  options: { topics?: Record<string, number>; properties?: Record<string, string>; serviceId?: string } = {},
) {
  const topics = new MemoryTopics(options.topics ?? {});
  const writer = new MemoryWriter();
  const schemaRegistry = new InMemorySchemaRegistry();
  const engine = new KsqlEngine({
    topics,
    writer,
    schemaRegistry,
    properties: options.properties,
    serviceId: options.serviceId,
    clock: () => 1_000,
  });
  return { engine, topics, writer, schemaRegistry };
}

/** The query a CREATE … AS / INSERT INTO result created. */
export function createdQuery(results: readonly StatementResult[]): PersistentQuery {
  const last = results[results.length - 1];
  if (last?.kind !== 'QueryCreated') throw new Error(`expected QueryCreated, got ${last?.kind}`);
  return last.query;
}

/** Runs a query's topology in the TopologyTestDriver with the config the engine says to use. */
export function driverFor(query: PersistentQuery): TopologyTestDriver {
  return new TopologyTestDriver(query.topology, {
    ...streamsConfigFor(query),
    initialWallClockTimeMs: 0,
    logger: testLogger(),
  });
}

/** Pipes records (already serialized, e.g. by INSERT VALUES) into the driver. */
export function pipe(driver: TopologyTestDriver, records: readonly WrittenRecord[]): void {
  for (const r of records)
    driver.createInputTopic<Buffer, Buffer>(r.topic).pipeInput(r.key, r.value, r.timestamp);
}

/** The records of an output topic as raw bytes. */
export function output(driver: TopologyTestDriver, topic: string) {
  return driver.createOutputTopic<Buffer, Buffer>(topic).readRecordsToList();
}

export const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));
export const parseJson = (b: Buffer | null): unknown => (b === null ? null : JSON.parse(b.toString('utf8')));

/** KAFKA-format keys: INT is 4 bytes big-endian, BIGINT 8, STRING UTF-8. */
export const intKey = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
export const bigintKey = (n: number): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(n));
  return b;
};
