import {
  createdTopic,
  type RegisteredSchema,
  type SchemaRegistry,
  type SchemaRegistryWithIds,
  JsonNumber,
  type JsonValue,
  type QttRecord,
  StubKafka,
  stringifyJson,
} from '@meterstream/ksql';
import { type Admin, AssignerProtocol, type IHeaders, type Kafka } from 'kafkajs';
import type { RestTestCase } from './rest-test-case.js';

/** ksqlDB's runner creates a CREATE statement's topic with 4 partitions unless PARTITIONS says otherwise. */
const CREATED_TOPIC_PARTITIONS = 4;

/**
 * Creates every topic the case names (ksqlDB's TestCaseBuilderUtil.getAllTopics): the `topics`
 * entries (1 partition by default), the topics of CREATE statements with columns, and the topics
 * of inputs and outputs; and registers the schemas given in `topics` under `<topic>-key|value`.
 */
export async function initializeTopics(
  test: RestTestCase,
  admin: Admin,
  registry: SchemaRegistry,
): Promise<void> {
  const wanted = new Map<string, number>();
  for (const t of test.topics) if (!wanted.has(t.name)) wanted.set(t.name, t.partitions);
  for (const s of test.statements) {
    const c = createdTopic(s);
    if (c && !wanted.has(c.topic)) wanted.set(c.topic, c.partitions ?? CREATED_TOPIC_PARTITIONS);
  }
  for (const r of [...test.inputs, ...test.outputs]) if (!wanted.has(r.topic)) wanted.set(r.topic, 1);
  const existing = new Set(await admin.listTopics());
  const topics = [...wanted]
    .filter(([name]) => !existing.has(name))
    .map(([topic, numPartitions]) => ({ topic, numPartitions }));
  if (topics.length > 0) await admin.createTopics({ waitForLeaders: true, topics });

  for (const t of test.topics) {
    for (const [isKey, schema, format, id, refs] of [
      [true, t.keySchema, t.keyFormat, t.keySchemaId, t.keySchemaReferences ?? []],
      [false, t.valueSchema, t.valueFormat, t.valueSchemaId, t.valueSchemaReferences ?? []],
    ] as const) {
      if (schema === undefined) continue;
      const fmt = (format ?? 'AVRO').toUpperCase();
      const schemaType: RegisteredSchema['schemaType'] =
        fmt === 'PROTOBUF' ? 'PROTOBUF' : fmt === 'AVRO' ? 'AVRO' : 'JSON';
      const text = schemaType === 'PROTOBUF' && typeof schema === 'string' ? schema : stringifyJson(schema);
      // References (PROTOBUF imports) under their own names at version 1, as ksqlDB's runner does.
      for (const ref of refs) await registry.register(ref.name, { schemaType, schema: ref.schema });
      const references = refs.map((r) => ({ name: r.name, subject: r.name, version: 1 }));
      const registered: RegisteredSchema =
        references.length > 0 ? { schemaType, schema: text, references } : { schemaType, schema: text };
      const subject = `${t.name}-${isKey ? 'key' : 'value'}`;
      const withIds = registry as Partial<SchemaRegistryWithIds>;
      // A fixed id needs a registry that takes one (ksqlDB's mock client does; Confluent's only in IMPORT mode).
      if (id !== undefined && withIds.registerWithId) await withIds.registerWithId(subject, registered, id);
      else await registry.register(subject, registered);
    }
  }
}

/** Writes serialized records, in order, each to partition of the default partitioner (by key). */
export async function produceRecords(
  kafka: Kafka,
  records: readonly {
    topic: string;
    key: Buffer | null;
    value: Buffer | null;
    timestamp: number;
    headers?: IHeaders;
  }[],
): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    for (const r of records) {
      await producer.send({
        topic: r.topic,
        acks: -1,
        messages: [{ key: r.key, value: r.value, timestamp: String(r.timestamp), headers: r.headers }],
      });
    }
  } finally {
    await producer.disconnect();
  }
}

export function headersOf(r: QttRecord): IHeaders | undefined {
  if (!r.headers) return undefined;
  const out: IHeaders = {};
  for (const h of r.headers) out[h.key] = h.value ?? undefined;
  return out;
}

/**
 * Reads `counts` records of each topic from its start (or what arrived before `timeoutMs`) into a
 * StubKafka, in partition order — what the output verifier reads from.
 */
export async function readOutputs(
  kafka: Kafka,
  counts: ReadonlyMap<string, number>,
  timeoutMs: number,
): Promise<StubKafka> {
  const stub = new StubKafka();
  if (counts.size === 0) return stub;
  const consumer = kafka.consumer({ groupId: `rest-conformance-reader-${process.pid}-${Date.now()}` });
  const got = new Map<string, number>();
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...counts.keys()], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, timeoutMs);
      consumer
        .run({
          eachMessage: async ({ topic, message }) => {
            stub.append({
              topic,
              key: message.key,
              value: message.value,
              timestamp: Number(message.timestamp),
              headers: Object.entries(message.headers ?? {}).map(([key, v]) => ({
                key,
                value: v === undefined ? null : Buffer.isBuffer(v) ? v : Buffer.from(String(v)),
              })),
            });
            got.set(topic, (got.get(topic) ?? 0) + 1);
            if ([...counts].every(([t, n]) => (got.get(t) ?? 0) >= n)) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return stub;
}

/**
 * Waits until every persistent query's consumer group has committed the end offsets of the topics
 * its members subscribe to (ksqlDB's IntegrationTestUtil.waitForPersistentQueriesToProcessInputs);
 * returns false when `timeoutMs` passed first.
 */
export async function waitForQueriesToProcessInputs(admin: Admin, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await caughtUp(admin)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/** `_confluent-ksql-<service id>query_<query id>`: persistent queries, not the command runner or transient queries. */
const PERSISTENT_QUERY_GROUP = /^_confluent-ksql-.*query_(?!.*transient)/;

async function caughtUp(admin: Admin): Promise<boolean> {
  const groups = (await admin.listGroups()).groups
    .map((g) => g.groupId)
    .filter((g) => PERSISTENT_QUERY_GROUP.test(g));
  if (groups.length === 0) return true;
  const described = await admin.describeGroups(groups);
  for (const g of described.groups) {
    if (g.members.length === 0) return false;
    const topics = new Set<string>();
    for (const m of g.members) {
      for (const t of AssignerProtocol.MemberMetadata.decode(m.memberMetadata)?.topics ?? []) topics.add(t);
    }
    if (topics.size === 0) return false;
    const committed = await admin.fetchOffsets({ groupId: g.groupId, topics: [...topics] });
    for (const { topic, partitions } of committed) {
      const ends = await admin.fetchTopicOffsets(topic);
      for (const end of ends) {
        const c = partitions.find((p) => p.partition === end.partition);
        if (Number(end.high) > 0 && Number(c?.offset ?? -1) < Number(end.high)) return false;
      }
    }
  }
  return true;
}

/** A test property's value as the REST API's streamsProperties carry it. */
export function propertyValue(v: JsonValue): unknown {
  if (v instanceof JsonNumber) return v.toNumber();
  return v;
}
