import { randomUUID } from 'node:crypto';
import {
  formatSqlType,
  HttpSchemaRegistry,
  KsqlEngine,
  KsqlError,
  type Column,
  type PullQueryPlan,
  type SchemaRegistry,
  type Statement,
  type StatementResult,
  type TransientQueryPlan,
} from '@meterstream/ksql';
import { type Admin, Kafka, logLevel, type Producer } from 'kafkajs';
import type { StoreBackend } from '@meterstream/streams';
import type { Logger } from 'pino';
import {
  COMMAND_VERSION,
  type Command,
  commandIdOf,
  decodeCommand,
  type SequencedCommand,
} from '../command/command.js';
import { type CommandRecord, CommandTopic } from '../command/command-topic.js';
import { KafkaRecordWriter } from '../kafka/kafka-record-writer.js';
import { KafkaTopicCatalog } from '../kafka/kafka-topic-catalog.js';
import type { PushQuery, QueryRuntime, QueryStatus } from '../runtime/query-runtime.js';
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
import { processingLogAutoCreate, processingLogStatement, processingLogTopic } from './processing-log.js';
import { applyToRuntime, captureQueryEffects, type QueryEffects, startQuery } from './query-effects.js';
import { SerialQueue } from './serial-queue.js';

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
}

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

/**
 * KsqlService on an engine behind the command topic.
 *
 * Order for a command (under the serial queue, after the engine caught up with the topic):
 * 1. execute it on the engine — this is the validation: the engine's state is exactly the
 *    topic's prefix, so a statement that fails here is refused and never written, and one that
 *    succeeds here will succeed the same way when a fresh server replays the prefix plus it;
 * 2. write it to the topic in its own transaction (acks=all) and commit;
 * 3. only then tell the runtime (start/stop queries) and acknowledge SUCCESS.
 * Should step 2 fail, the engine holds an effect the topic does not: it is rebuilt by re-executing
 * the commands applied so far (the topic's prefix), and the statement fails with 50000. Effects
 * outside the engine made in step 1 stay (a created sink topic, a registered schema, a topic
 * deleted by DROP … DELETE TOPIC) — as ksqlDB's injectors create topics before the command is
 * enqueued.
 */
export class KsqlServiceImpl implements KsqlService {
  readonly serviceId: string;
  private readonly kafka: Kafka;
  private readonly admin: Admin;
  private readonly writerProducer: Producer;
  private readonly registry: SchemaRegistry;
  private readonly properties: Readonly<Record<string, string>>;
  private readonly runtime: QueryRuntime;
  private readonly logger: Logger;
  private readonly commandTopic: CommandTopic;
  private readonly queue = new SerialQueue();
  private engine: KsqlEngine;
  /** Commands applied to the engine, in topic order (what a rebuild re-executes). */
  private readonly applied: SequencedCommand[] = [];
  /** Offset of the last command applied (-1: none). */
  private appliedOffset = -1;
  /**
   * End of our own last write: its offset + 2 (the command and its transaction's commit marker).
   * Everything below it is applied: we caught up before writing, and no other server could commit
   * between our writer's fencing and our commit.
   */
  private ownEnd = 0;
  /** Records read from the topic, not yet applied. */
  private readonly inbox: CommandRecord[] = [];
  private readonly statuses = new Map<string, CommandStatus>();
  /** Persistent queries handed to the runtime. */
  private readonly running = new Set<string>();
  private readonly pushQueries = new Map<string, PushQuery>();
  private replaying = true;
  private pullCounter = 0;
  private clusterId = '';
  private closed = false;

  constructor(private readonly options: KsqlServiceOptions) {
    this.serviceId = options.serviceId ?? 'default_';
    this.properties = options.properties ?? {};
    this.runtime = options.runtime;
    this.logger = options.logger;
    this.kafka = new Kafka({
      clientId: `ksql-${this.serviceId}`,
      brokers: [...options.brokers],
      logLevel: logLevel.NOTHING,
    });
    this.admin = this.kafka.admin();
    this.writerProducer = this.kafka.producer({ idempotent: true, allowAutoTopicCreation: false });
    this.registry =
      typeof options.schemaRegistry === 'string'
        ? new HttpSchemaRegistry(options.schemaRegistry)
        : options.schemaRegistry;
    this.commandTopic = new CommandTopic(this.kafka, this.admin, this.serviceId, this.logger);
    this.engine = this.newEngine();
  }

  private newEngine(): KsqlEngine {
    const catalog = new KafkaTopicCatalog(this.admin);
    return new KsqlEngine({
      serviceId: this.serviceId,
      // Replaying DROP … DELETE TOPIC finds the topic already gone: nothing left to delete.
      topics: {
        partitions: (t) => catalog.partitions(t),
        create: (t, p, r, c) => catalog.create(t, p, r, c),
        list: () => catalog.list(),
        delete: async (t) => {
          if ((await catalog.list()).includes(t)) await catalog.delete(t);
        },
      },
      schemaRegistry: this.registry,
      writer: new KafkaRecordWriter(this.writerProducer),
      properties: this.properties,
      storeBackend: this.options.storeBackend,
    });
  }

  /** @internal startKsqlService's steps. */
  async start(): Promise<void> {
    await this.admin.connect();
    await this.writerProducer.connect();
    const cluster = await this.admin.describeCluster();
    this.clusterId = cluster.clusterId;
    await this.commandTopic.ensure(cluster.brokers.length);
    // Before reading: a writer's id initialisation aborts a transaction a crashed predecessor
    // left open, so the topic settles and the replay never waits on it.
    await (await this.commandTopic.openWriter()).close();
    await this.commandTopic.startReading(
      `_confluent-ksql-${this.serviceId}_command_runner_${randomUUID()}`,
      (r) => this.receive(r),
    );
    const settled = await this.commandTopic.waitCaughtUp(this.options.replayTimeoutMs ?? 60_000);
    if (!settled)
      throw new ServiceError(50303, `Timed out replaying the command topic ${this.commandTopic.name}`);
    await this.queue.run(async () => {
      await this.drainInbox();
      // Only the queries that survive the whole topic run: terminated and dropped ones are gone.
      for (const query of this.engine.queries())
        await startQuery(this.runtime, query, this.running, this.logger);
      // From here on, commands read from the topic are applied (and tell the runtime) as they come;
      // any that arrived since the drain are taken now.
      this.replaying = false;
      await this.drainInbox();
    });
    this.logger.info(
      { commands: this.applied.length, queries: this.running.size, topic: this.commandTopic.name },
      'command topic replayed',
    );
    if (processingLogAutoCreate(this.properties)) {
      // As ksqlDB: a processing log that cannot be created is reported, not fatal.
      await this.createProcessingLog().catch((err: unknown) => {
        this.logger.warn({ err }, 'could not create the processing log stream');
      });
    }
  }

  /** As ksqlDB: the processing log stream is created through the command topic when missing. */
  private async createProcessingLog(): Promise<void> {
    const topic = processingLogTopic(this.serviceId, this.properties);
    if (!(await this.admin.listTopics()).includes(topic)) {
      await this.admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic,
            numPartitions: Number(this.properties['ksql.logging.processing.topic.partitions'] ?? 1),
            replicationFactor: Number(
              this.properties['ksql.logging.processing.topic.replication.factor'] ?? 1,
            ),
          },
        ],
      });
    }
    const sql = processingLogStatement(topic);
    const [stmt] = this.engine.parse(sql);
    if (this.engine.source(stmt.kind === 'CreateSource' ? stmt.name : '')) return;
    await this.queue.run(() => this.executeCommand(stmt, commandIdOf(stmt)!, {}, {}));
  }

  // ---- the command runner: records read from the topic ------------------------------------

  private receive(record: CommandRecord): void {
    this.inbox.push(record);
    // During start-up the replay drains once caught up; afterwards commands other servers write
    // are applied as they arrive.
    if (!this.replaying) {
      this.queue
        .run(() => this.drainInbox())
        .catch((err: unknown) => {
          this.logger.error({ err }, 'applying commands from the command topic failed');
        });
    }
  }

  /** Applies received records past the applied offset, in order. Runs on the serial queue. */
  private async drainInbox(): Promise<void> {
    while (this.inbox.length > 0) {
      const record = this.inbox.shift()!;
      // Our own commands come back after we applied them.
      if (record.offset <= this.appliedOffset) continue;
      let command: SequencedCommand;
      try {
        command = decodeCommand(record.key, record.value, record.offset);
      } catch (err) {
        this.logger.warn({ err, offset: record.offset }, 'skipping an unreadable command');
        this.appliedOffset = record.offset;
        continue;
      }
      const effects = await this.replayCommand(command);
      if (effects && !this.replaying) await applyToRuntime(this.runtime, effects, this.running, this.logger);
    }
  }

  /** Re-executes one command; a failure is logged and the command skipped, as ksqlDB. */
  private async replayCommand(command: SequencedCommand): Promise<QueryEffects | undefined> {
    // Applied (and so visible to commandSequenceNumber waits) only once it has run.
    try {
      const { value, effects } = await captureQueryEffects(this.engine, () =>
        this.engine.execute(command.command.statement, {
          properties: command.command.streamsProperties,
          variables: command.command.variables,
        }),
      );
      this.statuses.set(command.commandId, successStatus(value[0], effects));
      this.markApplied(command);
      return effects;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.logger.warn(
        { err, commandId: command.commandId, sequenceNumber: command.sequenceNumber },
        'command failed on replay; skipped',
      );
      this.statuses.set(command.commandId, { status: 'ERROR', message });
      this.markApplied(command);
      return undefined;
    }
  }

  private markApplied(command: SequencedCommand): void {
    this.applied.push(command);
    this.appliedOffset = command.sequenceNumber;
  }

  /** The engine again from the applied commands: undoes an effect the topic did not record. */
  private async rebuildEngine(): Promise<void> {
    this.engine = this.newEngine();
    for (const command of this.applied) {
      try {
        await this.engine.execute(command.command.statement, {
          properties: command.command.streamsProperties,
          variables: command.command.variables,
        });
      } catch (err) {
        this.logger.warn({ err, commandId: command.commandId }, 'command failed on rebuild; skipped');
      }
    }
  }

  private commandTimeoutMs(): number {
    const configured = Number(this.properties['ksql.server.command.response.timeout.ms']);
    return Number.isFinite(configured) && configured > 0 ? configured : 5_000;
  }

  /** commandSequenceNumber: waits until the command at that offset has been applied. */
  private async waitForSequence(sequenceNumber: number | undefined): Promise<void> {
    if (sequenceNumber === undefined || sequenceNumber < 0) return;
    const deadline = performance.now() + this.commandTimeoutMs();
    while (this.appliedOffset < sequenceNumber) {
      if (performance.now() >= deadline) {
        throw new ServiceError(
          50303,
          `Timed out while waiting for a previous command to execute. command sequence number: ${sequenceNumber}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  // ---- KsqlService ----------------------------------------------------------------------

  async execute(sql: string, request: StatementRequest): Promise<ExecutedStatement[]> {
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

  /** Runs on the serial queue: validate by executing, write, then start/stop queries (see class). */
  private async executeCommand(
    stmt: Statement,
    commandId: string,
    properties: Readonly<Record<string, string>>,
    variables: Readonly<Record<string, string>>,
  ): Promise<ExecutedStatement> {
    const writer = await this.commandTopic.openWriter();
    let result: StatementResult | undefined;
    let effects: QueryEffects;
    let command: Command;
    let sequenceNumber: number;
    try {
      // Commands another server wrote come first: the engine must be the topic's whole prefix.
      const settled = await this.commandTopic.waitCaughtUp(this.commandTimeoutMs(), this.ownEnd);
      if (!settled)
        throw new ServiceError(50303, 'Timed out while waiting for the command topic to be up to date');
      await this.drainInbox();

      const executed = await captureQueryEffects(this.engine, () =>
        this.engine.execute(stmt.text, { properties, variables }),
      );
      result = executed.value[0];
      effects = executed.effects;
      command = {
        statement: stmt.text,
        streamsProperties: properties,
        variables,
        originalProperties: this.properties,
        version: COMMAND_VERSION,
      };
      try {
        sequenceNumber = await writer.write(commandId, command);
      } catch (err) {
        this.logger.error({ err, commandId }, 'command not recorded; rebuilding the engine without it');
        await this.rebuildEngine();
        throw new ServiceError(50000, (err as Error).message);
      }
    } finally {
      await writer.close();
    }
    this.markApplied({ commandId, sequenceNumber, command });
    this.ownEnd = sequenceNumber + 2;
    await applyToRuntime(this.runtime, effects, this.running, this.logger);
    const status = successStatus(result, effects);
    this.statuses.set(commandId, status);
    return {
      result,
      command: { commandId, commandSequenceNumber: sequenceNumber, status },
      queryStatus: this.queryStatusOf(result),
    };
  }

  async query(sql: string, request: StatementRequest): Promise<QueryHandle> {
    await this.waitForSequence(request.commandSequenceNumber);
    const properties = { ...(request.properties ?? {}) };
    const variables = { ...(request.variables ?? {}) };
    const statements = this.engine.parse(sql, variables);
    if (statements.length !== 1) {
      throw new KsqlError(`Expected exactly one KSQL statement; found ${statements.length} instead`);
    }
    const [stmt] = statements;
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
    const push = await this.runtime.push(plan as TransientQueryPlan, { ...this.properties, ...properties });
    this.pushQueries.set(push.id, push);
    const close = async () => {
      this.pushQueries.delete(push.id);
      await push.close();
    };
    return { kind: 'push', queryId: push.id, columns, rows: push.rows, close };
  }

  async insertRows(
    target: string,
    rows: AsyncIterable<Readonly<Record<string, unknown>>>,
    ack: (seq: number) => void,
  ): Promise<void> {
    const source = this.engine.source(target) ?? this.engine.source(target.toUpperCase());
    if (!source) throw new ServiceError(40000, `Cannot insert values into an unknown stream: ${target}`);
    if (source.type === 'TABLE') throw new ServiceError(40000, `Cannot insert into a table: ${source.name}`);
    let seq = 0;
    for await (const row of rows) {
      try {
        await this.engine.insertRow(source.name, row);
      } catch (err) {
        throw new ServiceError(
          40000,
          `Failed to insert row ${seq} into ${source.name}: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
      ack(seq++);
    }
  }

  async closeQuery(queryId: string): Promise<boolean> {
    const push = this.pushQueries.get(queryId);
    if (!push) return false;
    this.pushQueries.delete(queryId);
    await push.close();
    return true;
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
    // Stops every query without cleanup: the next server resumes them from the command topic.
    await this.runtime.close();
    await this.commandTopic.close();
    await this.writerProducer.disconnect();
    await this.admin.disconnect();
  }

  private queryStatusOf(result: StatementResult): ReadonlyMap<string, QueryStatus> | undefined {
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

/** SET / UNSET / DEFINE / UNDEFINE: request-scoped, never commands. */
function requestLocal(
  stmt: Statement,
  properties: Record<string, string>,
  variables: Record<string, string>,
): StatementResult | undefined {
  const statementText = stmt.text;
  switch (stmt.kind) {
    case 'SetProperty':
      properties[stmt.name] = stmt.value;
      return { kind: 'PropertySet', statementText, name: stmt.name, value: stmt.value };
    case 'UnsetProperty':
      delete properties[stmt.name];
      return { kind: 'PropertyUnset', statementText, name: stmt.name };
    case 'DefineVariable':
      variables[stmt.name] = stmt.value;
      return { kind: 'VariableDefined', statementText, name: stmt.name };
    case 'UndefineVariable':
      delete variables[stmt.name];
      return { kind: 'VariableUndefined', statementText, name: stmt.name };
    default:
      return undefined;
  }
}

/** ksqlDB's CommandStatus message for a statement that ran. */
function successStatus(result: StatementResult | undefined, effects: QueryEffects): CommandStatus {
  const queryId = effects.created[0]?.id;
  let message = 'Success';
  if (result && 'message' in result && typeof result.message === 'string') message = result.message;
  else if (result?.kind === 'QueryTerminated') message = 'Query terminated.';
  else if (result?.kind === 'TypeCreated') message = 'Registered custom type with name ' + result.name;
  else if (result?.kind === 'TypeDropped') message = 'Dropped type ' + result.name;
  return queryId ? { status: 'SUCCESS', message, queryId } : { status: 'SUCCESS', message };
}

/** Result columns as ksqlDB prints them: each row is one value per column, in this order. */
function resultColumns(columns: readonly Column[], keyNames?: ReadonlySet<string>): ResultColumn[] {
  return columns.map((c) => ({
    name: c.name,
    type: formatSqlType(c.type),
    ...(keyNames?.has(c.name) ? { key: true } : {}),
  }));
}
