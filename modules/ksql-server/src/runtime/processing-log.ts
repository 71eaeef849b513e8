import type { DeserializationFailure } from '@meterstream/ksql';
import type { Admin, Kafka, Producer } from 'kafkajs';
import type { Logger } from 'pino';

/**
 * A processing-log record as ksqlDB writes it to its topic (ProcessingLogMessageSchema through the
 * StructuredJsonLayout without schemas): every message kind's field is present, null but the one
 * the `type` names. Only deserialization errors are written here (type 0).
 */
export interface ProcessingLogRecord {
  readonly level: 'ERROR';
  readonly logger: string;
  readonly time: number;
  readonly message: {
    readonly type: 0;
    readonly deserializationError: {
      readonly target: 'key' | 'value';
      readonly errorMessage: string;
      /** The undecodable bytes, base64; null unless rows are included (ksql.logging.processing.rows.include). */
      readonly recordB64: string | null;
      readonly cause: readonly string[];
      readonly topic: string;
    };
    readonly recordProcessingError: null;
    readonly productionError: null;
    readonly serializationError: null;
    readonly kafkaStreamsThreadError: null;
  };
}

/** ksqlDB's record for a deserialization failure. */
export function deserializationRecord(
  failure: DeserializationFailure,
  time: number,
  includeRows: boolean,
): ProcessingLogRecord {
  const causes: string[] = [];
  const top = failure.error;
  for (let e = top instanceof Error ? top.cause : undefined; e !== undefined && e !== null; ) {
    causes.push(e instanceof Error ? e.message : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return {
    level: 'ERROR',
    logger: failure.logger,
    time,
    message: {
      type: 0,
      deserializationError: {
        target: failure.target,
        errorMessage: top instanceof Error ? top.message : String(top),
        recordB64: includeRows && failure.bytes ? failure.bytes.toString('base64') : null,
        cause: causes,
        topic: failure.topic,
      },
      recordProcessingError: null,
      productionError: null,
      serializationError: null,
      kafkaStreamsThreadError: null,
    },
  };
}

export interface ProcessingLogOptions {
  readonly kafka: Kafka;
  /** `<service id>ksql_processing_log` in ksqlDB. */
  readonly topic: string;
  /** ksql.logging.processing.rows.include: put the record's bytes in the entries. */
  readonly includeRows: boolean;
  /** For a topic that must be created (ksql.logging.processing.topic.partitions / .replication.factor). */
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly logger: Logger;
}

/**
 * Writes the processing log of every query of a runtime to its Kafka topic (created on the first
 * entry if missing). Entries come synchronously from inside a query's processing; they are queued
 * and sent in order by one producer, apart from the queries' own commits — as ksqlDB's log4j
 * appender is: an entry is not part of the query's transaction. A failed send is logged with the
 * entries it held, never thrown into a query.
 */
export class ProcessingLogWriter {
  private readonly queue: ProcessingLogRecord[] = [];
  private producer: Producer | undefined;
  private ready: Promise<void> | undefined;
  private sending: Promise<void> = Promise.resolve();
  private scheduled = false;
  private written = 0;

  constructor(private readonly options: ProcessingLogOptions) {}

  /** Queues a deserialization failure's entry. */
  deserializationError(failure: DeserializationFailure): void {
    this.queue.push(deserializationRecord(failure, Date.now(), this.options.includeRows));
    if (this.scheduled) return;
    this.scheduled = true;
    // After the batch being processed: its failures go out in one send.
    setImmediate(() => {
      this.scheduled = false;
      this.sending = this.sending.then(() => this.sendQueued());
    });
  }

  /** Entries sent so far. */
  count(): number {
    return this.written;
  }

  /** Resolves once every entry queued before the call has been sent (or its failure logged). */
  async flush(): Promise<void> {
    while (this.scheduled || this.queue.length > 0) {
      await new Promise((resolve) => setImmediate(resolve));
      await this.sending;
    }
    await this.sending;
  }

  async close(): Promise<void> {
    await this.flush();
    await this.producer?.disconnect();
    this.producer = undefined;
    this.ready = undefined;
  }

  private async sendQueued(): Promise<void> {
    const entries = this.queue.splice(0);
    if (entries.length === 0) return;
    try {
      this.ready ??= this.connect();
      await this.ready;
      await this.producer?.send({
        topic: this.options.topic,
        acks: -1,
        messages: entries.map((e) => ({ key: null, value: JSON.stringify(e), timestamp: String(e.time) })),
      });
      this.written += entries.length;
    } catch (err) {
      this.ready = undefined;
      this.options.logger.error(
        { err, topic: this.options.topic, entries },
        'processing log: entries could not be written',
      );
    }
  }

  private async connect(): Promise<void> {
    const { kafka, topic, partitions, replicationFactor } = this.options;
    const admin: Admin = kafka.admin();
    await admin.connect();
    try {
      if (!(await admin.listTopics()).includes(topic)) {
        await admin.createTopics({
          waitForLeaders: true,
          topics: [{ topic, numPartitions: partitions, replicationFactor }],
        });
      }
    } finally {
      await admin.disconnect();
    }
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    this.producer = producer;
  }
}
