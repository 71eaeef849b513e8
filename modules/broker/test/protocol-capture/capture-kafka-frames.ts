/**
 * Captures real Kafka request/response frames from kafkajs, librdkafka (python3-confluent-kafka)
 * and kafka-python (python3-kafka) against the embedded broker, and writes them as the fixtures of
 * test/protocol-fixtures.test.ts (test/fixtures/protocol/<client>/).
 *
 *   npx tsx modules/broker/test/protocol-capture/capture-kafka-frames.ts [client ...]
 *
 * Clients: kafkajs, librdkafka, kafka-python (default: all). A client's fixture directory is
 * replaced as a whole. The broker runs in this process on a fresh temp data directory; a recording
 * proxy (frame-proxy.ts) sits in front of it and the broker advertises the proxy's port, so the
 * clients' Metadata and FindCoordinator answers keep every connection going through the proxy.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { startBroker } from '../../src/index.js';
import { startFrameProxy } from './frame-proxy.js';
import { runKafkajsSession } from './kafkajs-session.js';
import { CLIENTS, type ClientName, sessionNames } from './session-names.js';
import { apiName, writeFixtures } from './write-fixtures.js';

const PYTHON = '/usr/bin/python3';
const here = import.meta.dirname;
const fixturesDir = resolve(here, '../fixtures/protocol');

function kafkajsVersion(): string {
  const pkgFile = createRequire(import.meta.url).resolve('kafkajs/package.json');
  return (JSON.parse(readFileSync(pkgFile, 'utf8')) as { version: string }).version;
}

/**
 * Runs a python session script (asynchronously: the broker lives in this process); resolves with
 * the client version it reports on its last stdout line, rejects when it fails.
 */
function runPython(script: string, bootstrap: string, client: ClientName): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(PYTHON, [script, bootstrap, JSON.stringify(sessionNames(client))], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`${client} session (${script}) exited ${code}: ${err}${out}`));
        return;
      }
      const last = out.trim().split('\n').pop() ?? '';
      resolvePromise(String((JSON.parse(last) as { version: unknown }).version));
    });
  });
}

async function main(): Promise<void> {
  const wanted = (process.argv.length > 2 ? process.argv.slice(2) : [...CLIENTS]) as ClientName[];
  for (const c of wanted)
    if (!CLIENTS.includes(c)) throw new Error(`unknown client ${c}; known: ${CLIENTS.join(', ')}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'meterstream-capture-'));
  const broker = await startBroker({ port: 0, dataDir, logger: pino({ level: 'silent' }) });
  const proxy = await startFrameProxy(broker.port);
  broker.broker.advertisedPort = proxy.port;
  const bootstrap = `127.0.0.1:${proxy.port}`;
  const versions: Record<string, string> = {};
  try {
    for (const client of wanted) {
      proxy.label = client;
      if (client === 'kafkajs') {
        await runKafkajsSession(bootstrap);
        versions[client] = kafkajsVersion();
      } else {
        const script = join(here, `${client}-session.py`);
        versions[client] = await runPython(script, bootstrap, client);
      }
      // let the last answers and closes pass through the proxy
      await new Promise((r) => setTimeout(r, 300));
    }
  } finally {
    await proxy.close();
    await broker.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const files = writeFixtures(fixturesDir, proxy.exchanges, versions, proxy.port);
  console.log(`${proxy.exchanges.length} exchanges captured, ${files.length} fixture files written:`);
  for (const f of files) console.log(`  ${f}`);
  // Unanswered requests: in flight when their client closed (a consumer's long-poll Fetch), Produce
  // with acks=0, or a version the broker refused by closing the connection — worth a look.
  const unanswered = proxy.exchanges.filter((e) => e.response === null);
  for (const e of unanswered)
    console.log(
      `unanswered: ${e.client} ${apiName(e.apiKey)} v${e.apiVersion} (correlation id ${e.correlationId})`,
    );
}

await main();
