import { randomBytes } from 'node:crypto';
import type { DeserializationFailure, TransientQueryPlan } from '@meterstream/ksql';
import { TopologyTestDriver } from '@meterstream/streams';
import type { Admin, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { type BoundedRecord, BoundedTopicReader } from '../kafka/bounded-topic-reader.js';
import { layoutRow, type ResultRecord } from './push-query.js';
import type { PushQuery } from './query-runtime.js';
import { RowBuffer } from './row-buffer.js';

export interface StreamScanOptions {
  readonly kafka: Kafka;
  readonly admin: Admin;
  /** Rows buffered for a slow reader before the scan stops fetching (as push queries). */
  readonly bufferRows: number;
  readonly logger: Logger;
  /** Where records the scan cannot deserialize are written (the processing log); they are skipped. */
  readonly processingLog?: (failure: DeserializationFailure) => void;
  /** Told once the scan has stopped and its consumer group is deleted. */
  readonly onClosed: () => void;
}

/** Why a scan's rows ended by themselves. */
export type ScanEnd = 'limit' | 'end-offsets';

/**
 * A pull query on a stream: the plan's topology run over the stream's topic from its beginning to
 * the end offsets taken when the scan starts, then done (ksqlDB ≥ 0.23, where /query ends it with
 * "Query Completed", or "Limit Reached" at LIMIT).
 *
 * The plan is the push query over the same SELECT (WHERE, projection; no GROUP BY, JOIN or WINDOW:
 * the engine refuses them), so its topology is stateless and runs in process on a
 * TopologyTestDriver — the same task code the Kafka runtime runs, without a consumer group of its
 * own or internal topics — fed by a BoundedTopicReader. Rows go through a RowBuffer as a push
 * query's: a reader that stops reading pauses the fetch.
 */
export class StreamScanQuery implements PushQuery {
  readonly id: string;
  readonly rows: AsyncIterable<readonly unknown[]>;
  private readonly buffer: RowBuffer<readonly unknown[]>;
  private readonly reader: BoundedTopicReader;
  private driver: TopologyTestDriver | undefined;
  private subscription: { unsubscribe(): void } | undefined;
  private emitted = 0;
  private endedBy: ScanEnd | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly plan: TransientQueryPlan & { readonly streamScan: { readonly topic: string } },
    private readonly options: StreamScanOptions,
  ) {
    this.id = plan.id;
    this.buffer = new RowBuffer<readonly unknown[]>(
      options.bufferRows,
      () => this.reader.pause(),
      () => this.reader.resume(),
      () => this.closeLogged(),
    );
    this.rows = this.buffer;
    this.reader = new BoundedTopicReader({
      kafka: options.kafka,
      admin: options.admin,
      topic: plan.streamScan.topic,
      groupId: `${plan.applicationId}_${randomBytes(6).toString('hex')}`,
      logger: options.logger,
      onBatch: (topic, records) => this.process(topic, records),
    });
  }

  /** Why the rows ended by themselves (undefined while running, or when closed from outside). */
  get ended(): ScanEnd | undefined {
    return this.endedBy;
  }

  /** Takes the end offsets and starts reading; rows then arrive on `rows` until the end. */
  async start(): Promise<void> {
    const limit = this.plan.limit;
    if (limit !== undefined && limit <= 0) {
      this.end('limit');
      return;
    }
    // No record cache and no commit per record: a stateless topology emits each row as it runs.
    this.driver = new TopologyTestDriver(this.plan.topology, {
      applicationId: this.plan.applicationId,
      cacheMaxBytes: 0,
      commitEveryRecords: 0,
      logger: this.options.logger,
    });
    const layout = this.plan.layout;
    this.subscription = this.plan.rows.subscribe({
      next: (record: ResultRecord) => {
        if (record.value === null || record.value === undefined || this.endedBy) return;
        this.buffer.push(layoutRow(record, layout));
        this.emitted++;
        if (limit !== undefined && this.emitted >= limit) this.end('limit');
      },
      error: (error: unknown) => this.buffer.end(error instanceof Error ? error : new Error(String(error))),
    });
    // Records the source cannot deserialize are skipped by the plan and written to the processing
    // log, as in a push query; the scan goes on.
    this.plan.processingLog?.attach((failure) => {
      this.options.logger.debug(
        { queryId: this.id, topic: failure.topic, target: failure.target, err: failure.error },
        'stream pull query skipped a record it cannot deserialize',
      );
      this.options.processingLog?.(failure);
    });
    this.reader.done.then(
      () => this.end('end-offsets'),
      (error: Error) => {
        this.buffer.end(error);
        this.closeLogged();
      },
    );
    await this.reader.start();
  }

  /** Stops reading and deletes the scan's consumer group; idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.buffer.end();
      try {
        await this.reader.close();
      } finally {
        this.subscription?.unsubscribe();
        this.plan.processingLog?.attach(undefined);
        this.driver?.close();
        this.options.onClosed();
      }
    })();
    return this.closing;
  }

  private async process(topic: string, records: readonly BoundedRecord[]): Promise<void> {
    const driver = this.driver;
    if (!driver || this.endedBy || this.closing) return;
    if (this.plan.prefetch) {
      await this.plan.prefetch(
        topic,
        'key',
        records.map((r) => r.key),
      );
      await this.plan.prefetch(
        topic,
        'value',
        records.map((r) => r.value),
      );
    }
    for (const r of records) {
      if (this.endedBy || this.closing) return;
      driver.pipeSerialized(topic, r.key, r.value, r.timestamp, r.headers);
    }
  }

  private end(reason: ScanEnd): void {
    if (this.endedBy) return;
    this.endedBy = reason;
    this.buffer.end();
    this.closeLogged();
  }

  /** close() from a callback: nobody awaits it, so a failure is logged here. */
  private closeLogged(): void {
    this.close().catch((err: unknown) => {
      this.options.logger.warn({ err, queryId: this.id }, 'closing a stream pull query failed');
    });
  }
}
