import type { Header, Headers } from '@meterstream/streams';
import type { Admin, Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';

/** One record of the topic, as the reader hands it on. */
export interface BoundedRecord {
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Headers;
}

export interface BoundedTopicReaderOptions {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly topic: string;
  /** A throw-away consumer group (kafkajs has no assign()): deleted by close(). */
  readonly groupId: string;
  readonly logger: Logger;
  /**
   * Takes one fetched batch of a partition (records below the end offset only, in offset order).
   * The next batch is fetched once it resolves; a rejection fails the read.
   */
  onBatch(topic: string, records: readonly BoundedRecord[]): Promise<void>;
}

/** Where a partition's read stands: from its start offset to the end taken at start(). */
interface PartitionRead {
  position: number;
  readonly end: number;
}

/**
 * Reads a topic from its beginning up to the end offsets it finds when it starts, then stops: the
 * input of a pull query on a stream (ksqlDB ≥ 0.23 runs those from earliest to the end offsets
 * taken when the query starts; records written later are not part of the answer).
 *
 * As ksqlDB's stream pull queries the read is read_uncommitted and the ends are high watermarks;
 * a partition that is empty (end 0, or start = end after retention) is not waited for. Positions
 * advance with every fetched batch — control records included, which kafkajs never hands out —
 * so a partition whose last offsets are transaction markers still completes.
 */
export class BoundedTopicReader {
  /** Resolves once every partition reached its end; rejects when the read failed. */
  readonly done: Promise<void>;
  private resolveDone!: () => void;
  private rejectDone!: (error: Error) => void;
  private readonly pending = new Map<number, PartitionRead>();
  private consumer: Consumer | undefined;
  private paused = false;
  private finished = false;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: BoundedTopicReaderOptions) {
    this.done = new Promise<void>((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    // A failure before anyone awaits `done` must not be an unhandled rejection: callers see it there.
    this.done.catch(() => undefined);
  }

  /** Takes the end offsets and starts reading (resolves once the consumer runs). */
  async start(): Promise<void> {
    const { admin, topic, kafka, groupId } = this.options;
    const offsets = await admin.fetchTopicOffsets(topic, { isolationLevel: 0 });
    for (const o of offsets) {
      const start = Number(o.low);
      const end = Number(o.high);
      if (end > start) this.pending.set(o.partition, { position: start, end });
    }
    if (this.pending.size === 0) {
      this.finish();
      return;
    }
    const consumer = kafka.consumer({
      groupId,
      readUncommitted: true,
      maxWaitTimeInMs: 100,
      allowAutoTopicCreation: false,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => this.fail(payload.error));
    // Batches whose records were all filtered out (control records) never reach eachBatch.
    consumer.on(consumer.events.START_BATCH_PROCESS, ({ payload }) => {
      if (payload.batchSize === 0 && payload.topic === topic)
        this.advance(payload.partition, payload.lastOffset);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const read = this.pending.get(batch.partition);
        if (!read || this.finished) return;
        const records: BoundedRecord[] = [];
        for (const m of batch.messages) {
          const offset = Number(m.offset);
          if (offset >= read.end) break;
          if (offset < read.position) continue;
          records.push(recordOf(batch.partition, offset, m));
        }
        try {
          if (records.length > 0) await this.options.onBatch(topic, records);
        } catch (error) {
          this.fail(error);
          return;
        }
        this.advance(batch.partition, batch.lastOffset());
      },
    });
  }

  /** Stops fetching (the reader of the results is behind). */
  pause(): void {
    this.paused = true;
    this.consumer?.pause([{ topic: this.options.topic }]);
  }

  /** Fetches again the partitions not yet read to their end. */
  resume(): void {
    this.paused = false;
    if (this.pending.size > 0)
      this.consumer?.resume([{ topic: this.options.topic, partitions: [...this.pending.keys()] }]);
  }

  /** Stops the consumer and deletes its group; idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.finished = true;
      const consumer = this.consumer;
      if (!consumer) return;
      await consumer.disconnect();
      try {
        await this.options.admin.deleteGroups([this.options.groupId]);
      } catch (err) {
        // The group may never have been created (closed before joining): nothing to delete.
        this.options.logger.debug({ err, groupId: this.options.groupId }, 'bounded read: group not deleted');
      }
    })();
    return this.closing;
  }

  private advance(partition: number, lastOffset: string): void {
    const read = this.pending.get(partition);
    if (!read) return;
    read.position = Math.max(read.position, Number(lastOffset) + 1);
    if (read.position < read.end) return;
    this.pending.delete(partition);
    this.consumer?.pause([{ topic: this.options.topic, partitions: [partition] }]);
    if (this.pending.size === 0) this.finish();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.resolveDone();
  }

  private fail(error: unknown): void {
    if (this.finished) return;
    this.finished = true;
    this.rejectDone(error instanceof Error ? error : new Error(String(error)));
  }

  /** Whether pause() is in force (tests, diagnostics). */
  get isPaused(): boolean {
    return this.paused;
  }
}

function recordOf(partition: number, offset: number, m: KafkaMessage): BoundedRecord {
  return {
    partition,
    offset,
    timestamp: Number(m.timestamp),
    key: m.key,
    value: m.value,
    headers: headersOf(m.headers),
  };
}

/** kafkajs' header map (a value may repeat as an array) as the streams library's header list. */
function headersOf(headers: KafkaMessage['headers']): Headers {
  const out: Header[] = [];
  for (const [key, value] of Object.entries(headers ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) {
      out.push({ key, value: v === undefined ? null : Buffer.isBuffer(v) ? v : Buffer.from(v) });
    }
  }
  return out;
}
