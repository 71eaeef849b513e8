import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker, startSchemaRegistry } from '@meterstream/broker';
import { KafkaQueryRuntime, startKsqlRestServer, startKsqlService } from '@meterstream/ksql-server';
import type { UserCredential } from '@meterstream/security';
import { testLogger } from '@meterstream/test-support';

export interface KsqlStack {
  /** The REST server's base URL, what `meterstream ksql` connects to. */
  readonly url: string;
  /** A directory of the test's own (removed by close). */
  readonly dir: string;
  close(): Promise<void>;
}

/**
 * Broker, Schema Registry, KSQL service and REST server in this process on free ports, for the
 * `meterstream ksql` tests; `properties` are the service's ksql.* settings.
 */
export async function startKsqlStack(
  name: string,
  properties: Record<string, string> = {},
  users?: UserCredential[],
): Promise<KsqlStack> {
  const dir = mkdtempSync(join(tmpdir(), `ms-${name}-`));
  const logger = testLogger();
  const broker = await startBroker({ port: 0, dataDir: join(dir, 'kafka'), logger });
  const registry = await startSchemaRegistry({ port: 0, dataDir: join(dir, 'registry'), logger });
  const runtime = new KafkaQueryRuntime({
    brokers: [broker.bootstrap],
    stateDir: join(dir, 'state'),
    logger,
  });
  const service = await startKsqlService({
    brokers: [broker.bootstrap],
    schemaRegistry: registry.url,
    runtime,
    logger,
    properties,
  });
  const rest = await startKsqlRestServer(service, { port: 0, logger, users });
  return {
    url: rest.url,
    dir,
    async close() {
      await rest.close();
      await service.close();
      await registry.close();
      await broker.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
