import type { KafkaConfig } from 'kafkajs';
import type { SchemaRegistry } from '@meterstream/ksql';
import type { StoreBackend } from '@meterstream/streams';
import type { Logger } from 'pino';
import type { QueryRuntime } from '../runtime/query-runtime.js';

/** The ksqlDB version this server answers as (GET /info; clients check compatibility on it). */
export const KSQL_SERVER_VERSION = '0.29.0';

export interface KsqlServiceOptions {
  /** Kafka bootstrap servers (host:port), for kafkajs. */
  readonly brokers: readonly string[];
  /** Schema Registry base URL; or a registry object (tests). */
  readonly schemaRegistry: string | SchemaRegistry;
  /** ksql.service.id; default `default_`. */
  readonly serviceId?: string;
  /**
   * Server properties: `ksql.streams.*` (the engine hands them to each query, hence the runtime),
   * `ksql.query.pull.table.scan.enabled`, `auto.offset.reset`, `ksql.logging.processing.*`,
   * `ksql.server.command.response.timeout.ms` (the commandSequenceNumber wait, default 5000).
   */
  readonly properties?: Readonly<Record<string, string>>;
  /** Runs the persistent, push and pull queries. The service closes it on close(). */
  readonly runtime: QueryRuntime;
  /** Where persistent queries keep their state stores (KsqlEngineOptions.storeBackend); memory by default. */
  readonly storeBackend?: StoreBackend;
  readonly logger: Logger;
  /** Bound on the start-up replay's wait for the command topic to settle (default 60 s). */
  readonly replayTimeoutMs?: number;
  /** kafkajs `ssl` / `sasl` of a secured cluster (`kafkaClientSecurity` of @meterstream/common). */
  readonly kafkaSecurity?: Pick<KafkaConfig, 'ssl' | 'sasl'>;
}
