import type { Admin, Consumer, Kafka, Producer, Transaction } from 'kafkajs';
import type { Logger } from 'pino';
import { type Command, commandTopicName, encodeCommand } from './command.js';

/** One record of the command topic as the reader delivers it (decoded by the runner). */
export interface CommandRecord {
  readonly offset: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

/** Writing a command failed: nothing of it is committed (its transaction was aborted or fenced). */
export class CommandWriteError extends Error {
  constructor(
    readonly topic: string,
    readonly commandId: string,
    cause: unknown,
  ) {
    super(
      `could not write command ${commandId} to ${topic}: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
    this.name = 'CommandWriteError';
    (this as { cause?: unknown }).cause = cause;
  }
}

/** The command topic exists in a shape the server cannot use (several partitions). */
export class CommandTopicError extends Error {
  constructor(topic: string, reason: string) {
    super(`command topic ${topic}: ${reason}`);
    this.name = 'CommandTopicError';
  }
}

/**
 * The transactional id of a service's command producer. One per service id: a new server's
 * producer fences the one before it and aborts the transaction that one left open (a crash
 * between begin and commit), so read_committed readers never see a half-written command.
 */
export function commandProducerTransactionalId(serviceId: string): string {
  return `_confluent-ksql-${serviceId}_command_producer`;
}

const READ_UNCOMMITTED = 0;
const READ_COMMITTED = 1;

/**
 * The command topic of one service: created if absent (1 partition, kept forever), written
 * through a transactional producer (acks=all), read by a long-lived read_committed consumer that
 * reports every record in order and how far it has read.
 */
export class CommandTopic {
  readonly name: string;
  private consumer: Consumer | undefined;
  /** Next offset the reader will look at; counts markers and aborted records it skipped. */
  private position = 0;
  private crashed: unknown;

  constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly serviceId: string,
    private readonly logger: Logger,
  ) {
    this.name = commandTopicName(serviceId);
  }

  /** Creates the topic if absent, replicated as the cluster allows (3 at most, as ksqlDB). */
  async ensure(brokerCount: number): Promise<void> {
    const existing = await this.admin.listTopics();
    if (existing.includes(this.name)) {
      const { topics } = await this.admin.fetchTopicMetadata({ topics: [this.name] });
      const partitions = topics[0]?.partitions.length ?? 0;
      if (partitions !== 1)
        throw new CommandTopicError(
          this.name,
          `has ${partitions} partitions; a command topic needs exactly 1`,
        );
      return;
    }
    const replicas = Math.max(1, Math.min(3, brokerCount));
    await this.admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: this.name,
          numPartitions: 1,
          replicationFactor: replicas,
          configEntries: [
            { name: 'retention.ms', value: '-1' },
            { name: 'cleanup.policy', value: 'delete' },
            { name: 'min.insync.replicas', value: replicas >= 3 ? '2' : '1' },
          ],
        },
      ],
    });
    this.logger.info({ topic: this.name, replicas }, 'created the command topic');
  }

  /**
   * Opens a writer for one command, as ksqlDB does per request: a new transactional producer whose
   * id initialisation (kafkajs does it when the first transaction begins) fences every earlier producer of this service
   * and aborts the transaction one left open (a crash between begin and commit). From then on no
   * other server can commit a command before this one without fencing it (its commit then fails
   * and nothing is recorded), so a writer that catches up after opening writes after everything
   * its engine has applied.
   */
  async openWriter(): Promise<CommandWriter> {
    const producer = this.kafka.producer({
      transactionalId: commandProducerTransactionalId(this.serviceId),
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
    await producer.connect();
    try {
      // Begins the transaction now: this is what initialises the producer id, and so fences.
      const txn = await producer.transaction();
      return new CommandWriter(producer, txn, this.name, this.logger);
    } catch (err) {
      await producer.disconnect();
      throw err;
    }
  }

  /**
   * Starts reading the topic from its start (read_committed): `onRecord` gets every committed
   * record in offset order. kafkajs has no assign(): the reader joins a group of its own and
   * never commits.
   */
  async startReading(groupId: string, onRecord: (record: CommandRecord) => void): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId,
      readUncommitted: false,
      maxWaitTimeInMs: 100,
      sessionTimeout: 6_000,
      heartbeatInterval: 1_000,
      allowAutoTopicCreation: false,
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.crashed = payload.error;
      this.logger.error({ err: payload.error, topic: this.name }, 'the command topic reader crashed');
    });
    // Batches left empty by read_committed (markers, aborted records) never reach eachBatch.
    consumer.on(consumer.events.START_BATCH_PROCESS, ({ payload }) => {
      if (payload.batchSize === 0) this.advance(Number(payload.lastOffset) + 1);
    });
    await consumer.connect();
    this.consumer = consumer;
    await consumer.subscribe({ topics: [this.name], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          const offset = Number(m.offset);
          if (offset >= this.position) onRecord({ offset, key: m.key, value: m.value });
        }
        this.advance(Number(batch.lastOffset()) + 1);
      },
    });
  }

  private advance(next: number): void {
    if (next > this.position) this.position = next;
  }

  /** The reader's error, when it stopped. */
  get readerError(): unknown {
    return this.crashed;
  }

  /**
   * Resolves once the reader has delivered every record committed so far: its position reached
   * the last stable offset while no transaction was open (high watermark = LSO, read in that
   * order). False when `timeoutMs` passed first.
   *
   * `known`: offsets below it the caller already holds — its own last command and that command's
   * commit marker — so it need not wait for the reader to fetch them back (the next command would
   * otherwise wait a fetch round for its predecessor).
   */
  async waitCaughtUp(timeoutMs: number, known = 0): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (this.crashed) throw this.crashed;
      const [high] = await this.admin.fetchTopicOffsets(this.name, { isolationLevel: READ_UNCOMMITTED });
      const [stable] = await this.admin.fetchTopicOffsets(this.name, { isolationLevel: READ_COMMITTED });
      const lso = Number(stable?.high ?? 0);
      if (lso >= Number(high?.high ?? 0) && Math.max(this.position, known) >= lso) return true;
      if (performance.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async close(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.disconnect();
  }
}

/** Writes one command in one transaction; closed after (see CommandTopic.openWriter). */
export class CommandWriter {
  constructor(
    private readonly producer: Producer,
    private readonly txn: Transaction,
    private readonly topic: string,
    private readonly logger: Logger,
  ) {}

  /**
   * Writes the command and commits (acks=all); resolves with its offset, the command's sequence
   * number. On failure the transaction is aborted (when it still can be) and nothing is recorded.
   */
  async write(commandId: string, command: Command): Promise<number> {
    const txn = this.txn;
    try {
      const [meta] = await txn.send({
        topic: this.topic,
        acks: -1,
        messages: [{ key: commandId, value: encodeCommand(command) }],
      });
      await txn.commit();
      const offset = meta?.baseOffset ?? meta?.offset;
      if (offset === undefined) throw new Error('the broker returned no offset for the command');
      return Number(offset);
    } catch (err) {
      if (txn.isActive()) {
        await txn.abort().catch((abortErr: unknown) => {
          this.logger.warn({ err: abortErr, commandId }, 'aborting the failed command transaction failed');
        });
      }
      throw new CommandWriteError(this.topic, commandId, err);
    }
  }

  /** Ends the writer; a transaction that wrote nothing is ended without a request. */
  async close(): Promise<void> {
    try {
      if (this.txn.isActive()) await this.txn.abort();
    } finally {
      await this.producer.disconnect();
    }
  }
}
