/**
 * POST /inserts-stream throughput (issue #18): one HTTP/2 request writing N rows into a JSON stream,
 * as fast as the client can send them; rows/s from the request's start to the last ack. The
 * broker with its Schema Registry, the service and the REST server run in this process (the
 * figure is the server's insert path, not a deployment's). The machine's load shows in the
 * figures: run it on a quiet machine for numbers to quote.
 *
 *   node --import tsx bench/ksql-inserts-stream.ts [rows=5000] [runs=3]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http2 from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker, startSchemaRegistry } from '../modules/broker/src/index.js';
import { startKsqlRestServer } from '../modules/ksql-server/src/rest/rest-server.js';
import { KafkaQueryRuntime } from '../modules/ksql-server/src/runtime/kafka-query-runtime.js';
import { startKsqlService } from '../modules/ksql-server/src/service/ksql-service-impl.js';
import { pino } from 'pino';

const ROWS = Number(process.argv[2] ?? 5000);
const RUNS = Number(process.argv[3] ?? 3);
const logger = pino({ level: 'silent' });

/** Sends ROWS rows in one request; resolves with the acks counted and the elapsed ms. */
function insertAll(url: string, stream: string, rows: number): Promise<{ acks: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(url);
    session.on('error', reject);
    const started = performance.now();
    const req = session.request({
      ':method': 'POST',
      ':path': '/inserts-stream',
      'content-type': 'application/vnd.ksqlapi.delimited.v1',
    });
    let acks = 0;
    let pending = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      pending += chunk;
      let nl = pending.indexOf('\n');
      while (nl >= 0) {
        const line = JSON.parse(pending.slice(0, nl)) as { status: string; message?: string };
        if (line.status !== 'ok') reject(new Error(`insert failed: ${line.message}`));
        acks++;
        pending = pending.slice(nl + 1);
        nl = pending.indexOf('\n');
      }
    });
    req.on('end', () => {
      const ms = performance.now() - started;
      session.close();
      resolve({ acks, ms });
    });
    req.on('error', reject);
    req.write(`${JSON.stringify({ target: stream })}\n`);
    for (let i = 0; i < rows; i++)
      req.write(`${JSON.stringify({ ID: `k${i % 100}`, GATEWAY: `g${i % 7}`, V: i / 10 })}\n`);
    req.end();
  });
}

const dir = mkdtempSync(join(tmpdir(), 'bench-inserts-'));
const broker = await startBroker({ port: 0, dataDir: join(dir, 'kafka'), logger });
const registry = await startSchemaRegistry({ port: 0, dataDir: join(dir, 'registry'), logger });
const runtime = new KafkaQueryRuntime({ brokers: [broker.bootstrap], logger });
const service = await startKsqlService({
  brokers: [broker.bootstrap],
  schemaRegistry: registry.url,
  runtime,
  logger,
  properties: { 'ksql.logging.processing.stream.auto.create': 'false' },
});
const rest = await startKsqlRestServer(service, { port: 0, logger });
try {
  await service.execute(
    "CREATE STREAM READINGS (ID STRING KEY, GATEWAY STRING, V DOUBLE) WITH (kafka_topic='readings', partitions=3, value_format='JSON');",
    {},
  );
  for (let run = 1; run <= RUNS; run++) {
    const { acks, ms } = await insertAll(rest.url, 'READINGS', ROWS);
    console.log(
      `run ${run}: ${acks} rows acknowledged in ${ms.toFixed(0)} ms = ${((acks / ms) * 1000).toFixed(0)} rows/s`,
    );
  }
} finally {
  await rest.close();
  await service.close();
  await registry.close();
  await broker.close();
  rmSync(dir, { recursive: true, force: true });
}
