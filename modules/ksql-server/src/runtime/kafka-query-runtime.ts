import {
  type DeserializationFailure,
  KsqlError,
  type PersistentQuery,
  type PullQueryPlan,
  type PullStore,
  streamsConfigFor,
  type TransientQueryPlan,
} from '@meterstream/ksql';
import { KafkaStreams, type KafkaStreamsConfig, TopologyStartError } from '@meterstream/streams';
import { type Admin, Kafka, type KafkaConfig } from 'kafkajs';
import { type Logger, pino } from 'pino';
import { cleanUpApplication } from './application-cleanup.js';
import { kafkajsLogCreator } from './kafkajs-logging.js';
import { prefetching } from './prefetching.js';
import { ProcessingLogWriter } from './processing-log.js';
import { KafkaPushQuery } from './push-query.js';
import type { PushQuery, QueryError, QueryRuntime, QueryStatus } from './query-runtime.js';
import { streamsSettings } from './streams-settings.js';
import { untilStarted } from './until-started.js';

export interface KafkaQueryRuntimeOptions {
  /** The Kafka cluster the queries read and write (bootstrap servers). */
  readonly brokers: readonly string[];
  /** ksql.service.id (default `default_`): names the processing log topic. */
  readonly serviceId?: string;
  /**
   * Server properties: the streams properties push queries run with unless the request overrides
   * them (`ksql.streams.*`, `auto.offset.reset`, …; persistent queries carry their own), and
   * `ksql.logging.processing.topic.name` (default
   * `<serviceId>ksql_processing_log`), `…topic.partitions`, `…topic.replication.factor`,
   * `ksql.logging.processing.rows.include` (default false, as ksqlDB: entries carry no record bytes).
   */
  readonly properties?: Readonly<Record<string, string>>;
  /**
   * Base state directory (Kafka Streams' state.dir): each persistent query keeps its instance
   * identity in `<stateDir>/<applicationId>` and locks it while running. Without it an instance
   * gets a new identity per start (see the streams runtime's README).
   */
  readonly stateDir?: string;
  /** Rows a push query buffers for a slow reader before it pauses its input. Default 1000. */
  readonly pushBufferRows?: number;
  /** How long start() and push() wait for the first assignment. Default 60 s. */
  readonly startTimeoutMs?: number;
  /** kafkajs `ssl` / `sasl` of a secured cluster (`kafkaClientSecurity` of @meterstream/common). */
  readonly kafkaSecurity?: Pick<KafkaConfig, 'ssl' | 'sasl'>;
  readonly logger?: Logger;
}

interface RunningQuery {
  readonly query: PersistentQuery;
  readonly streams: KafkaStreams | undefined;
  readonly errors: QueryError[];
}

/** An error the runtime met on a query, as a ksqlDB QueryError (missing topics are the user's). */
function queryError(error: unknown): QueryError {
  const err = error instanceof Error ? error : new Error(String(error));
  return {
    timestamp: Date.now(),
    errorMessage: err.message,
    type: err instanceof TopologyStartError || err.name === 'PropertyError' ? 'USER' : 'UNKNOWN',
  };
}

/**
 * The QueryRuntime on the streams library's Kafka runtime: one KafkaStreams instance per
 * persistent query (its application id is the consumer group and internal-topic prefix), one per
 * push query (a unique application id, deleted with its group and topics on close). A query that
 * fails is kept in ERROR with its errors; it never stops the others. Records a query cannot
 * deserialize go to the processing log topic as ksqlDB's entries.
 */
export class KafkaQueryRuntime implements QueryRuntime {
  private readonly kafka: Kafka;
  private readonly log: Logger;
  private readonly queries = new Map<string, RunningQuery>();
  private readonly pushes = new Map<string, KafkaPushQuery>();
  private readonly processingLog: ProcessingLogWriter;
  private admin: Promise<Admin> | undefined;
  private closed = false;

  constructor(private readonly options: KafkaQueryRuntimeOptions) {
    this.log = options.logger ?? pino({ level: 'info' });
    this.kafka = new Kafka({
      clientId: 'meterstream-ksql',
      brokers: [...options.brokers],
      logCreator: kafkajsLogCreator(this.log),
      ...options.kafkaSecurity,
    });
    const props = options.properties ?? {};
    const serviceId = options.serviceId ?? 'default_';
    this.processingLog = new ProcessingLogWriter({
      kafka: this.kafka,
      topic: props['ksql.logging.processing.topic.name'] ?? `${serviceId}ksql_processing_log`,
      includeRows: props['ksql.logging.processing.rows.include'] === 'true',
      partitions: Number(props['ksql.logging.processing.topic.partitions'] ?? 1),
      replicationFactor: Number(props['ksql.logging.processing.topic.replication.factor'] ?? 1),
      logger: this.log,
    });
  }

  /** The topic the processing log is written to. */
  get processingLogTopic(): string {
    return (
      this.options.properties?.['ksql.logging.processing.topic.name'] ??
      `${this.options.serviceId ?? 'default_'}ksql_processing_log`
    );
  }

  /** Resolves once every processing-log entry made so far is written. */
  logDeserializationError(failure: DeserializationFailure): void {
    this.processingLog.deserializationError(failure);
  }

  flushProcessingLog(): Promise<void> {
    return this.processingLog.flush();
  }

  async start(query: PersistentQuery): Promise<void> {
    this.assertOpen();
    const current = this.queries.get(query.id);
    if (current?.streams && !['NOT_RUNNING', 'ERROR'].includes(current.streams.state()))
      throw new KsqlError(`Query ${query.id} is already running`);
    // A restart of a query that failed: its old instance still holds its clients.
    await current?.streams?.close();
    const errors: QueryError[] = [];
    let settings: ReturnType<typeof streamsSettings>;
    try {
      settings = streamsSettings(query.properties);
    } catch (error) {
      errors.push(queryError(error));
      this.queries.set(query.id, { query, streams: undefined, errors });
      return;
    }
    const config: KafkaStreamsConfig = {
      ...streamsConfigFor(query),
      ...settings,
      // ksqlDB reads a new query's sources from the latest offset unless told otherwise.
      autoOffsetReset: settings.autoOffsetReset ?? 'latest',
      kafka: this.kafka,
      stateDir: this.options.stateDir,
      logger: this.log.child({ queryId: query.id }),
      ...(query.prefetch ? { beforeBatch: prefetching(query.prefetch) } : {}),
    };
    const streams = new KafkaStreams(query.topology, config);
    this.queries.set(query.id, { query, streams, errors });
    streams.setStateListener((next) => {
      if (next === 'ERROR') errors.push(queryError(streams.error()));
    });
    query.processingLog?.attach((failure) => this.processingLog.deserializationError(failure));
    await untilStarted(streams, this.options.startTimeoutMs ?? 60_000, query.applicationId).catch(
      (error: unknown) => {
        // start() failing moves the instance to ERROR (the listener recorded it): the query stays listed.
        if (streams.state() !== 'ERROR') errors.push(queryError(error));
      },
    );
  }

  async stop(queryId: string, options: { readonly cleanup: boolean }): Promise<void> {
    const running = this.queries.get(queryId);
    if (!running) return;
    this.queries.delete(queryId);
    running.query.processingLog?.attach(undefined);
    await running.streams?.close();
    if (options.cleanup) {
      const deleted = await cleanUpApplication(
        await this.adminClient(),
        running.query.topology,
        running.query.applicationId,
      );
      this.log.info({ queryId, ...deleted }, 'query cleaned up');
    }
  }

  status(queryId: string): QueryStatus | undefined {
    const running = this.queries.get(queryId);
    if (!running) return undefined;
    const streamsState = running.streams?.state() ?? 'ERROR';
    return {
      state: streamsState === 'ERROR' ? 'ERROR' : 'RUNNING',
      streamsState,
      errors: [...running.errors],
    };
  }

  async pull(plan: PullQueryPlan): Promise<unknown[][]> {
    const running = this.queries.get(plan.queryId);
    const state = running?.streams?.state();
    if (!running?.streams || (state !== 'RUNNING' && state !== 'REBALANCING')) {
      throw new KsqlError(
        `Table ${plan.sourceName} is not queryable: its materializing query ${plan.queryId} is ${running ? (state ?? 'ERROR') : 'not running'}.`,
      );
    }
    const store = await running.streams.store(plan.storeName);
    return plan.execute(store as unknown as PullStore);
  }

  async push(plan: TransientQueryPlan, properties: Readonly<Record<string, string>>): Promise<PushQuery> {
    this.assertOpen();
    // The server's streams properties, overridden by the request's (as ksqlDB merges them).
    const settings = streamsSettings({ ...this.options.properties, ...properties });
    const push = new KafkaPushQuery(plan, {
      kafka: this.kafka,
      settings,
      bufferRows: this.options.pushBufferRows ?? 1000,
      startTimeoutMs: this.options.startTimeoutMs ?? 60_000,
      logger: this.log.child({ queryId: plan.id }),
      admin: () => this.adminClient(),
      processingLog: (failure) => this.processingLog.deserializationError(failure),
      onClosed: () => this.pushes.delete(plan.id),
    });
    this.pushes.set(plan.id, push);
    try {
      await push.start();
    } catch (error) {
      await push.close();
      throw error;
    }
    return push;
  }

  /** Push queries now running, by id. */
  pushQueries(): ReadonlyMap<string, KafkaPushQuery> {
    return this.pushes;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const stops = [
      ...[...this.queries.keys()].map((id) => this.stop(id, { cleanup: false })),
      ...[...this.pushes.values()].map((p) => p.close()),
    ];
    for (const r of await Promise.allSettled(stops))
      if (r.status === 'rejected')
        this.log.warn({ err: r.reason }, 'query runtime close: a query did not stop cleanly');
    await this.processingLog.close();
    const admin = this.admin;
    this.admin = undefined;
    if (admin) await (await admin).disconnect();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the query runtime is closed');
  }

  private adminClient(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      this.admin = admin.connect().then(() => admin);
      this.admin.catch(() => {
        this.admin = undefined;
      });
    }
    return this.admin;
  }
}
