import { randomBytes } from 'node:crypto';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { type RegistryPrinter, registryPrinter, type SchemaRegistry } from '@meterstream/ksql';
import { RecordFormatter, schemaIdOf } from '../kafka/record-formatter.js';
import { RowBuffer } from './row-buffer.js';

export interface PrintOptions {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly topic: string;
  readonly fromBeginning: boolean;
  /** INTERVAL: every n-th record is printed (default 1). */
  readonly interval: number;
  /** LIMIT: stop after this many printed records. */
  readonly limit?: number;
  readonly serviceId: string;
  readonly logger: Logger;
  /** Where the writer schemas of Confluent-framed payloads are fetched (AVRO lines); none: no AVRO. */
  readonly registry?: SchemaRegistry;
  /** Told once the print has stopped and its consumer group is deleted. */
  readonly onClosed: () => void;
}

/**
 * PRINT topic [FROM BEGINNING] [INTERVAL n] [LIMIT n] (ksqlDB's TopicStreamWriter): a throw-away
 * consumer group reads the topic from the latest offset (or the beginning) and hands out ksqlDB's
 * text lines — the records' lines, preceded by `Key format:` / `Value format:` lines whenever the
 * formats found possible change. Lines wait in a bounded RowBuffer: a reader that stops reading
 * pauses the consumer. Runs until LIMIT or close().
 */
export class PrintTopic {
  readonly id: string;
  readonly lines: AsyncIterable<string>;
  private readonly buffer: RowBuffer<string>;
  /** Schemas by id, fetched before the batch naming them is formatted (the formatter is synchronous). */
  private readonly schemas = new Map<number, RegistryPrinter>();
  /** Ids the registry did not answer, or of schemas not printed: looked up once. */
  private readonly unknownIds = new Set<number>();
  private readonly formatter = new RecordFormatter(this.schemas);
  private consumer: Consumer | undefined;
  private readonly groupId: string;
  private polled = 0;
  private written = 0;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: PrintOptions) {
    if (!(options.interval >= 1))
      throw new RangeError(`INTERVAL must be greater than one, but was: ${options.interval}`);
    this.id = `print_${randomBytes(6).toString('hex')}`;
    this.groupId = `_confluent-ksql-${options.serviceId}${this.id}`;
    this.buffer = new RowBuffer<string>(
      1000,
      () => this.consumer?.pause([{ topic: options.topic }]),
      () => this.consumer?.resume([{ topic: options.topic }]),
      () => this.closeLogged(),
    );
    this.lines = this.buffer;
  }

  /** Joins its group and starts reading (resolves once the consumer runs). */
  async start(): Promise<void> {
    const { kafka, topic, fromBeginning, interval, limit } = this.options;
    if (limit !== undefined && limit <= 0) {
      this.buffer.end();
      return;
    }
    const consumer = kafka.consumer({ groupId: this.groupId, readUncommitted: true, maxWaitTimeInMs: 500 });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.buffer.end(payload.error);
      this.closeLogged();
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        if (this.closing) return;
        await this.fetchSchemas(batch.messages.flatMap((m) => [m.key, m.value]));
        const out: string[] = [];
        for (const m of batch.messages) {
          const line = this.formatter.format({
            timestamp: Number(m.timestamp),
            key: m.key,
            value: m.value,
            partition: batch.partition,
          });
          if (this.polled++ % interval !== 0) continue;
          out.push(line);
          this.written++;
          if (limit !== undefined && this.written >= limit) break;
        }
        if (out.length === 0) return;
        for (const line of this.formatter.formatLines()) this.buffer.push(line);
        for (const line of out) this.buffer.push(line);
        if (limit !== undefined && this.written >= limit) {
          this.buffer.end();
          this.closeLogged();
        }
      },
    });
  }

  /**
   * Fetches the schemas of the framed payloads not seen yet. An id the registry does not know (or
   * bytes that only look framed) is remembered and the payload read by the other formats, as
   * ksqlDB's deserializers fail over to the next format.
   */
  private async fetchSchemas(payloads: readonly (Buffer | null)[]): Promise<void> {
    const registry = this.options.registry;
    if (!registry) return;
    const ids = new Set<number>();
    for (const p of payloads) {
      const id = schemaIdOf(p);
      if (id !== undefined && !this.schemas.has(id) && !this.unknownIds.has(id)) ids.add(id);
    }
    for (const id of ids) {
      try {
        const printer = await registryPrinter(registry, await registry.byId(id));
        if (printer) this.schemas.set(id, printer);
        else this.unknownIds.add(id); // a JSON schema: JSON_SR is not printed as such
      } catch (err) {
        this.unknownIds.add(id);
        this.options.logger.debug(
          { err, id, topic: this.options.topic },
          'print: no schema for a framed payload',
        );
      }
    }
  }

  /** Stops the consumer and deletes its group; idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.buffer.end();
      try {
        if (this.consumer) {
          await this.consumer.disconnect();
          await this.options.admin.deleteGroups([this.groupId]).catch((err: unknown) => {
            this.options.logger.debug({ err, groupId: this.groupId }, 'print: group not deleted');
          });
        }
      } finally {
        this.options.onClosed();
      }
    })();
    return this.closing;
  }

  private closeLogged(): void {
    this.close().catch((err: unknown) => {
      this.options.logger.warn({ err, queryId: this.id }, 'closing a PRINT failed');
    });
  }
}
