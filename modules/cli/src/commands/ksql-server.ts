import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { basicAuthHeaders, kafkaClientSecurity, redisAuthOptions } from '@meterstream/common';
import { HttpSchemaRegistry } from '@meterstream/ksql';
import { assertSafeBind, readCredentialsFile } from '@meterstream/security';
import { KafkaQueryRuntime, startKsqlRestServer, startKsqlService } from '@meterstream/ksql-server';
import { redisStoreBackend } from '@meterstream/streams';
import { Redis } from 'ioredis';
import type { CommandModule } from 'yargs';
import { commandContext, onShutdownSignal, withEndpoints } from '../command-context.js';

interface KsqlServerArgs {
  port: number;
  host: string;
  'service-id'?: string;
  set?: string[];
  'config-file'?: string;
  'max-request-bytes': number;
  'state-store': 'memory' | 'redis';
  credentials?: string;
  insecure: boolean;
  'tls-cert'?: string;
  'tls-key'?: string;
}

export const ksqlServerCommand: CommandModule<object, KsqlServerArgs> = {
  command: 'ksql-server',
  describe:
    'A ksqlDB-compatible server (REST API on port 8088) running KSQL on the embedded engine, its queries on the Kafka cluster',
  builder: (yargs) =>
    withEndpoints(yargs)
      .option('port', {
        type: 'number',
        default: Number(process.env.METERSTREAM_KSQL_PORT ?? 8088),
        describe: 'REST API port (0: any free port) [env METERSTREAM_KSQL_PORT]',
      })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address the REST API binds' })
      .option('credentials', {
        type: 'string',
        default: process.env.METERSTREAM_KSQL_CREDENTIALS,
        describe: 'Basic auth users file ({"users":[…]}, e.g. <data-dir>/security/credentials.json)',
      })
      .option('insecure', {
        type: 'boolean',
        default: false,
        describe: 'Listen beyond loopback without credentials',
      })
      .option('tls-cert', {
        type: 'string',
        describe:
          'PEM certificate chain (e.g. <data-dir>/security/server.crt); with --tls-key the API speaks HTTPS only (HTTP/2 and HTTP/1.1 by ALPN)',
      })
      .option('tls-key', { type: 'string', describe: 'PEM private key of --tls-cert' })
      .check((a) => {
        if (Boolean(a['tls-cert']) !== Boolean(a['tls-key']))
          throw new Error('--tls-cert and --tls-key go together');
        return true;
      })
      .option('service-id', {
        type: 'string',
        describe: "ksql.service.id (default 'default_'): names the command topic and the queries' ids",
      })
      .option('set', {
        type: 'string',
        array: true,
        describe:
          "A server property as name=value, ksqlDB's names (repeatable): ksql.streams.processing.guarantee=exactly_once_v2, ksql.query.pull.table.scan.enabled=false, auto.offset.reset=earliest, …",
      })
      .option('config-file', {
        type: 'string',
        describe: 'A ksql-server.properties file (name=value lines, # comments); --set overrides it',
      })
      .option('state-store', {
        choices: ['memory', 'redis'] as const,
        default: 'memory' as const,
        describe:
          'Where persistent queries keep their state stores (redis: at --redis-url), changelogged either way',
      })
      .option('max-request-bytes', {
        type: 'number',
        default: 4 * 1024 * 1024,
        describe: 'Largest request body accepted (larger: HTTP 413)',
      })
      // At parse time: a refused bind must not first wait for Kafka (the endpoint check).
      .check((args) => {
        assertSafeBind('meterstream ksql-server', args.host, {
          secured: !!args.credentials,
          insecure: args.insecure,
        });
        return true;
      }),
  handler: async (args) => {
    const { config, logger } = commandContext(args, 'ksql-server');
    const properties: Record<string, string> = {
      ...(args['config-file']
        ? parseProperties(readFileSync(args['config-file'], 'utf8'), args['config-file'])
        : {}),
      ...Object.fromEntries((args.set ?? []).map((s) => nameValue(s, '--set'))),
    };
    const serviceId = args['service-id'] ?? properties['ksql.service.id'] ?? 'default_';
    if (config.schemaRegistryUrl === null) {
      throw new Error(
        'ksql-server needs a Schema Registry: set --schema-registry-url (env METERSTREAM_SCHEMA_REGISTRY_URL)',
      );
    }
    const runtime = new KafkaQueryRuntime({
      brokers: config.kafka.brokers,
      serviceId,
      properties,
      // Each persistent query keeps its instance identity here, so a restart fences its old
      // transactions (exactly-once across crashes).
      stateDir: join(config.dataDir, 'ksql', serviceId),
      kafkaSecurity: kafkaClientSecurity(config.kafka),
      logger,
    });
    const redis =
      args['state-store'] === 'redis'
        ? new Redis(config.redisUrl, { ...redisAuthOptions(config), lazyConnect: true })
        : undefined;
    await redis?.connect();
    const service = await startKsqlService({
      brokers: config.kafka.brokers,
      // Basic auth when the registry is secured (loadConfig recorded its credentials).
      schemaRegistry: new HttpSchemaRegistry(
        config.schemaRegistryUrl,
        basicAuthHeaders(config.schemaRegistryUrl),
      ),
      kafkaSecurity: kafkaClientSecurity(config.kafka),
      serviceId,
      properties,
      runtime,
      logger,
      storeBackend: redis ? redisStoreBackend({ redis, logger }) : undefined,
    });
    const rest = await startKsqlRestServer(service, {
      users: args.credentials ? await readCredentialsFile(args.credentials) : undefined,
      host: args.host,
      port: args.port,
      maxRequestBytes: args['max-request-bytes'],
      logger,
      tls:
        args['tls-cert'] && args['tls-key']
          ? { cert: readFileSync(args['tls-cert']), key: readFileSync(args['tls-key']) }
          : undefined,
    });
    // One JSON line for scripts and `meterstream up` (which waits for it), then the human line.
    process.stdout.write(
      `${JSON.stringify({ event: 'listening', url: rest.url, port: rest.port, serviceId })}\n`,
    );
    process.stderr.write(
      `ksqlDB-compatible server on ${rest.url} (service id ${serviceId}); Ctrl-C stops it\n`,
    );
    onShutdownSignal(async () => {
      await rest.close();
      await service.close();
      await redis?.quit();
    });
    await new Promise(() => {}); // until a signal arrives
  },
};

function nameValue(text: string, what: string): [string, string] {
  const at = text.indexOf('=');
  if (at <= 0) throw new Error(`${what} ${text}: expected name=value`);
  return [text.slice(0, at).trim(), text.slice(at + 1).trim()];
}

/** A Java .properties file's simple form: `name=value` lines, `#` / `!` comments, blank lines. */
function parseProperties(text: string, file: string): Record<string, string> {
  const out: Record<string, string> = {};
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) return;
    const [name, value] = nameValue(line, `${file}:${i + 1}:`);
    out[name] = value;
  });
  return out;
}
