// Runs ksqlDB's rest-query-validation-tests files against our ksqlDB-compatible server over HTTP:
// for each case a fresh embedded broker, Schema Registry, service and REST server on 127.0.0.1
// free ports (topic names repeat across cases), then the case (runRestCase). Writes a JSON summary.
//
//   node scripts/conformance/ksql-rest-run.mjs --summary-file OUT.json FILE.json…
//
// An error escaping a case — thrown, an unhandled rejection while it runs, or its time running out
// — counts it as crashed; the run goes on with the next case.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { startBroker, startSchemaRegistry } from '@meterstream/broker';
import { HttpSchemaRegistry, QttSchemaRegistry } from '@meterstream/ksql';
import {
  KafkaQueryRuntime,
  loadRestTestFile,
  runRestCase,
  startKsqlRestServer,
  startKsqlService,
} from '@meterstream/ksql-server';
import { Kafka, logLevel } from 'kafkajs';
import { pino } from 'pino';

/**
 * `embedded` (default): the project's Schema Registry over HTTP, as `meterstream up` runs it.
 * `memory`: one in-process registry shared by server and runner that takes every schema type and
 * fixed ids (ksqlDB's runner uses such a mock) — to measure the server apart from the registry.
 */
const REGISTRY = process.env.KSQL_REST_REGISTRY ?? 'embedded';
if (REGISTRY !== 'embedded' && REGISTRY !== 'memory') {
  console.error(`KSQL_REST_REGISTRY=${REGISTRY}: expected embedded or memory`);
  process.exit(2);
}
const CASE_TIMEOUT_MS = Number(process.env.KSQL_REST_CASE_TIMEOUT_MS ?? 120_000);
/** Bound on one HTTP request: a push query without LIMIT never ends by itself. */
const REQUEST_TIMEOUT_MS = Number(process.env.KSQL_REST_REQUEST_TIMEOUT_MS ?? 30_000);
/**
 * The settings of ksqlDB's test server (TestKsqlRestApp, RestQueryTranslationTest) that change
 * answers: table scans, header columns, no record cache (every intermediate result is emitted),
 * queries reading from the earliest offset.
 */
const SERVER_PROPERTIES = {
  'ksql.query.pull.table.scan.enabled': 'true',
  'ksql.headers.columns.enabled': 'true',
  'ksql.streams.cache.max.bytes.buffering': '0',
  'ksql.streams.auto.offset.reset': 'earliest',
  // ksqlDB's runner uses 2 s under exactly-once; at-least-once with a short interval lets the
  // runner see the queries' committed offsets reach the inputs sooner.
  'ksql.streams.commit.interval.ms': '100',
};

const args = process.argv.slice(2);
let summaryFile;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--summary-file') summaryFile = args[++i];
  else files.push(args[i]);
}
if (!summaryFile || files.length === 0) {
  console.error('usage: ksql-rest-run.mjs --summary-file OUT.json FILE.json…');
  process.exit(2);
}

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const silent = pino({ level: process.env.KSQL_REST_LOG_LEVEL ?? 'silent' });
let escaped = [];
process.on('uncaughtException', (err) => escaped.push(err));
process.on('unhandledRejection', (err) => escaped.push(err));

async function startStack() {
  const dir = mkdtempSync(join(tmpdir(), 'ksql-rest-conformance-'));
  const closers = [() => rmSync(dir, { recursive: true, force: true })];
  const stack = { closers };
  try {
    const broker = await startBroker({ port: 0, dataDir: join(dir, 'broker'), logger: silent });
    closers.unshift(() => broker.close());
    let registry;
    let registryUrl;
    if (REGISTRY === 'memory') {
      registry = new QttSchemaRegistry();
    } else {
      const server = await startSchemaRegistry({ port: 0, dataDir: join(dir, 'registry'), logger: silent });
      closers.unshift(() => server.close());
      registryUrl = server.url;
      registry = new HttpSchemaRegistry(server.url);
    }
    const kafka = new Kafka({
      brokers: [broker.bootstrap],
      clientId: 'rest-conformance',
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    closers.unshift(() => admin.disconnect());
    const runtime = new KafkaQueryRuntime({
      brokers: [broker.bootstrap],
      serviceId: 'default_',
      properties: SERVER_PROPERTIES,
      stateDir: join(dir, 'state'),
      logger: silent,
    });
    const service = await startKsqlService({
      brokers: [broker.bootstrap],
      schemaRegistry: registryUrl ?? registry,
      properties: SERVER_PROPERTIES,
      runtime,
      logger: silent,
    });
    closers.unshift(() => service.close());
    const rest = await startKsqlRestServer(service, { port: 0, logger: silent });
    closers.unshift(() => rest.close());
    return {
      ...stack,
      target: { serverUrl: rest.url, kafka, admin, registry, requestTimeoutMs: REQUEST_TIMEOUT_MS },
    };
  } catch (err) {
    await closeStack(stack);
    throw err;
  }
}

async function closeStack(stack) {
  for (const close of stack.closers) {
    try {
      await close();
    } catch (err) {
      escaped.push(err);
    }
  }
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    }),
  ]);
}

async function runCase(test) {
  const started = performance.now();
  escaped = [];
  let stack;
  let result;
  try {
    stack = await withTimeout(startStack(), 60_000, 'starting the stack');
    result = await withTimeout(runRestCase(test, stack.target), CASE_TIMEOUT_MS, 'the case');
  } catch (err) {
    result = { file: test.file, name: test.name, status: 'crashed', message: `${err.name}: ${err.message}` };
  }
  if (stack)
    await withTimeout(closeStack(stack), 30_000, 'closing the stack').catch((err) => escaped.push(err));
  if (escaped.length > 0 && result.status !== 'crashed') {
    const e = escaped[0];
    result = { ...result, status: 'crashed', message: `escaped: ${e?.name}: ${e?.message ?? e}` };
  }
  return { ...result, durationMs: Math.round(performance.now() - started) };
}

const summary = { registry: REGISTRY, files: [], totals: { passed: 0, failed: 0, crashed: 0 }, results: [] };
for (const file of files) {
  const counts = { passed: 0, failed: 0, crashed: 0 };
  let loaded;
  try {
    loaded = loadRestTestFile(file);
  } catch (err) {
    // An unreadable file is one crashed entry: its cases cannot be counted.
    counts.crashed++;
    summary.results.push({
      file,
      name: basename(file),
      status: 'crashed',
      message: `unreadable: ${err.message}`,
    });
    summary.files.push({ file: basename(file, '.json'), counts, disabled: 0 });
    for (const k of Object.keys(counts)) summary.totals[k] += counts[k];
    continue;
  }
  for (const bad of loaded.invalid) {
    counts.failed++;
    summary.results.push({ file, name: bad.name, status: 'failed', message: `Invalid test: ${bad.message}` });
  }
  for (const test of loaded.cases) {
    const r = await runCase(test);
    counts[r.status]++;
    summary.results.push(r);
    process.stderr.write(
      `${r.status.padEnd(7)} ${r.name} (${r.durationMs} ms)${r.message ? `: ${r.message.slice(0, 300)}` : ''}\n`,
    );
  }
  for (const k of Object.keys(counts)) summary.totals[k] += counts[k];
  summary.files.push({ file: basename(file, '.json'), counts, disabled: loaded.disabled });
  writeFileSync(summaryFile, JSON.stringify(summary, null, 2));
}
writeFileSync(summaryFile, JSON.stringify(summary, null, 2));
process.exit(0);
