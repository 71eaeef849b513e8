import { type Headers, NO_HEADERS, TopologyTestDriver } from '@meterstream/streams';
import type { PersistentQuery, SourceDescription } from '../engine/engine-api.js';
import type { FormatInfo, FormatName, Formats, RegisteredSchema, SchemaRegistry } from '../format/format.js';
import { canRegisterWithId, type QttBackend, type QttEngine } from './qtt-backend.js';
import { QttSchemaRegistry } from './qtt-schema-registry.js';
import { stringifyJson } from './json-text.js';
import { checkPostConditions, type KnownTopic } from './post-conditions.js';
import { specMatches } from './record-comparator.js';
import {
  deserializeSpec,
  serializeSpec,
  type SpecContext,
  type TopicFormats,
  UnsupportedTestFormat,
} from './spec-serdes.js';
import { renderSpec, type SpecValue } from './spec-values.js';
import { type StoredRecord, StubKafka } from './stub-kafka.js';
import type { QttRecord, QttTestCase, QttWindow } from './test-model.js';

export type QttStatus = 'passed' | 'failed' | 'unsupported' | 'crashed';

export interface QttTestResult {
  readonly file: string;
  readonly name: string;
  readonly status: QttStatus;
  /** failed: the first difference; crashed: the error and where it was thrown. */
  readonly message?: string;
  /** unsupported: the feature named by the UnsupportedFeatureError. */
  readonly feature?: string;
  readonly durationMs: number;
}

/** ksqlDB's TestExecutor base config, as engine properties. */
export const QTT_SERVICE_ID = 'some.ksql.service.id';
const BASE_PROPERTIES: Readonly<Record<string, string>> = {
  'ksql.service.id': QTT_SERVICE_ID,
  'auto.offset.reset': 'earliest',
  'ksql.streams.auto.offset.reset': 'earliest',
  'ksql.streams.cache.max.bytes.buffering': '0',
  'ksql.headers.columns.enabled': 'true',
};

/** A run's failure that is the test's verdict, not a crash. */
class TestFailure extends Error {}

/** Thrown errors whose class says the feature is not implemented (by name: dist and src classes differ). */
function unsupportedFeature(err: unknown): string | undefined {
  for (let e = err; e instanceof Error; e = e.cause) {
    if (e.name === 'UnsupportedFeatureError') return (e as Error & { feature?: string }).feature ?? e.message;
    if (e instanceof UnsupportedTestFormat) return e.message;
  }
  return undefined;
}

/** `Name: message (at file:line)` — the error and the first stack frame. */
function crashLine(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const frame = err.stack
    ?.split('\n')
    .find((l) => l.trim().startsWith('at '))
    ?.trim();
  return `${err.name}: ${err.message.split('\n')[0]}${frame ? ` (${frame})` : ''}`;
}

interface DriverContainer {
  readonly query: PersistentQuery;
  readonly driver: TopologyTestDriver;
  readonly sourceTopics: readonly string[];
}

/**
 * Runs one test case the way ksqlDB's TestExecutor does:
 *  1. topics from the test's `topics` and every input/output topic exist (1 partition unless
 *     given); schemas given there are registered under `<topic>-key` / `<topic>-value`;
 *  2. the statements run as one script on a fresh engine; INSERT VALUES rows land in the topics;
 *  3. one TopologyTestDriver per persistent query, in creation order: each gets the test inputs
 *     of the topics it reads, then every record already in its other source topics (what earlier
 *     queries wrote); after each record its output goes to the topics — so queries chain;
 *  4. each output topic's records are decoded by the topic's formats and compared, in order, with
 *     `outputs` (see record-comparator.ts); then `post` is checked.
 * `expectedException`: a statement or a record must fail with a message containing the expected
 * one (Java exception classes are not compared, see the module docs).
 */
export async function runTestCase(test: QttTestCase, backend: QttBackend): Promise<QttTestResult> {
  const started = performance.now();
  const done = (status: QttStatus, extra: { message?: string; feature?: string } = {}): QttTestResult => ({
    file: test.file,
    name: test.name,
    status,
    ...extra,
    durationMs: Math.round(performance.now() - started),
  });
  const kafka = new StubKafka();
  const registry = backend.createSchemaRegistry?.() ?? new QttSchemaRegistry();
  let engine: QttEngine | undefined;
  const drivers: DriverContainer[] = [];
  const ee = test.expectedException;
  let phase: 'statement' | 'processing' = 'statement';
  try {
    const setupProblem = await initializeTopics(test, kafka, registry);
    if (setupProblem) return done('unsupported', { feature: setupProblem });

    engine = await backend.createEngine({
      serviceId: QTT_SERVICE_ID,
      topics: kafka,
      schemaRegistry: registry,
      writer: kafka,
      properties: { ...BASE_PROPERTIES, ...test.properties },
    });
    const eng = engine;

    // 2. statements
    const queries = new Map<string, { query: PersistentQuery; sourceTopics: string[] }>();
    const topicInfos = new Map<string, TopicFormats>();
    const remember = (sources: readonly SourceDescription[]) => {
      for (const s of sources) if (!topicInfos.has(s.topic)) topicInfos.set(s.topic, topicFormats(s));
    };
    await eng.executeScript(test.statements.join('\n'), (result) => {
      if (result.kind !== 'QueryCreated') return;
      const sources = eng.sources();
      remember(sources);
      const sourceTopics = result.query.sourceNames.map((n) => {
        const s = sources.find((x) => x.name === n);
        if (!s) throw new TestFailure(`Source does not exist: ${n}`);
        return s.topic;
      });
      // CREATE OR REPLACE: the query keeps its place (ksqlDB keys its list by query id)
      queries.set(result.query.id, { query: result.query, sourceTopics });
    });
    if (ee && test.inputs.length === 0) {
      return done('failed', { message: `Expected test to throw ${describeExpected(ee)}` });
    }
    if (queries.size === 0) return done('failed', { message: 'test did not generate any queries.' });

    // 3. drivers and records
    phase = 'processing';
    const finalSources = () => {
      const m = new Map(topicInfos);
      for (const s of eng.sources()) m.set(s.topic, topicFormats(s));
      return m;
    };
    const infos = finalSources();
    const ctx: SpecContext = {
      registry,
      exactNumbers: (test.properties['use.exact.numeric.comparison'] ?? 'true') !== 'false',
    };
    const serializedInputs: StoredRecord[] = [];
    for (const [i, r] of test.inputs.entries()) {
      const info = infos.get(r.topic);
      if (!info) throw new TestFailure(`No information found for topic '${r.topic}' (input ${i})`);
      await ensureSchemas(info, registry, eng.formats);
      let key: Buffer | null;
      let value: Buffer | null;
      try {
        key = await serializeSpec(ctx, info, true, r.key, r.window);
      } catch (err) {
        if (err instanceof UnsupportedTestFormat) throw err;
        throw new TestFailure(`Failed to serialize key of input ${i}: ${(err as Error).message}`);
      }
      try {
        value = await serializeSpec(ctx, info, false, r.value);
      } catch (err) {
        if (err instanceof UnsupportedTestFormat) throw err;
        throw new TestFailure(`Failed to serialize value of input ${i}: ${(err as Error).message}`);
      }
      const stored: StoredRecord = {
        topic: r.topic,
        key,
        value,
        timestamp: r.timestamp ?? 0,
        headers: headersOf(r),
      };
      serializedInputs.push(stored);
      kafka.append(stored);
    }
    const inputTopics = new Set(test.inputs.map((r) => r.topic));
    for (const { query, sourceTopics } of queries.values()) {
      drivers.push({ query, driver: newDriver(query, eng), sourceTopics });
    }
    for (const c of drivers) {
      const fromInput = c.sourceTopics.filter((t) => inputTopics.has(t));
      const fromKafka = [...new Set(c.sourceTopics.filter((t) => !inputTopics.has(t)))];
      if (fromInput.length) {
        for (const rec of serializedInputs) {
          if (c.sourceTopics.includes(rec.topic)) await pipe(c, rec, kafka, true);
        }
      }
      for (const topic of fromKafka) for (const rec of kafka.read(topic)) await pipe(c, rec, kafka, false);
    }

    // 4. outputs
    const verdict = await verifyOutputs(test, kafka, finalSources(), ctx);
    if (verdict) return done('failed', { message: verdict });
    if (ee) return done('failed', { message: `Expected test to throw ${describeExpected(ee)}` });
    if (test.post) {
      const diff = checkPostConditions(
        test.post,
        eng.sources(),
        await knownTopics(test, kafka, eng, drivers, registry),
      );
      if (diff) return done('failed', { message: diff });
    }
    return done('passed');
  } catch (err) {
    const feature = unsupportedFeature(err);
    if (feature !== undefined) return done('unsupported', { feature });
    if (err instanceof TestFailure) return done('failed', { message: err.message });
    if (ee) {
      if (phase === 'statement' && !failedAtLastStatement(err, test.statements)) {
        const which = (err as { statementText?: string }).statementText;
        return done('failed', {
          message: `Only the last statement in a negative test should fail. Yet this one failed: ${which} (${(err as Error).message})`,
        });
      }
      const mismatch = expectedMismatch(err, ee, phase);
      return mismatch ? done('failed', { message: mismatch }) : done('passed');
    }
    return done('crashed', { message: crashLine(err) });
  } finally {
    for (const c of drivers) {
      try {
        c.driver.close();
      } catch {
        // closing flushes caches; a failure there changes no verdict
      }
    }
    engine?.close?.();
  }
}

/**
 * ksqlDB fails a negative test whose error comes from any statement but the last. The engine names
 * the failed statement (`KsqlError.statementText`); when it does not, the check is not made.
 */
function failedAtLastStatement(err: unknown, statements: readonly string[]): boolean {
  const failed = (err as { statementText?: unknown }).statementText;
  if (typeof failed !== 'string' || statements.length === 0) return true;
  const norm = (t: string) => t.replace(/\s+/g, ' ').replace(/;\s*$/, '').trim().toUpperCase();
  const last = norm(statements[statements.length - 1]);
  const f = norm(failed);
  return last.includes(f) || f.includes(last);
}

function describeExpected(ee: NonNullable<QttTestCase['expectedException']>): string {
  return [ee.type && `type ${ee.type}`, ee.message !== undefined && `message containing "${ee.message}"`]
    .filter(Boolean)
    .join(' with ');
}

/**
 * Our errors are not ksqlDB's classes: `type` is matched by phase only — StreamsException must come
 * from processing a record, the KSQL exception types (KsqlStatementException, KsqlException,
 * ParseFailedException, …) from a statement or a record — and `message` by containment, as ksqlDB.
 */
function expectedMismatch(
  err: unknown,
  ee: NonNullable<QttTestCase['expectedException']>,
  phase: string,
): string | undefined {
  const message = err instanceof Error ? err.message : String(err);
  if (ee.type?.endsWith('.StreamsException') && phase !== 'processing') {
    return `Expected ${describeExpected(ee)} while processing records, but a statement failed: ${message}`;
  }
  if (ee.message !== undefined && !message.includes(ee.message)) {
    return `Expected exception message containing "${ee.message}" but was: ${message}`;
  }
  if (ee.causeMessage !== undefined) {
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : '';
    if (!cause.includes(ee.causeMessage))
      return `Expected cause message containing "${ee.causeMessage}" but was: ${cause}`;
  }
  return undefined;
}

function topicFormats(s: SourceDescription): TopicFormats {
  return {
    topic: s.topic,
    keyFormat: s.keyFormat,
    valueFormat: s.valueFormat,
    keyProperties: s.keyFormatProperties,
    valueProperties: s.valueFormatProperties,
    keyColumns: s.columns.filter((c) => c.namespace === 'KEY'),
    valueColumns: s.columns.filter((c) => c.namespace === 'VALUE' && c.headerKey === undefined),
    windowType: s.windowType,
    windowSize: s.windowSize,
  };
}

function headersOf(r: QttRecord): Headers {
  return r.headers ? r.headers.map((h) => ({ key: h.key, value: h.value })) : NO_HEADERS;
}

/** Creates topics and registers the test's schemas; returns an unsupported feature, if any. */
async function initializeTopics(
  test: QttTestCase,
  kafka: StubKafka,
  registry: SchemaRegistry,
): Promise<string | undefined> {
  for (const t of test.topics) {
    kafka.ensure(t.name, t.partitions, t.replicas);
    for (const [isKey, schema, format, id, refs] of [
      [true, t.keySchema, t.keyFormat, t.keySchemaId, t.keySchemaReferences ?? []],
      [false, t.valueSchema, t.valueFormat, t.valueSchemaId, t.valueSchemaReferences ?? []],
    ] as const) {
      if (schema === undefined) continue;
      const fmt = (format ?? 'AVRO').toUpperCase();
      const schemaType = fmt === 'PROTOBUF' ? 'PROTOBUF' : fmt === 'AVRO' ? 'AVRO' : 'JSON';
      // Only PROTOBUF resolves references (its imports); the other formats' serdes cannot.
      if (refs.length > 0 && schemaType !== 'PROTOBUF') return 'schema references in test topics';
      // Each reference is registered under its name and referenced at version 1, as ksqlDB's
      // runner does: before a schema with a fixed id, after one that takes the next free id.
      const registerReferences = async () => {
        for (const ref of refs) await registry.register(ref.name, { schemaType, schema: ref.schema });
      };
      const references = refs.map((r) => ({ name: r.name, subject: r.name, version: 1 }));
      // PROTOBUF schemas are given as text; AVRO and JSON ones as JSON (`"int"` is the schema "int")
      const text = schemaType === 'PROTOBUF' && typeof schema === 'string' ? schema : stringifyJson(schema);
      const registered: RegisteredSchema =
        references.length > 0 ? { schemaType, schema: text, references } : { schemaType, schema: text };
      const subject = `${t.name}-${isKey ? 'key' : 'value'}`;
      if (id !== undefined) {
        if (!canRegisterWithId(registry)) return 'schema ids in test topics';
        await registerReferences();
        await registry.registerWithId(subject, registered, id);
      } else {
        await registry.register(subject, registered);
        await registerReferences();
      }
    }
  }
  // CREATE STREAM/TABLE statements with columns: ksqlDB creates their topics up front.
  for (const s of test.statements) {
    const created = createdTopic(s);
    if (created) kafka.ensure(created.topic, created.partitions ?? 1, created.replicas ?? 1);
  }
  for (const r of [...test.inputs, ...test.outputs]) kafka.ensure(r.topic);
  return undefined;
}

const CREATE_WITH_COLUMNS =
  /^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:SOURCE\s+)?(?:STREAM|TABLE)\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:`[^`]+`|"[^"]+"|[\w.]+)\s*\(/i;

/** The topic a CREATE STREAM/TABLE (not AS SELECT) with columns names, with its PARTITIONS/REPLICAS. */
export function createdTopic(
  statement: string,
): { topic: string; partitions?: number; replicas?: number } | undefined {
  if (!CREATE_WITH_COLUMNS.test(statement) || /\bAS\s+SELECT\b/i.test(statement)) return undefined;
  const topic = /KAFKA_TOPIC\s*=\s*'((?:[^']|'')*)'/i.exec(statement)?.[1]?.replaceAll("''", "'");
  if (!topic) return undefined;
  const num = (p: string) => {
    const m = new RegExp(`\\b${p}\\s*=\\s*'?(\\d+)'?`, 'i').exec(statement);
    return m ? Number(m[1]) : undefined;
  };
  return { topic, partitions: num('PARTITIONS'), replicas: num('REPLICAS') };
}

/**
 * Schema-registry formats need a schema under the topic's subject before test data can be
 * written; when the test gave none, the one the formats derive from the source's columns is
 * registered (ksqlDB registers the schema of each CREATE statement before running it).
 */
async function ensureSchemas(info: TopicFormats, registry: SchemaRegistry, formats: Formats): Promise<void> {
  const needs = (f: string) => f === 'AVRO' || f === 'JSON_SR' || f === 'PROTOBUF';
  for (const isKey of [true, false]) {
    const format = (isKey ? info.keyFormat : info.valueFormat).toUpperCase();
    const columns = isKey ? info.keyColumns : info.valueColumns;
    if (!needs(format) || columns.length === 0) continue;
    const subject = `${info.topic}-${isKey ? 'key' : 'value'}`;
    if (await registry.latest(subject)) continue;
    const fi: FormatInfo = { name: format as FormatName, properties: {} };
    const ctx = { topic: info.topic, registerSchema: true };
    if (isKey) await formats.keySerde(fi, columns, ctx);
    else await formats.valueSerde(fi, columns, ctx);
  }
}

/** A driver as ksqlDB's runner makes one: the query's streams config, wall clock at the epoch, no cache unless set. */
function newDriver(query: PersistentQuery, engine: QttEngine): TopologyTestDriver {
  const p = query.properties;
  const cache = p['cache.max.bytes.buffering'] ?? p['ksql.streams.cache.max.bytes.buffering'] ?? '0';
  return new TopologyTestDriver(query.topology, {
    cacheMaxBytes: Number(cache),
    ...engine.streamsConfig?.(query),
    applicationId: query.applicationId,
    initialWallClockTimeMs: 0,
  });
}

/**
 * Pipes one record into a driver and moves what it wrote into the stub Kafka. Writer schemas the
 * record's payloads need (Schema Registry formats) are fetched first, as a host does per batch.
 */
async function pipe(
  c: DriverContainer,
  rec: StoredRecord,
  kafka: StubKafka,
  readAllTopics: boolean,
): Promise<void> {
  if (c.query.prefetch) {
    await c.query.prefetch(rec.topic, 'key', [rec.key]);
    await c.query.prefetch(rec.topic, 'value', [rec.value]);
  }
  c.driver.pipeSerialized(rec.topic, rec.key, rec.value, rec.timestamp, rec.headers);
  const topics = readAllTopics ? new Set([c.query.sinkTopic, ...kafka.topicNames()]) : [c.query.sinkTopic];
  for (const topic of topics) {
    for (const out of c.driver.createOutputTopic<Buffer, Buffer>(topic).readRecordsToList()) {
      kafka.append({
        topic,
        key: out.key,
        value: out.value,
        timestamp: out.timestamp,
        headers: out.headers ?? NO_HEADERS,
      });
    }
  }
}

interface Decoded {
  readonly key: SpecValue;
  readonly window?: QttWindow;
  readonly value: SpecValue;
  readonly timestamp: number;
  readonly headers: Headers;
}

async function verifyOutputs(
  test: QttTestCase,
  kafka: StubKafka,
  infos: Map<string, TopicFormats>,
  ctx: SpecContext,
): Promise<string | undefined> {
  const byTopic = new Map<string, QttRecord[]>();
  for (const r of test.outputs) {
    const list = byTopic.get(r.topic) ?? [];
    list.push(r);
    byTopic.set(r.topic, list);
  }
  const ranWithInsertStatements = test.inputs.length === 0;
  for (const [topic, expected] of byTopic) {
    const info = infos.get(topic);
    if (!info) return `No information found for topic: ${topic}`;
    const actual: Decoded[] = [];
    for (const rec of kafka.read(topic)) {
      let k: Awaited<ReturnType<typeof deserializeSpec>>;
      let v: Awaited<ReturnType<typeof deserializeSpec>>;
      try {
        k = await deserializeSpec(ctx, info, true, rec.key);
      } catch (err) {
        if (err instanceof UnsupportedTestFormat) throw err;
        return `Topic '${topic}': failed to deserialize key: ${(err as Error).message} (bytes ${rec.key?.toString('hex')})`;
      }
      try {
        v = await deserializeSpec(ctx, { ...info, windowType: undefined }, false, rec.value);
      } catch (err) {
        if (err instanceof UnsupportedTestFormat) throw err;
        return `Topic '${topic}': failed to deserialize value: ${(err as Error).message} (bytes ${rec.value?.toString('hex')})`;
      }
      actual.push({
        key: k.key,
        window: k.window,
        value: v.key,
        timestamp: rec.timestamp,
        headers: rec.headers,
      });
    }
    if (actual.length !== expected.length) {
      return `Topic ${topic}. Expected <${expected.length}> records but it was <${actual.length}>\nActual records:\n${actual
        .map(renderActual)
        .join('\n')}`;
    }
    for (let i = 0; i < expected.length; i++) {
      const e = expected[i];
      const a = actual[i];
      const expectedTs = e.timestamp ?? a.timestamp;
      const keyOk = e.window
        ? a.window !== undefined &&
          a.window.start === e.window.start &&
          a.window.end === e.window.end &&
          a.window.type === e.window.type &&
          specMatches(a.key, e.key)
        : a.window === undefined && specMatches(a.key, e.key);
      const headersOk = headersMatch(a.headers, e.headers ?? []);
      const tsOk = a.timestamp === expectedTs || (ranWithInsertStatements && expectedTs === 0);
      if (!keyOk || !specMatches(a.value, e.value) || !headersOk || !tsOk) {
        return `Topic '${topic}', message ${i}: Expected <${renderExpectedKey(e)}, ${stringifyJson(e.value)}> with timestamp=${expectedTs} and headers=[${renderHeaders(
          e.headers ?? [],
        )}] but was ${renderActual(a)}`;
      }
    }
  }
  return undefined;
}

function headersMatch(actual: Headers, expected: readonly { key: string; value: Buffer | null }[]): boolean {
  return (
    actual.length === expected.length &&
    actual.every((h, i) => {
      const e = expected[i];
      if (h.key !== e.key) return false;
      if (h.value === null || e.value === null) return h.value === e.value;
      return h.value.equals(e.value);
    })
  );
}

function renderHeaders(h: readonly { key: string; value: Buffer | null }[]): string {
  return h
    .map((x) => `{KEY=${x.key},VALUE=${x.value === null ? 'null' : x.value.toString('base64')}}`)
    .join(', ');
}

function renderWindow(w: QttWindow): string {
  return `[${w.type} ${w.start}..${w.end}]`;
}

function renderExpectedKey(e: QttRecord): string {
  return e.window ? `${stringifyJson(e.key)}${renderWindow(e.window)}` : stringifyJson(e.key);
}

function renderActual(a: Decoded): string {
  const key = a.window ? `${renderSpec(a.key)}${renderWindow(a.window)}` : renderSpec(a.key);
  return `<${key}, ${renderSpec(a.value)}> with timestamp=${a.timestamp} and headers=[${renderHeaders(a.headers)}]`;
}

async function knownTopics(
  test: QttTestCase,
  kafka: StubKafka,
  engine: QttEngine,
  drivers: readonly DriverContainer[],
  registry: SchemaRegistry,
): Promise<KnownTopic[]> {
  const sources = engine.sources();
  const declared = new Map(test.topics.map((t) => [t.name, t]));
  const out: KnownTopic[] = [];
  const seen = new Set<string>();
  for (const name of kafka.topicNames()) {
    seen.add(name);
    const s = sources.find((x) => x.topic === name);
    out.push({
      name,
      partitions: kafka.partitionsOf(name),
      keyFormat: s?.keyFormat,
      valueFormat: s?.valueFormat,
      keyFeatures: s?.keyFeatures,
      valueFeatures: s?.valueFeatures,
      keySchema: (await registry.latest(`${name}-key`))?.schema,
      valueSchema: (await registry.latest(`${name}-value`))?.schema,
      keySchemaId: declared.get(name)?.keySchemaId,
      valueSchemaId: declared.get(name)?.valueSchemaId,
    });
  }
  for (const c of drivers) {
    for (const t of c.query.topology.internalTopics(c.query.applicationId)) {
      if (seen.has(t.name)) continue;
      seen.add(t.name);
      out.push({ name: t.name, partitions: t.partitions });
    }
  }
  return out;
}
