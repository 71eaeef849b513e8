import { randomUUID } from 'node:crypto';
import {
  HttpSchemaRegistry,
  KsqlEngine,
  type SchemaRegistry,
  type Statement,
  type StatementResult,
} from '@meterstream/ksql';
import { type Admin, Kafka, logLevel, type Producer } from 'kafkajs';
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
import type { QueryRuntime, QueryStatus } from '../runtime/query-runtime.js';
import { type CommandStatus, type ExecutedStatement, ServiceError } from './ksql-service.js';
import type { KsqlServiceOptions } from './ksql-service-options.js';
import { processingLogAutoCreate, processingLogStatement, processingLogTopic } from './processing-log.js';
import { applyToRuntime, captureQueryEffects, type QueryEffects, startQuery } from './query-effects.js';
import { SerialQueue } from './serial-queue.js';
import { successStatus } from './statement-results.js';

/**
 * The command side of KsqlService: an engine behind the command topic (start-up replay, commands
 * read from the topic, commands executed for a request).
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
export abstract class CommandTopicEngine {
  readonly serviceId: string;
  protected readonly kafka: Kafka;
  protected readonly admin: Admin;
  protected readonly writerProducer: Producer;
  protected readonly registry: SchemaRegistry;
  protected readonly properties: Readonly<Record<string, string>>;
  protected readonly runtime: QueryRuntime;
  protected readonly logger: Logger;
  protected readonly commandTopic: CommandTopic;
  protected readonly queue = new SerialQueue();
  protected engine: KsqlEngine;
  /** Commands applied to the engine, in topic order (what a rebuild re-executes). */
  protected readonly applied: SequencedCommand[] = [];
  /** Offset of the last command applied (-1: none). */
  protected appliedOffset = -1;
  /**
   * End of our own last write: its offset + 2 (the command and its transaction's commit marker).
   * Everything below it is applied: we caught up before writing, and no other server could commit
   * between our writer's fencing and our commit.
   */
  protected ownEnd = 0;
  /** Records read from the topic, not yet applied. */
  protected readonly inbox: CommandRecord[] = [];
  protected readonly statuses = new Map<string, CommandStatus>();
  /** Persistent queries handed to the runtime. */
  protected readonly running = new Set<string>();
  protected replaying = true;
  protected clusterId = '';
  protected closed = false;

  constructor(protected readonly options: KsqlServiceOptions) {
    this.serviceId = options.serviceId ?? 'default_';
    this.properties = options.properties ?? {};
    this.runtime = options.runtime;
    this.logger = options.logger;
    this.kafka = new Kafka({
      clientId: `ksql-${this.serviceId}`,
      brokers: [...options.brokers],
      logLevel: logLevel.NOTHING,
      ...options.kafkaSecurity,
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

  protected newEngine(): KsqlEngine {
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
  protected async createProcessingLog(): Promise<void> {
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

  protected receive(record: CommandRecord): void {
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
  protected async drainInbox(): Promise<void> {
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
  protected async replayCommand(command: SequencedCommand): Promise<QueryEffects | undefined> {
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

  protected markApplied(command: SequencedCommand): void {
    this.applied.push(command);
    this.appliedOffset = command.sequenceNumber;
  }

  /** The engine again from the applied commands: undoes an effect the topic did not record. */
  protected async rebuildEngine(): Promise<void> {
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

  protected commandTimeoutMs(): number {
    const configured = Number(this.properties['ksql.server.command.response.timeout.ms']);
    return Number.isFinite(configured) && configured > 0 ? configured : 5_000;
  }

  /** commandSequenceNumber: waits until the command at that offset has been applied. */
  protected async waitForSequence(sequenceNumber: number | undefined): Promise<void> {
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

  /** Runs on the serial queue: validate by executing, write, then start/stop queries (see class). */
  protected async executeCommand(
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

  /** Statuses of the persistent queries a result names (SHOW QUERIES, EXPLAIN, DESCRIBE EXTENDED). */
  protected abstract queryStatusOf(result: StatementResult): ReadonlyMap<string, QueryStatus> | undefined;
}
