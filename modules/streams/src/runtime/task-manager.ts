import type { KafkaMessage } from 'kafkajs';
import { RecordCache } from '../state/cache/record-cache.js';
import { DEFAULT_CACHE_MAX_BYTES } from '../task/config.js';
import { PartitionGroup } from '../task/partition-group.js';
import { StreamTask } from '../task/stream-task.js';
import type { Subtopology } from '../topology/subtopologies.js';
import { type RestoreRequest, restoreChangelogs } from './changelog-reader.js';
import { partitionEnds } from './end-offsets.js';
import type { TopicOffsets } from './kafka-message.js';
import type { RuntimeContext } from './runtime-context.js';

/** A task this instance runs, with what the runtime keeps about it. */
export interface ManagedTask {
  readonly task: StreamTask;
  readonly subtopology: Subtopology;
  readonly partition: number;
  /** Changelog topic per logged store of the task. */
  readonly changelogs: ReadonlyMap<string, string>;
  /** Next offset of each store's changelog partition, as far as this instance knows. */
  readonly changelogEnds: Map<string, number>;
  /** Processed records whose effects are not committed yet. */
  dirty: boolean;
  /**
   * Tasks with several input partitions take records from this buffer in timestamp order across
   * them (Kafka Streams' PartitionGroup); single-input tasks process each batch directly.
   */
  readonly group: PartitionGroup<KafkaMessage> | undefined;
}

/**
 * The tasks of one instance (Kafka Streams' TaskManager): which exist, creating and restoring them
 * from their changelogs, closing them on a new assignment or a failed commit, and the input
 * position of every task partition (what is processed, and what the next commit commits).
 */
export class TaskManager {
  readonly tasks = new Map<string, ManagedTask>();
  /** Input topic (Kafka name) → the sub-topology reading it. */
  readonly topicOwner = new Map<string, Subtopology>();
  /** Next offset to commit per `topic:partition` (processed, dead-lettered or skipped). */
  readonly positions = new Map<string, number>();
  /** Records replayed from changelogs since start (tests check that a checkpoint limits it). */
  restoredRecords = 0;
  /** Task creations (with their restores) in progress: their stores are not complete yet. */
  private creating = 0;

  constructor(private readonly context: RuntimeContext) {
    const { topology, config } = context;
    for (const sub of topology.subtopologies()) {
      for (const topic of sub.sourceTopics)
        this.topicOwner.set(topology.resolveTopic(topic, config.applicationId), sub);
    }
  }

  /** The tasks holding store `name`. */
  holders(name: string): ManagedTask[] {
    return [...this.tasks.values()].filter((t) => t.subtopology.stores.includes(name));
  }

  dirtyTasks(): ManagedTask[] {
    return [...this.tasks.values()].filter((t) => t.dirty);
  }

  /** The task for a partition of input `topic`, created (and restored) if missing; none for a topic no sub-topology reads. */
  async taskFor(topic: string, partition: number): Promise<ManagedTask | undefined> {
    const sub = this.topicOwner.get(topic);
    if (!sub) return undefined;
    return this.tasks.get(taskId(sub, partition)) ?? (await this.createTasks([[sub, partition]]))[0]!;
  }

  /**
   * A new assignment: tasks that left, tasks with uncommitted work (which kafkajs will re-read
   * from the committed offsets), and every task after a fenced producer, are closed without flushing; buffered output of that work is
   * discarded; tasks for new partitions are created and restored.
   */
  async assign(assignment: Record<string, number[]>): Promise<void> {
    const wanted = new Map<string, [Subtopology, number]>();
    for (const [topic, partitions] of Object.entries(assignment)) {
      const sub = this.topicOwner.get(topic);
      if (!sub) continue;
      for (const p of partitions) wanted.set(taskId(sub, p), [sub, p]);
    }
    // After a fenced producer, no task is kept as it is: another instance may have committed past it.
    const stale = this.context.tasksMayBeStale;
    this.context.tasksMayBeStale = false;
    const anyDirty = stale || [...this.tasks.values()].some((t) => t.dirty);
    for (const [id, managed] of this.tasks) {
      if (!wanted.has(id) || managed.dirty || stale) this.discard(managed);
    }
    if (anyDirty) this.context.output?.drain();
    const missing = [...wanted].filter(([id]) => !this.tasks.has(id)).map(([, spec]) => spec);
    if (missing.length) await this.createTasks(missing);
    this.seekToPositions();
    this.context.log.info({ tasks: [...this.tasks.keys()].sort() }, 'assignment');
  }

  /** Drops tasks (and their buffered output) and recreates them from their changelogs. */
  async rebuild(tasks: ManagedTask[]): Promise<void> {
    if (tasks.length === 0) return;
    for (const managed of tasks) this.discard(managed);
    this.context.output?.drain();
    await this.createTasks(tasks.map((t): [Subtopology, number] => [t.subtopology, t.partition]));
    this.seekToPositions();
  }

  /** Closes a task unflushed and forgets its input positions. */
  discard(managed: ManagedTask): void {
    managed.task.close();
    this.tasks.delete(managed.task.taskId);
    for (const topic of managed.task.inputTopics()) this.positions.delete(`${topic}:${managed.partition}`);
  }

  /** Closes every task unflushed (a migration or shutdown). */
  discardAll(): void {
    for (const managed of [...this.tasks.values()]) this.discard(managed);
  }

  /** The next input offset of each input topic of a task (what its commit markers carry). */
  inputPositions(managed: ManagedTask): Record<string, number> {
    const positions: Record<string, number> = {};
    for (const topic of managed.task.inputTopics()) {
      const next = this.positions.get(`${topic}:${managed.partition}`);
      if (next !== undefined) positions[topic] = next;
    }
    return positions;
  }

  /** The input offsets to commit for these tasks, per topic. */
  committableOffsets(dirty: readonly ManagedTask[]): TopicOffsets[] {
    const byTopic = new Map<string, { partition: number; offset: string }[]>();
    for (const managed of dirty) {
      for (const [topic, next] of Object.entries(this.inputPositions(managed))) {
        let partitions = byTopic.get(topic);
        if (!partitions) {
          partitions = [];
          byTopic.set(topic, partitions);
        }
        partitions.push({ partition: managed.partition, offset: String(next) });
      }
    }
    return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
  }

  /** Totals of the task counters (processed, late drops, ...) of the tasks this instance runs. */
  taskMetrics() {
    let processed = 0;
    let lateRecordDrops = 0;
    for (const { task } of this.tasks.values()) {
      processed += task.metrics.processed;
      lateRecordDrops += task.metrics.lateRecordDrops;
    }
    return { processed, lateRecordDrops, tasks: [...this.tasks.keys()] };
  }

  /**
   * kafkajs resumes from the committed offsets; our state may be ahead of them (a commit whose
   * changelog was written but whose offset commit failed or was cut short by a crash).
   */
  private seekToPositions(): void {
    for (const managed of this.tasks.values()) {
      for (const [topic, next] of Object.entries(this.inputPositions(managed)))
        this.context.consumer?.seek({ topic, partition: managed.partition, offset: String(next) });
    }
  }

  /** A buffer for a task reading several input partitions; none for a single input. */
  private partitionGroupFor(task: StreamTask): PartitionGroup<KafkaMessage> | undefined {
    const topics = task.inputTopics();
    if (topics.length < 2) return undefined;
    const group = new PartitionGroup<KafkaMessage>({
      timestampOf: (m) => Number(m.timestamp),
      offsetOf: (m) => Number(m.offset),
      maxTaskIdleMs: this.context.config.maxTaskIdleMs,
    });
    for (const topic of topics) group.addPartition(topic, task.partition);
    return group;
  }

  /** True while tasks are being created and restored (their stores do not hold all their state yet). */
  isRestoring(): boolean {
    return this.creating > 0;
  }

  private async createTasks(specs: [Subtopology, number][]): Promise<ManagedTask[]> {
    this.creating++;
    try {
      return await this.createAndRestore(specs);
    } finally {
      this.creating--;
    }
  }

  private async createAndRestore(specs: [Subtopology, number][]): Promise<ManagedTask[]> {
    const { topology, settings, config, log } = this.context;
    const { applicationId } = config;
    const changelogTopics = new Set(
      topology
        .internalTopics(applicationId)
        .filter((t) => t.kind === 'changelog')
        .map((t) => t.name),
    );
    const created: ManagedTask[] = [];
    const requests: RestoreRequest[] = [];
    for (const [sub, partition] of specs) {
      const changelogs = new Map<string, string>();
      for (const store of sub.stores) {
        const topic = `${applicationId}-${store}-changelog`;
        if (changelogTopics.has(topic)) changelogs.set(store, topic);
      }
      const output = this.context.output!;
      const task = new StreamTask({
        applicationId,
        topology,
        subtopology: sub,
        partition,
        collector: output,
        defaultKeySerde: settings.defaultKeySerde,
        defaultValueSerde: settings.defaultValueSerde,
        defaultTimestampExtractor: settings.defaultTimestampExtractor,
        invalidTimestampPolicy: settings.invalidTimestampPolicy,
        cache: new RecordCache(settings.cacheMaxBytes ?? DEFAULT_CACHE_MAX_BYTES),
        logChange: (store, key, value, timestamp) => {
          const topic = changelogs.get(store);
          if (topic) output.logChange(topic, partition, key, value, timestamp);
        },
        logger: log,
      });
      task.initialize();
      const managed: ManagedTask = {
        task,
        subtopology: sub,
        partition,
        changelogs,
        changelogEnds: new Map(),
        dirty: false,
        group: this.partitionGroupFor(task),
      };
      this.tasks.set(task.taskId, managed);
      created.push(managed);
      for (const [storeName, lifecycle] of task.storeLifecycles()) {
        // Persistent stores hold data of their own even without a changelog: load them all.
        await lifecycle.load?.();
        const topic = changelogs.get(storeName);
        if (!topic) continue;
        requests.push({
          topic,
          partition,
          from: lifecycle.checkpointedOffset?.() ?? 0,
          apply: (records) => lifecycle.restore(records),
          onCommitMarker: (positions) => {
            for (const [topic, next] of Object.entries(positions)) {
              const key = `${topic}:${partition}`;
              if (next > (this.positions.get(key) ?? -1)) this.positions.set(key, next);
            }
          },
        });
      }
    }
    if (requests.length) {
      const admin = this.context.admin!;
      const restored = await restoreChangelogs(
        settings.kafka,
        `${applicationId}-restore-${this.context.instanceId}`,
        requests,
        log,
        { ends: (topic) => partitionEnds(admin, topic) },
      );
      this.restoredRecords += restored.records;
      for (const managed of created) {
        for (const [storeName, topic] of managed.changelogs) {
          const end = restored.ends.get(`${topic}:${managed.partition}`);
          if (end !== undefined) managed.changelogEnds.set(storeName, end);
        }
      }
    }
    return created;
  }
}

function taskId(sub: Subtopology, partition: number): string {
  return `${sub.id}_${partition}`;
}
