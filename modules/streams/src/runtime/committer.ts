import type { RecordMetadata, TopicMessages } from 'kafkajs';
import type { StreamsProducer } from './kafka-client.js';
import { classifyCommitFailure } from './commit-failure.js';
import { flattenOffsets, mergeNextOffsets } from './kafka-message.js';
import { recordsOf } from './output-buffer.js';
import { connectProducer } from './producer.js';
import type { RuntimeContext } from './runtime-context.js';
import type { ManagedTask, TaskManager } from './task-manager.js';

/**
 * The commit cycle of one instance: flush the dirty tasks (caches → stores → changelog records;
 * suppression buffers emit) → commit markers → send changelog and output records → commit input
 * offsets → persistent stores write their checkpoint; and what a failed commit does to the tasks.
 * Only ever called from the instance's processing chain.
 */
export class Committer {
  private lastCommit = Date.now();
  private reportedLate = 0;

  constructor(
    private readonly context: RuntimeContext,
    private readonly taskManager: TaskManager,
  ) {}

  /** commitIntervalMs has passed since the last commit. */
  isDue(now: number): boolean {
    return now - this.lastCommit >= this.context.config.commitIntervalMs;
  }

  async commit(): Promise<void> {
    const { context, taskManager } = this;
    const { output, producer, consumer, config, exactlyOnce } = context;
    if (context.fatal || !output || !producer || !consumer) return;
    const dirty = taskManager.dirtyTasks();
    this.lastCommit = Date.now();
    if (dirty.length === 0 && output.size() === 0) return;
    const timer = context.metrics.commitSeconds.startTimer({ application: config.applicationId });
    try {
      for (const managed of dirty) managed.task.flush();
    } catch (error) {
      context.fail(error);
      return;
    }
    const offsets = taskManager.committableOffsets(dirty);
    const now = Date.now();
    // Under at_least_once nothing makes the sends atomic, so the records go first and the commit
    // markers only once they are acknowledged: a marker declares its input positions done, and a
    // restore skips that input. Sent together, a crash could leave a marker whose output had not
    // reached Kafka — a window the suppression buffer emitted (and dropped) would then be lost.
    const records = exactlyOnce ? [] : output.drain();
    for (const managed of dirty) {
      if (managed.changelogs.size === 0) continue;
      const positions = taskManager.inputPositions(managed);
      for (const topic of managed.changelogs.values())
        output.commitMarker(topic, managed.partition, positions, now);
    }
    const messages = output.drain();
    const next = new Map<string, number>();
    try {
      if (exactlyOnce) {
        const transaction = await producer.transaction();
        try {
          for (const send of messages)
            mergeNextOffsets(next, send, await transaction.sendBatch({ topicMessages: send, acks: -1 }));
          if (offsets.length)
            await transaction.sendOffsets({
              consumerGroupId: config.applicationId,
              topics: offsets,
              consumerGroupMetadata: context.groupMetadata ?? undefined,
            });
          await transaction.commit();
        } catch (error) {
          const aborted = await transaction.abort().then(
            () => true,
            (abortError: unknown) => {
              context.log.warn({ err: abortError }, 'abort failed');
              return false;
            },
          );
          throw aborted ? error : new ProducerUnusableError(error);
        }
      } else {
        for (const send of records) mergeNextOffsets(next, send, await this.send(producer, send));
        for (const send of messages) mergeNextOffsets(next, send, await this.send(producer, send));
        // Sent: the changelogs now hold this state and its input positions (commit markers), so the
        // tasks are consistent with Kafka even if the offset commit below fails.
        for (const managed of dirty) managed.dirty = false;
        if (offsets.length) await consumer.commitOffsets(flattenOffsets(offsets));
      }
    } catch (error) {
      timer();
      await this.onCommitFailed(
        error,
        dirty.filter((t) => t.dirty),
      );
      return;
    }

    for (const managed of dirty) {
      for (const [storeName, topic] of managed.changelogs) {
        const end = next.get(`${topic}:${managed.partition}`);
        if (end !== undefined) managed.changelogEnds.set(storeName, end);
      }
      try {
        for (const [storeName, lifecycle] of managed.task.storeLifecycles()) {
          await lifecycle.persist?.(managed.changelogEnds.get(storeName));
        }
      } catch (error) {
        // A persistent store fenced by a newer owner: the task moved to another instance while this
        // one still held it. Its state there is newer; drop ours.
        if ((error as Error).name !== 'RedisStoreFencedError') throw error;
        context.log.warn(
          { task: managed.task.taskId, err: error },
          'task fenced by another instance; dropping it',
        );
        taskManager.discard(managed);
      }
      managed.dirty = false;
    }
    this.reportMetrics();
    timer();
  }

  /**
   * Tasks whose changelog was not written (all of them under exactly_once_v2, whose transaction was
   * aborted) hold state Kafka does not have. As Kafka Streams:
   * - offsets refused for a stale generation/member (TaskMigrated): the tasks may belong to another
   *   instance by now — close all of them unflushed and wait for the rejoin's assignment, which
   *   restores what is ours from the changelogs and resumes from the committed offsets;
   * - a producer that can no longer commit (fenced, or its transaction aborted by the broker's
   *   timeout): replace it (InitProducerId again), then rebuild the uncommitted tasks;
   * - otherwise rebuild the uncommitted tasks from their changelogs, resuming their input at the
   *   last commit marker.
   */
  private async onCommitFailed(error: unknown, stale: ManagedTask[]): Promise<void> {
    const { context } = this;
    const kind = error instanceof ProducerUnusableError ? 'producer-fenced' : classifyCommitFailure(error);
    const tasks = stale.map((t) => t.task.taskId);
    // (Under at_least_once the changelog is already sent when the offset commit fails: nothing is stale.)
    if (kind === 'task-migrated' && context.exactlyOnce) {
      context.log.warn(
        { err: error, tasks },
        'commit refused: tasks migrated; closing all tasks until the group is rejoined',
      );
      this.taskManager.discardAll();
      context.output?.drain();
      context.awaitingAssignment = true;
      return;
    }
    if (kind === 'producer-fenced' && context.exactlyOnce) {
      context.log.warn(
        { err: error, tasks },
        'commit failed: the producer cannot commit any more; replacing it',
      );
      const old = context.producer;
      context.producer = undefined;
      await old
        ?.disconnect()
        .catch((e: unknown) => context.log.warn({ err: e }, 'disconnecting the old producer'));
      context.producer = await connectProducer(context);
      context.tasksMayBeStale = true;
    } else {
      context.log.warn({ err: error, tasks }, 'commit failed; rebuilding uncommitted tasks');
    }
    await this.taskManager.rebuild(stale);
  }

  private async send(producer: StreamsProducer, messages: TopicMessages[]): Promise<RecordMetadata[]> {
    try {
      return await producer.sendBatch({ topicMessages: messages, acks: -1 });
    } catch (error) {
      if (this.context.config.productionHandling === 'continue') {
        const count = messages.reduce((n, t) => n + t.messages.reduce((m, x) => m + recordsOf(x), 0), 0);
        this.context.log.error(
          { err: error, records: count },
          'production failed; records dropped (productionHandling=continue)',
        );
        return [];
      }
      throw error;
    }
  }

  private reportMetrics(): void {
    const { metrics, config } = this.context;
    const { lateRecordDrops } = this.taskManager.taskMetrics();
    if (lateRecordDrops > this.reportedLate) {
      metrics.lateDropped.inc({ application: config.applicationId }, lateRecordDrops - this.reportedLate);
      this.reportedLate = lateRecordDrops;
    }
    for (const managed of this.taskManager.tasks.values()) {
      for (const storeName of managed.subtopology.stores) {
        const store = managed.task.getStore(storeName) as
          | { approximateNumEntries?: () => number }
          | undefined;
        if (typeof store?.approximateNumEntries !== 'function') continue;
        metrics.storeEntries.set(
          { application: config.applicationId, store: storeName, partition: String(managed.partition) },
          store.approximateNumEntries(),
        );
      }
    }
  }
}

/** The transaction could not even be aborted: the producer is in no state to start another. */
class ProducerUnusableError extends Error {
  constructor(cause: unknown) {
    super(`transaction failed and could not be aborted: ${(cause as Error)?.message ?? String(cause)}`, {
      cause,
    });
    this.name = 'ProducerUnusableError';
  }
}
