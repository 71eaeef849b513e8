import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { type MeterstreamConfig, loadConfig } from '@meterstream/common';
import { Kafka, type KafkaMessage, logLevel } from 'kafkajs';
import { PROJECT_ROOT, testLogger } from '@meterstream/test-support';

const BROKER_MAIN = resolve(PROJECT_ROOT, 'modules/broker/dist/main.js');

/**
 * The embedded broker with its Schema Registry, in its own process (built dist/, as the root test
 * command builds before running vitest) on free ports with temp data, plus a config pointing at
 * them. Its own process: the 1M-message test is CPU-bound on both sides, and two processes use the
 * two cores.
 */
export async function startStack() {
  if (!existsSync(BROKER_MAIN))
    throw new Error(`${BROKER_MAIN} missing: run npx tsc -b modules/broker first`);
  const dataDir = mkdtempSync(join(tmpdir(), 'replay-e2e-'));
  const logger = testLogger('replay-test');
  const child = spawn(
    process.execPath,
    [BROKER_MAIN, '--port', '0', '--data-dir', dataDir, '--fsync', 'write', '--schema-registry-port', '0'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let ready: { port: number; schemaRegistryPort: number } | undefined;
  for await (const line of createInterface({ input: child.stdout! })) {
    const event = JSON.parse(line) as { event: string; port: number; schemaRegistryPort: number };
    if (event.event === 'listening') {
      ready = event;
      break;
    }
  }
  if (!ready) throw new Error('the broker process exited before listening');
  const bootstrap = `127.0.0.1:${ready.port}`;
  const registryUrl = `http://127.0.0.1:${ready.schemaRegistryPort}`;
  const config: MeterstreamConfig = loadConfig(
    { 'kafka-brokers': bootstrap, 'schema-registry-url': registryUrl, 'log-level': 'silent' },
    {},
  );
  return {
    bootstrap,
    registryUrl,
    config,
    logger,
    kafka: new Kafka({ brokers: [bootstrap], clientId: 'replay-test', logLevel: logLevel.NOTHING }),
    async close() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Reads `count` messages of `topic` from the beginning with a kafkajs consumer group, handing each
 * to `onMessage` in partition order. Resolves when `count` were seen; rejects after `timeoutMs`.
 */
export async function consumeAll(
  kafka: Kafka,
  topic: string,
  count: number,
  onMessage: (message: KafkaMessage, partition: number) => void,
  timeoutMs = 90_000,
): Promise<number> {
  const consumer = kafka.consumer({
    groupId: `replay-test-${topic}-${Date.now()}`,
    maxBytes: 64 * 1024 * 1024,
    maxBytesPerPartition: 16 * 1024 * 1024,
    sessionTimeout: 30_000,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`only ${seen} of ${count} messages of ${topic} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            for (const message of batch.messages) {
              onMessage(message, batch.partition);
              seen++;
            }
            if (seen >= count) {
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
  return seen;
}
