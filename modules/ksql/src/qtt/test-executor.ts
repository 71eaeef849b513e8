import { type Headers, NO_HEADERS, TopologyTestDriver } from '@meterstream/streams';
import { pino } from 'pino';
import type { PersistentQuery, SourceDescription } from '../engine/engine-api.js';
import type { SchemaRegistry } from '../format/format.js';
import { verifyOutputs } from './output-verifier.js';
import { checkPostConditions, type KnownTopic } from './post-conditions.js';
import type { QttBackend, QttEngine } from './qtt-backend.js';
import { QttSchemaRegistry } from './qtt-schema-registry.js';
import { serializeSpec, type SpecContext, type TopicFormats, UnsupportedTestFormat } from './spec-serdes.js';
import { type StoredRecord, StubKafka } from './stub-kafka.js';
import type { QttRecord, QttTestCase } from './test-model.js';
import { ensureSchemas, initializeTopics } from './topic-setup.js';

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

/** By name, as for unsupported features: the dist and src classes differ. */
function isKsqlError(err: unknown): boolean {
  return err instanceof Error && /^Ksql\w*Error$/.test(err.name);
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
    // A statement the engine refuses with a user-facing error (a KsqlError: parse, semantic or
    // type error) is a difference from ksqlDB, reported as a failure with its message; anything
    // else thrown — an internal error, a task failing on a record — is a crash.
    if (phase === 'statement' && isKsqlError(err)) {
      return done('failed', { message: `Statement refused: ${(err as Error).message}` });
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
  // ksqlDB's KsqlStatementException message ends with `\nStatement: <text>`; ours carries the
  // statement separately (KsqlError.messageWithStatement).
  const withStatement = (err as { messageWithStatement?: unknown }).messageWithStatement;
  const message =
    typeof withStatement === 'string' ? withStatement : err instanceof Error ? err.message : String(err);
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

/** The formats and columns of a source's topic, what test data is written and read with. */
export function topicFormats(s: SourceDescription): TopicFormats {
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

/**
 * Records skipped on purpose (an invalid event time, a value that does not deserialize) are what many
 * tests check; ksqlDB's runner sends them to its processing log, not the console. Errors still show.
 */
const DRIVER_LOGGER = pino({ level: 'error' });

/** A driver as ksqlDB's runner makes one: the query's streams config, wall clock at the epoch, no cache unless set. */
function newDriver(query: PersistentQuery, engine: QttEngine): TopologyTestDriver {
  const p = query.properties;
  const cache = p['cache.max.bytes.buffering'] ?? p['ksql.streams.cache.max.bytes.buffering'] ?? '0';
  return new TopologyTestDriver(query.topology, {
    cacheMaxBytes: Number(cache),
    ...engine.streamsConfig?.(query),
    applicationId: query.applicationId,
    initialWallClockTimeMs: 0,
    logger: DRIVER_LOGGER,
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
