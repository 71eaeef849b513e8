import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type RunningBroker,
  type SchemaRegistryServer,
  startBroker,
  startSchemaRegistry,
} from '@meterstream/broker';
import type { StatementResult } from '@meterstream/ksql';
import { testLogger } from '@meterstream/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KsqlServiceImpl, startKsqlService } from '../../src/service/ksql-service-impl.js';
import { RuntimeRecorder } from './recording-runtime.js';

const logger = testLogger();
let dir: string;
let broker: RunningBroker;
let registry: SchemaRegistryServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ms-ksql-types-'));
  broker = await startBroker({ port: 0, dataDir: join(dir, 'broker'), logger });
  registry = await startSchemaRegistry({ port: 0, dataDir: join(dir, 'registry'), logger });
});
afterAll(async () => {
  await registry?.close();
  await broker?.close();
  rmSync(dir, { recursive: true, force: true });
});

function start(): Promise<KsqlServiceImpl> {
  return startKsqlService({
    brokers: [broker.bootstrap],
    schemaRegistry: registry.url,
    serviceId: 'types_',
    properties: { 'ksql.logging.processing.stream.auto.create': 'false' },
    runtime: new RuntimeRecorder(),
    logger,
  });
}

function typeNames(result: StatementResult | undefined): string[] {
  if (result?.kind !== 'Types') throw new Error(`not a type listing: ${result?.kind}`);
  return result.types.map((t) => t.name);
}

describe('custom types through the command topic', () => {
  it('a restarted server replays CREATE TYPE and DROP TYPE: SHOW TYPES and the streams using them are back', async () => {
    const first = await start();
    const out = await first.execute(
      `CREATE TYPE ADDRESS AS STRUCT<CITY STRING>;
       CREATE TYPE GONE AS STRUCT<X INT>;
       CREATE STREAM HOMES (ID INT KEY, HOME ADDRESS) WITH (KAFKA_TOPIC='homes', PARTITIONS=1, VALUE_FORMAT='JSON');
       DROP TYPE GONE;`,
      {},
    );
    expect(out.map((e) => e.command?.commandId)).toEqual([
      'type/ADDRESS/create',
      'type/GONE/create',
      'stream/HOMES/create',
      'type/GONE/drop',
    ]);
    await first.close();

    const second = await start();
    try {
      const [types, described] = await second.execute('SHOW TYPES; DESCRIBE HOMES;', {});
      expect(typeNames(types?.result)).toEqual(['ADDRESS']);
      if (described?.result.kind !== 'SourceDescription') throw new Error('not a description');
      expect(described.result.source.columns.find((c) => c.name === 'HOME')?.type).toEqual({
        base: 'STRUCT',
        fields: [{ name: 'CITY', type: { base: 'STRING' } }],
      });
    } finally {
      await second.close();
    }
  });
});
