import { setImmediate as nextLoopTurn } from 'node:timers/promises';
import type { KafkaMessage } from 'kafkajs';
import { DeserializationError } from '../serde/serde.js';
import type { PartitionGroup } from '../task/partition-group.js';
import type { RawRecord } from '../task/stream-task.js';
import type { Committer } from './committer.js';
import { toHeaders } from './kafka-message.js';
import type { RuntimeContext } from './runtime-context.js';
import type { ManagedTask, TaskManager } from './task-manager.js';

/** What kafkajs' eachBatch hands over (the parts used). */
export interface BatchPayload {
  batch: {
    topic: string;
    partition: number;
    messages: KafkaMessage[];
    highWatermark: string;
    /** kafkajs: the batch's last offset, transaction markers after its last record included. */
    lastOffset?(): string;
  };
  resolveOffset(offset: string): void;
  isRunning(): boolean;
  isStale(): boolean;
}

/**
 * The poll–process–commit loop of one instance (Kafka Streams' StreamThread): each batch kafkajs
 * delivers goes through its task (directly, or through the task's PartitionGroup when it has
 * several inputs), bad records to the dead-letter topic, and a commit follows when one is due; a
 * wall-clock tick punctuates, releases idle PartitionGroups and commits. Every method runs on the
 * instance's processing chain (KafkaStreams.serialized), never two at once.
 */
export class StreamThread {
  constructor(
    private readonly context: RuntimeContext,
    private readonly taskManager: TaskManager,
    private readonly committer: Committer,
  ) {}

  async processBatch(payload: BatchPayload): Promise<void> {
    // A batch is processed synchronously, and kafkajs hands over the batches of one fetch in a
    // row with only resolved promises between them: without this the event loop could run no I/O
    // (a pull query's HTTP request, a heartbeat) until a whole fetch response was processed.
    // setImmediate runs after the loop's I/O phase, so I/O waits at most one batch.
    await nextLoopTurn();
    const { context } = this;
    if (context.fatal || context.closing) return;
    if (context.awaitingAssignment) {
      // Unresolved, the batch is fetched again — after the next assignment, from the committed
      // offsets. The pause keeps kafkajs from re-fetching it in a tight loop until the rejoin.
      await new Promise((resolve) => setTimeout(resolve, 100));
      return;
    }
    const { batch } = payload;
    const managed = await this.taskManager.taskFor(batch.topic, batch.partition);
    if (!managed) return;
    const positionKey = `${batch.topic}:${batch.partition}`;
    const { beforeBatch } = context.settings;
    if (beforeBatch) {
      const { topic, partition, messages } = batch;
      await beforeBatch(
        messages.map((m) => m.value),
        { topic, partition, messages },
      );
    }
    if (managed.group) {
      await this.bufferBatch(managed, managed.group, payload, positionKey);
      return;
    }
    const { positions } = this.taskManager;
    const { config } = context;
    let processed = 0;
    const resumeAt = positions.get(positionKey) ?? -1;
    // Next input position of this partition, stored once after the loop (also when it stops early).
    let position = -1;
    const messages = batch.messages;
    const refuseNulls = this.refusesNulls();
    let completed = true;
    for (let i = 0; i < messages.length; i++) {
      // kafkajs answers isStale() with a map lookup keyed by a built string: check every 256 records
      // (a stale batch is one a seek or rebalance superseded; finishing a few more of it is harmless
      // because positions, not kafkajs offsets, decide what is committed).
      if ((i & 255) === 0 && (!payload.isRunning() || payload.isStale())) {
        completed = false;
        break;
      }
      const message = messages[i]!;
      // Restored state already reflects records before the last commit marker (commit-marker.ts).
      const offset = Number(message.offset);
      if (offset < resumeAt) continue;
      if (!this.processOne(managed, batch.topic, batch.partition, message, refuseNulls)) {
        completed = false;
        break;
      }
      processed++;
      position = offset + 1;
    }
    // Transaction markers after the batch's last record (an exactly-once writer's topic): the
    // position passes them, as a Kafka consumer's does, or the group would stay an offset short
    // of the partition's end for good.
    if (completed && position >= 0 && batch.lastOffset)
      position = Math.max(position, Number(batch.lastOffset()) + 1);
    if (position >= 0) positions.set(positionKey, position);
    if (context.fatal) return;
    // One resolve per batch: kafkajs parses offsets into Longs, which is costly per record. (A batch
    // entirely before the restored position resolves up to that position, so it is not fetched again.)
    const next = position >= 0 ? position : resumeAt;
    if (next > 0) payload.resolveOffset(String(next - 1));
    context.metrics.processed.inc({ application: config.applicationId }, processed);
    this.reportLag(batch);
    if (managed.task.isCommitRequested() || this.committer.isDue(Date.now())) await this.committer.commit();
  }

  /**
   * A fetch of transaction markers (or aborted records) alone, which kafkajs does not hand to
   * eachBatch: offsets [from, next) hold nothing to process. When they follow the partition's
   * position, it passes them and the task commits it (see processBatch).
   */
  passControlRecords(topic: string, partition: number, from: number, next: number): void {
    const key = `${topic}:${partition}`;
    if (this.taskManager.positions.get(key) !== from) return;
    this.taskManager.positions.set(key, next);
    for (const managed of this.taskManager.tasks.values())
      if (managed.partition === partition && managed.task.inputTopics().includes(topic)) managed.dirty = true;
  }

  /** One wall-clock tick: punctuation, idle PartitionGroups released, a commit when due. */
  async onTick(): Promise<void> {
    const { context } = this;
    if (context.fatal || !context.output) return;
    const now = Date.now();
    for (const managed of this.taskManager.tasks.values()) {
      try {
        if (managed.task.punctuateWallClock(now)) managed.dirty = true;
      } catch (error) {
        context.fail(error);
        return;
      }
      // A multi-input task waiting for an input of unknown position may process once it idled long enough.
      if (managed.group && managed.group.size() > 0 && !context.closing && !context.awaitingAssignment)
        this.drainGroup(managed, managed.group);
      if (context.fatal) return;
    }
    if (this.committer.isDue(now)) await this.committer.commit();
  }

  /**
   * Processes one record through its task; a deserialization error dead-letters it under
   * logAndContinue, anything else moves the instance to ERROR. False when processing must stop.
   * Either way the task is dirty and the record's position is consumed unless it failed.
   */
  private processOne(
    managed: ManagedTask,
    topic: string,
    partition: number,
    message: KafkaMessage,
    refuseNulls: boolean,
  ): boolean {
    const offset = Number(message.offset);
    const timestamp = Number(message.timestamp);
    const headers = toHeaders(message.headers);
    try {
      if (refuseNulls && (message.key === null || message.value === null)) {
        const part = message.key === null ? 'key' : 'value';
        throw new DeserializationError(
          `null ${part}`,
          part,
          { topic, partition, offset },
          { cause: new Error(`null ${part}`), kind: part === 'key' ? 'null-key' : 'null-value', part },
        );
      }
      managed.task.processBytes(topic, partition, offset, timestamp, message.key, message.value, headers);
    } catch (error) {
      if (
        error instanceof DeserializationError &&
        this.context.config.deserializationHandling === 'logAndContinue'
      ) {
        this.deadLetter(
          { topic, partition, offset, timestamp, key: message.key, value: message.value, headers },
          error,
        );
      } else {
        this.context.fail(error);
        return false;
      }
    }
    managed.dirty = true;
    return true;
  }

  private refusesNulls(): boolean {
    return (
      this.context.settings.deadLetterNulls === true &&
      this.context.config.deserializationHandling === 'logAndContinue'
    );
  }

  private reportLag(batch: BatchPayload['batch']): void {
    const last = batch.messages.at(-1);
    if (!last) return;
    this.context.metrics.consumerLag.set(
      {
        application: this.context.config.applicationId,
        topic: batch.topic,
        partition: String(batch.partition),
      },
      Math.max(0, Number(batch.highWatermark) - Number(last.offset) - 1),
    );
  }

  /**
   * A batch of a multi-input task: buffered, then the task processes whatever the buffer releases
   * (smallest timestamp first across its inputs; see PartitionGroup). The batch is resolved as a
   * whole — kafkajs fetches on — while committed positions follow what was processed.
   */
  private async bufferBatch(
    managed: ManagedTask,
    group: PartitionGroup<KafkaMessage>,
    payload: BatchPayload,
    positionKey: string,
  ): Promise<void> {
    const { batch } = payload;
    if (!payload.isRunning() || payload.isStale()) return;
    const resumeAt = this.taskManager.positions.get(positionKey) ?? -1;
    const messages =
      resumeAt < 0 ? batch.messages : batch.messages.filter((m) => Number(m.offset) >= resumeAt);
    group.add(batch.topic, batch.partition, messages, Number(batch.highWatermark));
    const last = batch.messages.at(-1);
    if (last) {
      payload.resolveOffset(last.offset);
      this.reportLag(batch);
    }
    this.drainGroup(managed, group);
    if (this.context.fatal) return;
    if (managed.task.isCommitRequested() || this.committer.isDue(Date.now())) await this.committer.commit();
  }

  /** Processes the records a task's buffer releases now; positions advance per processed record. */
  private drainGroup(managed: ManagedTask, group: PartitionGroup<KafkaMessage>): void {
    const { context } = this;
    const refuseNulls = this.refusesNulls();
    const now = Date.now();
    let processed = 0;
    for (let next = group.next(now); next !== undefined && !context.fatal; next = group.next(now)) {
      const { topic, partition, record: message, key } = next;
      group.pop(topic, partition);
      if (!this.processOne(managed, topic, partition, message, refuseNulls)) break;
      processed++;
      this.taskManager.positions.set(key, Number(message.offset) + 1);
    }
    if (processed > 0)
      context.metrics.processed.inc({ application: context.config.applicationId }, processed);
  }

  /** Sends the original bytes, with headers saying what went wrong and where, to the dead-letter topic. */
  private deadLetter(raw: RawRecord, error: DeserializationError): void {
    const { context } = this;
    const cause = error.cause instanceof Error ? error.cause.message : String(error.cause ?? '');
    context.log.warn(
      { topic: raw.topic, partition: raw.partition, offset: raw.offset, error: error.message },
      'dead-lettered',
    );
    context.metrics.deadLettered.inc({ application: context.config.applicationId });
    const text = (value: string) => Buffer.from(value, 'utf8');
    context.output!.send({
      topic: context.config.deadLetterTopic,
      partition: undefined,
      key: raw.key,
      value: raw.value,
      timestamp: raw.timestamp,
      headers: [
        ...(raw.headers ?? []),
        { key: 'error.class', value: text(error.name) },
        { key: 'error.message', value: text(error.message) },
        { key: 'error.cause', value: text(cause) },
        { key: 'error.part', value: text(error.part) },
        { key: 'error.topic', value: text(raw.topic) },
        { key: 'error.partition', value: text(String(raw.partition)) },
        { key: 'error.offset', value: text(String(raw.offset)) },
        { key: 'error.application', value: text(context.config.applicationId) },
        ...Object.entries(context.settings.deadLetterHeaders?.(raw, error) ?? {}).map(([key, value]) => ({
          key,
          value: text(value),
        })),
      ],
    });
  }
}
