import {
  createKsqlBackend,
  ensureSchemas,
  type SchemaRegistry,
  type QttEngine,
  type QttTestCase,
  QTT_SERVICE_ID,
  type SpecContext,
  serializeSpec,
  StubKafka,
  type TopicFormats,
  topicFormats,
  verifyOutputs,
} from '@meterstream/ksql';
import type { Admin, Kafka } from 'kafkajs';
import { postStatements, type RestAnswer } from './rest-calls.js';
import { type ActualResponse, matchExpectedError, matchResponses } from './response-matcher.js';
import type { RestTestCase } from './rest-test-case.js';
import {
  headersOf,
  initializeTopics,
  produceRecords,
  propertyValue,
  readOutputs,
  waitForQueriesToProcessInputs,
} from './test-topics.js';

export type RestStatus = 'passed' | 'failed' | 'crashed';

export interface RestTestResult {
  readonly file: string;
  readonly name: string;
  readonly status: RestStatus;
  /** failed: the first difference; crashed: the error. */
  readonly message?: string;
  readonly durationMs: number;
}

/** Where the case runs: a ksqlDB-compatible server and the Kafka cluster and registry it uses. */
export interface RestTestTarget {
  readonly serverUrl: string;
  readonly kafka: Kafka;
  readonly admin: Admin;
  /** The Schema Registry the server uses (the runner registers test schemas and writes test data with it). */
  readonly registry: SchemaRegistry;
  /** Bound on one HTTP request (default 30 s). */
  readonly requestTimeoutMs?: number;
  /** Bound on the wait for queries to process the inputs, and for outputs (default 20 s). */
  readonly processingTimeoutMs?: number;
}

/** The case's verdict, thrown to end it. */
class CaseFailure extends Error {}

/**
 * Runs one case against a live server, as ksqlDB's RestTestExecutor does:
 *  1. topics created, their given schemas registered;
 *  2. the statements before the first `SELECT ` sent as one /ksql request — an error there ends
 *     the case, judged by `expectedError`;
 *  3. inputs produced (serialized by the formats of the topic's source, as the engine sees it);
 *     when a query response is expected, the persistent queries are given time to process them;
 *  4. each query sent to /query; an error is judged by `expectedError`;
 *  5. outputs read from their topics and compared; responses matched (response-matcher.ts).
 * Stricter than ksqlDB in one point: a case expecting an error fails when none came.
 * The target should be fresh for each case (topic names repeat across cases).
 */
export async function runRestCase(test: RestTestCase, target: RestTestTarget): Promise<RestTestResult> {
  const started = performance.now();
  const done = (status: RestStatus, message?: string): RestTestResult => ({
    file: test.file,
    name: test.name,
    status,
    ...(message !== undefined ? { message } : {}),
    durationMs: Math.round(performance.now() - started),
  });
  let shadow: QttEngine | undefined;
  try {
    const verdict = await execute(test, target, (e) => {
      shadow = e;
    });
    return done(verdict === undefined ? 'passed' : 'failed', verdict);
  } catch (err) {
    if (err instanceof CaseFailure) return done('failed', err.message);
    return done('crashed', crashLine(err));
  } finally {
    shadow?.close?.();
  }
}

async function execute(
  test: RestTestCase,
  target: RestTestTarget,
  keepShadow: (e: QttEngine) => void,
): Promise<string | undefined> {
  const requestTimeout = target.requestTimeoutMs ?? 30_000;
  const processingTimeout = target.processingTimeoutMs ?? 20_000;
  const expectedCount = test.responses.filter((r) => r.type !== 'queryProto').length;
  if (test.statements.length < expectedCount) {
    throw new CaseFailure(
      `Invalid test case: more expected responses (${expectedCount}) than statements (${test.statements.length})`,
    );
  }
  const { admin, queries } = splitStatements(test.statements);
  const properties = Object.fromEntries(
    Object.entries(test.properties).map(([k, v]) => [k, propertyValue(v)]),
  );
  const lastStatement = test.statements[test.statements.length - 1].trim();
  const judgeError = (answer: RestAnswer): string | undefined => {
    if (!test.expectedError) {
      throw new CaseFailure(
        `Server failed to execute statement: HTTP ${answer.status} ${JSON.stringify(answer.body)}`,
      );
    }
    return matchExpectedError(answer, test.expectedError, lastStatement);
  };

  // The registry refusing a test's schema (a format or feature it lacks) is the case's verdict.
  await initializeTopics(test, target.admin, target.registry).catch((err: Error) => {
    throw new CaseFailure(`Test setup failed: ${err.message}`);
  });

  // 2. admin statements
  const responses: ActualResponse[] = [];
  if (admin.length > 0) {
    const answer = await postStatements(
      target.serverUrl,
      '/ksql',
      admin.join('\n'),
      properties,
      requestTimeout,
    );
    if (answer.status !== 200) return judgeError(answer);
    if (!Array.isArray(answer.body)) throw new CaseFailure(`/ksql answered ${JSON.stringify(answer.body)}`);
    for (const entity of answer.body) responses.push({ kind: 'admin', entity });
  }

  // 3. inputs, serialized by the formats of the sources over their topics
  const registry = target.registry;
  const ctx: SpecContext = {
    registry,
    exactNumbers: String(test.properties['use.exact.numeric.comparison'] ?? 'true') !== 'false',
  };
  let infos = new Map<string, TopicFormats>();
  let shadow: QttEngine | undefined;
  if (test.inputs.length > 0 || test.outputs.length > 0) {
    const metadata = await target.admin.fetchTopicMetadata({ topics: await target.admin.listTopics() });
    const existing = new Map(metadata.topics.map((t) => [t.name, t.partitions.length]));
    shadow = await shadowEngine(test, admin, registry, properties, existing);
    keepShadow(shadow);
    infos = new Map(shadow.sources().map((s) => [s.topic, topicFormats(s)]));
  }
  const produceInputs = async () => {
    const records = [];
    for (const [i, r] of test.inputs.entries()) {
      const info = infos.get(r.topic);
      if (!info || !shadow) throw new CaseFailure(`No information found for topic: ${r.topic} (input ${i})`);
      await ensureSchemas(info, registry, shadow.formats);
      const key = await serializeSpec(ctx, info, true, r.key, r.window);
      const value = await serializeSpec(ctx, info, false, r.value);
      records.push({ topic: r.topic, key, value, timestamp: r.timestamp ?? 0, headers: headersOf(r) });
    }
    await produceRecords(target.kafka, records);
  };
  if (!test.inputsAfterPushQuery) await produceInputs();
  if (!test.expectedError && test.responses.length > admin.length) {
    await waitForQueriesToProcessInputs(target.admin, processingTimeout);
  }
  await new Promise((r) => setTimeout(r, 100));

  // 4. queries
  let queryAnswers = 0;
  for (const [i, sql] of queries.entries()) {
    const afterHeader = test.inputsAfterPushQuery && i === 0 ? produceInputs : undefined;
    const answer = await postStatements(
      target.serverUrl,
      '/query',
      sql,
      properties,
      requestTimeout,
      afterHeader,
    );
    if (answer.status !== 200) {
      const diff = judgeError(answer);
      if (diff) return diff;
      continue;
    }
    if (!Array.isArray(answer.body)) throw new CaseFailure(`/query answered ${JSON.stringify(answer.body)}`);
    responses.push({ kind: 'query', rows: answer.body });
    queryAnswers++;
  }
  if (test.expectedError) {
    if (queryAnswers > 0) return 'Expected last statement to return an error';
    if (queries.length === 0)
      return 'Expected last statement to return an error, but every statement succeeded';
    return undefined;
  }

  // 5. outputs and responses
  if (test.outputs.length > 0) {
    const counts = new Map<string, number>();
    for (const r of test.outputs) counts.set(r.topic, (counts.get(r.topic) ?? 0) + 1);
    const stub = await readOutputs(target.kafka, counts, processingTimeout);
    const diff = await verifyOutputs(asQttCase(test), stub, infos, ctx);
    if (diff) return diff;
  }
  return matchResponses(responses, test.responses, test.statements, test.verifyOrder);
}

/** Statements up to the first `SELECT ` are admin statements; every one after must be a query. */
export function splitStatements(statements: readonly string[]): { admin: string[]; queries: string[] } {
  const first = statements.findIndex((s) => s.startsWith('SELECT '));
  if (first < 0) return { admin: [...statements], queries: [] };
  const queries = statements.slice(first);
  const stray = queries.findIndex((s) => !s.startsWith('SELECT '));
  if (stray >= 0) {
    throw new CaseFailure(
      `Invalid test case: statement ${first + stray} follows queries, but is not a query. All queries should be at the end of the statement list`,
    );
  }
  return { admin: statements.slice(0, first), queries };
}

/**
 * The sources the admin statements create, as an engine sees them: the runner's own engine runs
 * them over a stub Kafka and the shared registry (as ksqlDB's runner reads its engine's
 * metastore), so test data is written with the formats and columns of each topic's source.
 */
async function shadowEngine(
  test: RestTestCase,
  admin: readonly string[],
  registry: SchemaRegistry,
  properties: Readonly<Record<string, unknown>>,
  existingTopics: ReadonlyMap<string, number>,
): Promise<QttEngine> {
  const stub = new StubKafka();
  // Every topic the cluster has now, with its partitions: those the runner created and those the
  // server's statements did (partition counts decide whether a join is allowed).
  for (const [topic, partitions] of existingTopics) stub.ensure(topic, partitions);
  for (const t of test.topics) stub.ensure(t.name, t.partitions);
  for (const r of [...test.inputs, ...test.outputs]) stub.ensure(r.topic);
  const backend = await createKsqlBackend();
  const engine = await backend.createEngine({
    serviceId: QTT_SERVICE_ID,
    topics: stub,
    schemaRegistry: registry,
    writer: stub,
    properties: Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, String(v)])),
  });
  try {
    await engine.executeScript(admin.join('\n'), () => {});
  } catch (err) {
    throw new CaseFailure(
      `The runner's engine could not read the statements' sources: ${(err as Error).message}`,
    );
  }
  return engine;
}

function asQttCase(test: RestTestCase): QttTestCase {
  return {
    file: test.file,
    name: test.name,
    simpleName: test.name,
    statements: test.statements,
    properties: {},
    topics: test.topics,
    inputs: test.inputs,
    outputs: test.outputs,
  };
}

function crashLine(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const frame = err.stack
    ?.split('\n')
    .find((l) => l.trim().startsWith('at '))
    ?.trim();
  return `${err.name}: ${err.message.split('\n')[0]}${frame ? ` (${frame})` : ''}`;
}
