import { testLogger } from '@meterstream/test-support';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { type BrokerOptions, type RunningBroker, startBroker } from '../../src/index.js';

export interface TestBroker extends RunningBroker {
  dataDir: string;
}

/** A broker on a free port with a fresh temp data dir (removed on close unless keepData). */
export async function startTestBroker(
  options: Partial<BrokerOptions> & { keepData?: boolean } = {},
): Promise<TestBroker> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'meterstream-broker-'));
  const running = await startBroker({
    port: 0,
    logger: testLogger('broker'),
    ...options,
    dataDir,
  });
  return {
    ...running,
    dataDir,
    async close() {
      await running.close();
      if (!options.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function kafkaClient(bootstrap: string, clientId = 'test'): Kafka {
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
  return new Kafka({ brokers: [bootstrap], clientId, logLevel: logLevel.NOTHING, retry: { retries: 5 } });
}
