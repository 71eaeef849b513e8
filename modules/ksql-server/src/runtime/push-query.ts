import { randomBytes } from 'node:crypto';
import type { DeserializationFailure, TransientQueryPlan } from '@meterstream/ksql';
import { KafkaStreams } from '@meterstream/streams';
import type { Admin, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { cleanUpApplication } from './application-cleanup.js';
import { prefetching } from './prefetching.js';
import type { PushQuery } from './query-runtime.js';
import { RowBuffer } from './row-buffer.js';
import type { QueryStreamsSettings } from './streams-settings.js';
import { untilStarted } from './until-started.js';

export interface PushQueryOptions {
  readonly kafka: Kafka;
  /** From the request's properties. */
  readonly settings: QueryStreamsSettings;
  readonly bufferRows: number;
  readonly startTimeoutMs: number;
  readonly logger: Logger;
  readonly admin: () => Promise<Admin>;
  readonly processingLog: (failure: DeserializationFailure) => void;
  /** Told once the query has stopped and its resources are deleted. */
  readonly onClosed: () => void;
}

/** A result row of the topology's output: key and value as the plan's rows observable gives them. */
export interface ResultRecord {
  readonly key: unknown;
  readonly value: readonly unknown[] | null;
}

/**
 * One push query on its own transient KafkaStreams instance. Its application id is the plan's
 * with a random suffix (as ksqlDB's transient ids): a server restart reuses the engine's counters,
 * and the new query must not find the committed offsets of an old one's group.
 *
 * Rows go into a bounded RowBuffer; a reader that stops reading pauses the instance's consumer
 * (it stays in its group), and reading on resumes it. LIMIT ends the rows and stops the query.
 */
export class KafkaPushQuery implements PushQuery {
  readonly id: string;
  readonly applicationId: string;
  readonly rows: AsyncIterable<readonly unknown[]>;
  private readonly buffer: RowBuffer<readonly unknown[]>;
  private readonly streams: KafkaStreams;
  private subscription: { unsubscribe(): void } | undefined;
  private emitted = 0;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly plan: TransientQueryPlan,
    private readonly options: PushQueryOptions,
  ) {
    this.id = plan.id;
    this.applicationId = `${plan.applicationId}_${randomBytes(6).toString('hex')}`;
    this.buffer = new RowBuffer<readonly unknown[]>(
      options.bufferRows,
      () => this.streams.pause(),
      () => this.streams.resume(),
      () => void this.close(),
    );
    this.rows = this.buffer;
    const { settings } = options;
    this.streams = new KafkaStreams(plan.topology, {
      applicationId: this.applicationId,
      kafka: options.kafka,
      ...settings,
      // ksqlDB's push queries start at the latest offset unless the request says earliest; no
      // record cache unless asked, so each row reaches the reader as soon as it is processed.
      autoOffsetReset: settings.autoOffsetReset ?? 'latest',
      cacheMaxBytes: settings.cacheMaxBytes ?? 0,
      logger: options.logger,
      ...(plan.prefetch ? { beforeBatch: prefetching(plan.prefetch) } : {}),
    });
  }

  /** Rows waiting for the reader (bounded: see RowBuffer). */
  get buffered(): number {
    return this.buffer.size;
  }

  /** Whether the query stopped taking input because its reader is behind. */
  get paused(): boolean {
    return this.buffer.isPaused;
  }

  /** KafkaStreams state of the query's instance. */
  get state(): string {
    return this.streams.state();
  }

  async start(): Promise<void> {
    const limit = this.plan.limit;
    if (limit !== undefined && limit <= 0) {
      this.buffer.end();
      return;
    }
    const layout = this.plan.layout;
    this.subscription = this.plan.rows.subscribe({
      next: (record: ResultRecord) => {
        if (record.value === null || record.value === undefined) return; // a table's delete: no row
        if (limit !== undefined && this.emitted >= limit) return;
        this.buffer.push(layoutRow(record, layout));
        this.emitted++;
        if (limit !== undefined && this.emitted >= limit) {
          this.buffer.end();
          void this.close();
        }
      },
      error: (error: unknown) => this.buffer.end(error instanceof Error ? error : new Error(String(error))),
      // Every task closed: no more rows can come.
      complete: () => this.buffer.end(),
    });
    this.plan.processingLog?.attach(this.options.processingLog);
    this.streams.setStateListener((next) => {
      if (next === 'ERROR')
        this.buffer.end(this.streams.error() ?? new Error(`push query ${this.id} failed`));
    });
    await untilStarted(this.streams, this.options.startTimeoutMs, this.applicationId);
  }

  /** Stops the instance and deletes its consumer groups and internal topics; idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.buffer.end();
      try {
        await this.streams.close();
        const deleted = await cleanUpApplication(
          await this.options.admin(),
          this.plan.topology,
          this.applicationId,
        );
        this.options.logger.debug({ ...deleted }, 'push query closed');
      } finally {
        this.subscription?.unsubscribe();
        this.plan.processingLog?.attach(undefined);
        this.options.onClosed();
      }
    })();
    return this.closing;
  }
}

/** A row as the plan's columns lay it out: each from the key (windowed or not) or the value. */
export function layoutRow(record: ResultRecord, layout: TransientQueryPlan['layout']): unknown[] {
  const key = record.key as unknown[] | { key: unknown[] } | null;
  const keyValues = key === null ? [] : Array.isArray(key) ? key : key.key;
  const value = record.value ?? [];
  const row = new Array<unknown>(layout.length);
  for (let i = 0; i < layout.length; i++) {
    const c = layout[i] as TransientQueryPlan['layout'][number];
    row[i] = (c.part === 'KEY' ? keyValues[c.index] : value[c.index]) ?? null;
  }
  return row;
}
