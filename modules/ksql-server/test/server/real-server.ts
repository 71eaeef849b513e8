import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type RunningBroker,
  type SchemaRegistryServer,
  startBroker,
  startSchemaRegistry,
} from '@meterstream/broker';
import { type Admin, Kafka, logLevel, type Producer } from 'kafkajs';
import { pino } from 'pino';
import { type KsqlRestServer, startKsqlRestServer } from '../../src/rest/rest-server.js';
import { KafkaQueryRuntime } from '../../src/runtime/kafka-query-runtime.js';
import { type KsqlServiceImpl, startKsqlService } from '../../src/service/ksql-service-impl.js';

export const silent = pino({ level: 'silent' });

/**
 * The whole server as `meterstream ksql-server` runs it — an embedded broker and Schema Registry,
 * the service with its command topic, the Kafka query runtime, the REST server — on 127.0.0.1
 * free ports, silent; plus kafkajs clients for the test's own records.
 */
export class RealServer {
  broker!: RunningBroker;
  registry!: SchemaRegistryServer;
  service!: KsqlServiceImpl;
  rest!: KsqlRestServer;
  kafka!: Kafka;
  admin!: Admin;
  producer!: Producer;
  runtime!: KafkaQueryRuntime;
  private dir = '';

  async start(properties: Record<string, string> = {}): Promise<void> {
    this.dir = mkdtempSync(join(tmpdir(), 'ms-ksql-server-'));
    this.broker = await startBroker({ port: 0, dataDir: join(this.dir, 'kafka'), logger: silent });
    this.registry = await startSchemaRegistry({
      port: 0,
      dataDir: join(this.dir, 'registry'),
      logger: silent,
    });
    process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
    this.kafka = new Kafka({
      brokers: [this.broker.bootstrap],
      clientId: 'test',
      logLevel: logLevel.NOTHING,
    });
    this.admin = this.kafka.admin();
    await this.admin.connect();
    this.producer = this.kafka.producer();
    await this.producer.connect();
    const runtime = new KafkaQueryRuntime({
      brokers: [this.broker.bootstrap],
      stateDir: join(this.dir, 'state'),
      logger: silent,
    });
    this.runtime = runtime;
    this.service = await startKsqlService({
      brokers: [this.broker.bootstrap],
      schemaRegistry: this.registry.url,
      runtime,
      logger: silent,
      properties: { 'ksql.logging.processing.stream.auto.create': 'false', ...properties },
    });
    this.rest = await startKsqlRestServer(this.service, { port: 0, logger: silent });
  }

  async stop(): Promise<void> {
    await this.rest?.close();
    await this.service?.close();
    await this.producer?.disconnect();
    await this.admin?.disconnect();
    await this.registry?.close();
    await this.broker?.close();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  /** POST with fetch (HTTP/1.1); the status and the body's text. */
  async post(path: string, body: unknown): Promise<{ status: number; text: string }> {
    const res = await fetch(new URL(path, this.rest.url), {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.ksql.v1+json', accept: 'application/vnd.ksql.v1+json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, text: await res.text() };
  }

  /** Runs statements on /ksql; fails the test on any error. */
  async ksql(sql: string, streamsProperties: Record<string, string> = {}): Promise<unknown[]> {
    const { status, text } = await this.post('/ksql', { ksql: sql, streamsProperties });
    if (status !== 200) throw new Error(`/ksql answered ${status}: ${text}`);
    return JSON.parse(text) as unknown[];
  }
}
