import {
  type KsqlEngine,
  KsqlError,
  type PullQueryPlan,
  type Statement,
  type StatementResult,
  type TransientQueryPlan,
} from '@meterstream/ksql';
import { commandIdOf } from '../command/command.js';
import { KafkaRecordWriter } from '../kafka/kafka-record-writer.js';
import type { PushQuery, QueryStatus } from '../runtime/query-runtime.js';
import { insertInBatches } from './batched-inserts.js';
import { deleteTopicMatchers, terminateCluster } from './cluster-terminator.js';
import { CommandTopicEngine } from './command-topic-engine.js';
import {
  type CommandStatus,
  type ExecutedStatement,
  type HealthStatus,
  type KsqlService,
  type QueryHandle,
  type ResultColumn,
  type ServerInfo,
  ServiceError,
  type StatementRequest,
} from './ksql-service.js';
import { PrintTopic } from '../runtime/print-topic.js';
import { StreamScanQuery } from '../runtime/stream-scan-query.js';
import { KSQL_SERVER_VERSION, type KsqlServiceOptions } from './ksql-service-options.js';
import { requestLocal, resultColumns } from './statement-results.js';

export { KSQL_SERVER_VERSION, type KsqlServiceOptions } from './ksql-service-options.js';

/** Rows a stream pull query buffers for a slow reader before it stops fetching (as push queries). */
const SCAN_BUFFER_ROWS = 1000;

/** Starts a service: command topic, replay, surviving queries, processing log stream. */
export async function startKsqlService(options: KsqlServiceOptions): Promise<KsqlServiceImpl> {
  const service = new KsqlServiceImpl(options);
  try {
    await service.start();
  } catch (err) {
    await service.close().catch((closeErr: unknown) => {
      options.logger.warn({ err: closeErr }, 'closing a service that failed to start failed');
    });
    throw err;
  }
  return service;
}

/** KsqlService on an engine behind the command topic (CommandTopicEngine: the command side). */
export class KsqlServiceImpl extends CommandTopicEngine implements KsqlService {
  private readonly pushQueries = new Map<string, PushQuery>();
  private readonly prints = new Map<string, PrintTopic>();
  private pullCounter = 0;
  /** The inserts-stream's batched writes (the engine's own writer sends one row per call). */
  private readonly recordWriter = new KafkaRecordWriter(this.writerProducer);
  /** Set by POST /ksql/terminate: statements and queries are refused from then on. */
  private terminated = false;

  async execute(sql: string, request: StatementRequest): Promise<ExecutedStatement[]> {
    this.refuseIfTerminated();
    await this.waitForSequence(request.commandSequenceNumber);
    // The request's SETs and DEFINEs live for this request only (as ksqlDB's /ksql): they are
    // handled here and passed with each statement, never stored in the shared engine.
    const properties: Record<string, string> = { ...(request.properties ?? {}) };
    const variables: Record<string, string> = { ...(request.variables ?? {}) };
    const statements = this.engine.parse(sql, variables);
    const out: ExecutedStatement[] = [];
    for (const stmt of statements) {
      const local = requestLocal(stmt, properties, variables);
      if (local) {
        out.push({ result: local });
        continue;
      }
      if (stmt.kind === 'QueryStatement' || stmt.kind === 'PrintTopic') {
        throw new ServiceError(
          40002,
          "The following statement types should be issued to the websocket endpoint '/query':\n\t* PRINT\n\t* SELECT",
        );
      }
      const commandId = commandIdOf(stmt);
      if (commandId !== undefined) {
        const props = { ...properties };
        const vars = { ...variables };
        out.push(await this.queue.run(() => this.executeCommand(stmt, commandId, props, vars)));
        continue;
      }
      const [result] = await this.engine.execute(stmt.text, { properties, variables });
      out.push({ result, queryStatus: this.queryStatusOf(result) });
    }
    return out;
  }

  async query(sql: string, request: StatementRequest): Promise<QueryHandle> {
    this.refuseIfTerminated();
    await this.waitForSequence(request.commandSequenceNumber);
    const properties = { ...(request.properties ?? {}) };
    const variables = { ...(request.variables ?? {}) };
    const statements = this.engine.parse(sql, variables);
    if (statements.length !== 1) {
      throw new KsqlError(`Expected exactly one KSQL statement; found ${statements.length} instead`);
    }
    const [stmt] = statements;
    if (stmt.kind === 'PrintTopic') return this.printTopic(stmt);
    if (stmt.kind !== 'QueryStatement') {
      const err = new KsqlError('The provided statement is not a SELECT query: use the /ksql endpoint');
      err.statementText = stmt.text;
      throw err;
    }
    const [result] = await this.engine.execute(stmt.text, { properties, variables });
    if (result.kind !== 'TransientQuery') throw new KsqlError(`Unexpected result ${result.kind} for a query`);
    const plan = result.query as TransientQueryPlan | PullQueryPlan;
    // A pull result is laid out as its schema; a push result as its SELECT items.
    const columns =
      'kind' in plan && plan.kind === 'pull'
        ? resultColumns(plan.schema.columns(), plan.keyColumnNames)
        : resultColumns((plan as TransientQueryPlan).columns);
    if ('kind' in plan && plan.kind === 'pull') {
      const rows = await this.runtime.pull(plan);
      return { kind: 'pull', queryId: `query_${Date.now()}_${++this.pullCounter}`, columns, rows };
    }
    const scanPlan = plan as TransientQueryPlan;
    if (scanPlan.streamScan)
      return this.scanStream({ ...scanPlan, streamScan: scanPlan.streamScan }, columns);
    const push = await this.runtime.push(plan as TransientQueryPlan, { ...this.properties, ...properties });
    this.pushQueries.set(push.id, push);
    const close = async () => {
      this.pushQueries.delete(push.id);
      await push.close();
    };
    return { kind: 'push', queryId: push.id, columns, rows: push.rows, close };
  }

  /** A pull query on a stream: a bounded scan of its topic, outside the runtime (see StreamScanQuery). */
  private async scanStream(
    plan: ConstructorParameters<typeof StreamScanQuery>[0],
    columns: readonly ResultColumn[],
  ): Promise<QueryHandle> {
    const scan = new StreamScanQuery(plan, {
      kafka: this.kafka,
      admin: this.admin,
      bufferRows: SCAN_BUFFER_ROWS,
      logger: this.logger,
      processingLog: (failure) => this.runtime.logDeserializationError?.(failure),
      onClosed: () => this.pushQueries.delete(scan.id),
    });
    this.pushQueries.set(scan.id, scan);
    try {
      await scan.start();
    } catch (err) {
      await scan.close();
      throw err;
    }
    const close = () => scan.close();
    return { kind: 'push', queryId: scan.id, columns, rows: scan.rows, close, ended: () => scan.ended };
  }

  /** PRINT: the topic's records as ksqlDB's text lines (see PrintTopic). */
  private async printTopic(stmt: Extract<Statement, { kind: 'PrintTopic' }>): Promise<QueryHandle> {
    const topics = await this.admin.listTopics();
    // As ksqlDB: the name as written, else the one topic it names case-insensitively.
    const topic = topics.includes(stmt.topic)
      ? stmt.topic
      : topics.find((t) => t.toLowerCase() === stmt.topic.toLowerCase());
    if (!topic) {
      throw new ServiceError(
        40000,
        `Could not find topic '${stmt.topic}', or the KSQL user does not have permissions to list the topic. Topic names are case-sensitive.`,
      );
    }
    const print = new PrintTopic({
      kafka: this.kafka,
      admin: this.admin,
      topic,
      fromBeginning: stmt.fromBeginning,
      interval: stmt.interval ?? 1,
      limit: stmt.limit,
      serviceId: this.serviceId,
      logger: this.logger,
      registry: this.registry,
      onClosed: () => this.prints.delete(print.id),
    });
    this.prints.set(print.id, print);
    try {
      await print.start();
    } catch (err) {
      await print.close();
      throw err;
    }
    return { kind: 'print', queryId: print.id, lines: print.lines, close: () => print.close() };
  }

  async insertRows(
    target: string,
    rows: AsyncIterable<Readonly<Record<string, unknown>>>,
    ack: (seq: number) => void,
  ): Promise<void> {
    this.refuseIfTerminated();
    const source = this.engine.source(target) ?? this.engine.source(target.toUpperCase());
    if (!source) throw new ServiceError(40000, `Cannot insert values into an unknown stream: ${target}`);
    if (source.type === 'TABLE') throw new ServiceError(40000, `Cannot insert into a table: ${source.name}`);
    await insertInBatches(rows, {
      serialize: (row) => this.engine.serializeRow(source.name, row),
      write: (serialized) => this.recordWriter.writeMany(serialized),
      ack,
      failure: (seq, err) =>
        new ServiceError(
          40000,
          `Failed to insert row ${seq} into ${source.name}: ${err instanceof Error ? err.message : String(err)}`,
        ),
    });
  }

  async closeQuery(queryId: string): Promise<boolean> {
    const push = this.pushQueries.get(queryId);
    if (!push) return false;
    this.pushQueries.delete(queryId);
    await push.close();
    return true;
  }

  async terminateCluster(deleteTopicPatterns: readonly string[]): Promise<CommandStatus> {
    this.refuseIfTerminated();
    const matchers = deleteTopicMatchers(deleteTopicPatterns);
    return this.queue.run(async () => {
      this.terminated = true;
      for (const push of [...this.pushQueries.values()]) await push.close();
      this.pushQueries.clear();
      // Stops reading the command topic before it is deleted.
      await this.commandTopic.close();
      await terminateCluster(
        {
          engine: this.engine,
          runtime: this.runtime,
          running: this.running,
          admin: this.admin,
          commandTopic: this.commandTopic.name,
          logger: this.logger,
        },
        matchers,
      );
      this.engine = this.newEngine();
      return { status: 'SUCCESS', message: 'Cluster terminated.' };
    });
  }

  private refuseIfTerminated(): void {
    if (this.terminated) throw new ServiceError(50304, 'The server is shut down');
  }

  commandStatus(commandId: string): CommandStatus | undefined {
    return this.statuses.get(commandId);
  }

  info(): ServerInfo {
    return {
      version: KSQL_SERVER_VERSION,
      kafkaClusterId: this.clusterId,
      ksqlServiceId: this.serviceId,
      serverStatus: this.commandTopic.readerError || this.closed ? 'ERROR' : 'RUNNING',
    };
  }

  async healthcheck(): Promise<HealthStatus> {
    let metastore = true;
    try {
      await this.engine.execute('SHOW STREAMS;');
    } catch (err) {
      this.logger.warn({ err }, 'healthcheck: metastore check failed');
      metastore = false;
    }
    let kafka = true;
    try {
      await this.admin.fetchTopicMetadata({ topics: [this.commandTopic.name] });
    } catch (err) {
      this.logger.warn({ err }, 'healthcheck: kafka check failed');
      kafka = false;
    }
    const commandRunner = !this.commandTopic.readerError && !this.replaying && !this.closed;
    return {
      isHealthy: metastore && kafka && commandRunner,
      details: {
        metastore: { isHealthy: metastore },
        kafka: { isHealthy: kafka },
        commandRunner: { isHealthy: commandRunner },
      },
    };
  }

  /** The engine as it stands (tests, the REST layer's diagnostics). */
  get currentEngine(): KsqlEngine {
    return this.engine;
  }

  /** Offset of the last command applied; -1 when none. */
  get commandSequenceNumber(): number {
    return this.appliedOffset;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const push of [...this.pushQueries.values()]) await push.close();
    this.pushQueries.clear();
    for (const print of [...this.prints.values()]) await print.close();
    // Stops every query without cleanup: the next server resumes them from the command topic.
    await this.runtime.close();
    await this.commandTopic.close();
    await this.writerProducer.disconnect();
    await this.admin.disconnect();
  }

  protected queryStatusOf(result: StatementResult): ReadonlyMap<string, QueryStatus> | undefined {
    let ids: readonly string[] = [];
    if (result.kind === 'Queries') ids = result.queries.map((q) => q.id);
    else if (result.kind === 'QueryDescription' && result.queryId) ids = [result.queryId];
    else if (result.kind === 'SourceDescription')
      ids = [...result.source.writeQueries, ...result.source.readQueries];
    else return undefined;
    const statuses = new Map<string, QueryStatus>();
    for (const id of ids) {
      const status = this.runtime.status(id);
      if (status) statuses.set(id, status);
    }
    return statuses;
  }
}
