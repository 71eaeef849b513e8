import { onControlRecordsOnly } from '@meterstream/common';
import type { ConsumerGroupMetadata } from 'kafkajs';
import { pino } from 'pino';
import { InvalidStateStoreError } from '../state/errors.js';
import type { KeyValueStore } from '../state/state-store.js';
import { ProcessingError } from '../task/stream-task.js';
import type { Topology } from '../topology/topology.js';
import { Committer } from './committer.js';
import { type KafkaStreamsConfig, resolveRuntimeConfig } from './config.js';
import { copartitionAssigner } from './copartition-assigner.js';
import { prepareTopics } from './internal-topics.js';
import { OutputBuffer } from './output-buffer.js';
import { acquireProcessIdentity, type ProcessIdentity } from './process-identity.js';
import { connectProducer } from './producer.js';
import { RuntimeContext } from './runtime-context.js';
import { RuntimeMetrics } from './runtime-metrics.js';
import { type ReadOnlyKeyValueStore, compositeKeyValueView } from './store-view.js';
import { StreamThread } from './stream-thread.js';
import { TaskManager } from './task-manager.js';

/** Kafka Streams' KafkaStreams.State. */
export type KafkaStreamsState =
  | 'CREATED'
  | 'REBALANCING'
  | 'RUNNING'
  | 'PENDING_SHUTDOWN'
  | 'NOT_RUNNING'
  | 'ERROR';

export type StateListener = (newState: KafkaStreamsState, oldState: KafkaStreamsState) => void;

/**
 * Runs a Topology against Kafka through kafkajs (Kafka Streams' KafkaStreams): the instance's
 * lifecycle and state machine, its Kafka clients, and the processing chain every step runs on.
 * The work itself is split as in Kafka Streams: StreamThread (poll–process–commit loop), Committer
 * (the commit cycle and its failures), TaskManager (tasks, assignment, restore).
 *
 * - The application id is the consumer group. A task per sub-topology and partition number; the
 *   co-partitioning assignor gives partition p of every input topic to one member, so a task sees
 *   all its inputs. Tasks follow rebalances: new ones restore their stores from the changelogs.
 * - Processing is single-threaded: kafkajs hands one batch at a time (partitionsConsumedConcurrently
 *   1) and every step that touches tasks runs on one promise chain.
 * - kafkajs has no "partitions revoked" callback, so work processed but not committed before a
 *   rebalance cannot be committed afterwards: such tasks are "dirty" and are rebuilt from their
 *   changelog while kafkajs restarts from the committed offsets — the state then matches exactly
 *   what was committed (with exactly_once_v2 the open transaction is aborted).
 */
export class KafkaStreams {
  private readonly context: RuntimeContext;
  private readonly taskManager: TaskManager;
  private readonly committer: Committer;
  private readonly thread: StreamThread;
  private readonly listeners: StateListener[] = [];
  private currentState: KafkaStreamsState = 'CREATED';
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private identity: ProcessIdentity | undefined;

  constructor(
    private readonly topology: Topology,
    private readonly settings: KafkaStreamsConfig,
  ) {
    const config = resolveRuntimeConfig(settings);
    const log = (settings.logger ?? pino({ level: 'info' })).child({ application: config.applicationId });
    const metrics = new RuntimeMetrics(config.applicationId, settings.metricsRegistry);
    this.context = new RuntimeContext(topology, settings, config, log, metrics, (error) => this.fail(error));
    this.taskManager = new TaskManager(this.context);
    this.committer = new Committer(this.context, this.taskManager);
    this.thread = new StreamThread(this.context, this.taskManager, this.committer);
  }

  state(): KafkaStreamsState {
    return this.currentState;
  }

  /** The error that moved the instance to ERROR, if any. */
  error(): Error | undefined {
    return this.context.fatal;
  }

  setStateListener(listener: StateListener): void {
    this.listeners.push(listener);
  }

  /** Totals of the task counters (processed, late drops, ...) of the tasks this instance runs. */
  taskMetrics() {
    return this.taskManager.taskMetrics();
  }

  /** Records replayed from changelogs since start (tests check that a checkpoint limits it). */
  get lastRestoredRecords(): number {
    return this.taskManager.restoredRecords;
  }

  /**
   * Kafka Streams' `store(name)` for key-value stores: a read-only view of store `name` over every
   * task this instance runs that holds it (see store-view.ts). Reads go through each store's record
   * cache, so a cached store shows every record processed before the call. A store downstream of
   * a cached one (e.g. a table materialized after an aggregation, as the KSQL pull-query store)
   * only sees what that cache forwarded, so the dirty holders are flushed first (flushing early
   * only emits cached updates sooner, as a cache eviction would).
   *
   * That flush runs now, not queued on the processing chain (#18: behind a replay the chain holds
   * seconds of batches and commits). It is safe at any point the chain can be suspended at: records
   * are processed and their positions recorded synchronously, and a commit flushes its dirty tasks
   * before its first await, so a flush here sees each task between records and at most emits
   * into the output buffer what the next commit carries — as a flush between two batches would.
   * Only while tasks are being created and restored (their stores incomplete) does it wait for
   * the chain, so the view never shows a half-restored store.
   */
  async store<K, V>(name: string): Promise<ReadOnlyKeyValueStore<K, V>> {
    const { applicationId } = this.context.config;
    if (!this.topology.subtopologies().some((sub) => sub.stores.includes(name)))
      throw new InvalidStateStoreError(name, `no such store in application ${applicationId}`);
    const state = this.currentState;
    if (state !== 'RUNNING' && state !== 'REBALANCING')
      throw new InvalidStateStoreError(
        name,
        `application ${applicationId} is ${state}: its stores cannot be queried`,
      );
    const flushHolders = () => {
      if (this.context.fatal) return;
      try {
        for (const managed of this.taskManager.holders(name)) if (managed.dirty) managed.task.flush();
      } catch (error) {
        this.fail(error);
        throw error;
      }
    };
    if (this.taskManager.isRestoring()) await this.serialized(async () => flushHolders());
    else flushHolders();
    return compositeKeyValueView(name, () =>
      this.taskManager.holders(name).map((t) => t.task.getStore(name) as unknown as KeyValueStore<K, V>),
    );
  }

  /**
   * Stops fetching input (the consumer's pause of every input topic) while staying in the group:
   * the batch in flight is still processed, commits go on. For readers that cannot keep up.
   */
  pause(): void {
    this.context.consumer?.pause(this.inputTopics().map((topic) => ({ topic })));
  }

  /** Fetches input again after pause(). */
  resume(): void {
    this.context.consumer?.resume(this.inputTopics().map((topic) => ({ topic })));
  }

  /** Creates internal topics, connects, joins the group and starts processing. */
  async start(): Promise<void> {
    if (this.currentState !== 'CREATED')
      throw new Error(`cannot start a KafkaStreams in state ${this.currentState}`);
    this.transition('REBALANCING');
    const { context } = this;
    const { kafka } = this.settings;
    const { applicationId } = context.config;
    try {
      await this.resolveIdentity();
      context.admin = kafka.admin();
      await context.admin.connect();
      const partitionCounts = await prepareTopics(
        context.admin,
        this.topology,
        applicationId,
        context.config.replicationFactor,
      );
      context.output = new OutputBuffer(partitionCounts);

      // Before any restore: a transactional producer's InitProducerId fences a crashed incarnation
      // with the same id and aborts its open transaction, so restores find it decided.
      context.producer = await connectProducer(context);

      const consumer = kafka.consumer({
        groupId: applicationId,
        readUncommitted: !context.exactlyOnce,
        sessionTimeout: context.config.sessionTimeoutMs,
        heartbeatInterval: context.config.heartbeatIntervalMs,
        rebalanceTimeout: Math.max(60_000, context.config.sessionTimeoutMs),
        partitionAssigners: [copartitionAssigner],
        allowAutoTopicCreation: false,
        // The Java consumer's fetch.max.wait.ms (kafkajs waits 5 s): a graceful close waits for the
        // fetch in flight, so this bounds how long close() takes once the input is idle.
        maxWaitTimeInMs: context.config.fetchMaxWaitMs,
        minBytes: context.config.fetchMinBytes,
      });
      context.consumer = consumer;
      if (typeof (consumer as { groupMetadata?: unknown }).groupMetadata !== 'function')
        throw new Error(
          'kafkajs lacks consumer.groupMetadata(): the streams runtime needs kafkajs 2.2.4 with ' +
            "meterstream's KIP-447 patch (patches/kafkajs+2.2.4.patch, applied by npm's postinstall)",
        );
      consumer.on(consumer.events.REBALANCING, () => {
        if (this.currentState === 'RUNNING') this.transition('REBALANCING');
      });
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        // Read now: the generation the assignment belongs to (the next rebalance changes it).
        const metadata = consumer.groupMetadata() ?? null;
        void this.serialized(() => this.onAssignment(payload.memberAssignment, metadata));
      });
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (!payload.restart) this.fail(payload.error);
      });
      // Batches of transaction markers alone never reach eachBatch (stream-thread.ts).
      onControlRecordsOnly(consumer, ({ topic, partition, from, next }) => {
        void this.serialized(async () => this.thread.passControlRecords(topic, partition, from, next));
      });
      await consumer.connect();
      await consumer.subscribe({
        topics: this.inputTopics(),
        fromBeginning: this.settings.autoOffsetReset !== 'latest',
      });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 1,
        eachBatch: (payload) => this.serialized(() => this.thread.processBatch(payload)),
      });
      const tick = Math.max(10, Math.min(context.config.commitIntervalMs, 1_000));
      this.timer = setInterval(() => void this.serialized(() => this.thread.onTick()), tick);
    } catch (error) {
      this.fail(error);
      await this.shutdown();
      throw error;
    }
  }

  /** Graceful stop: finish the current batch, commit, leave the group — within shutdownTimeoutMs. */
  async close(): Promise<void> {
    if (this.currentState === 'NOT_RUNNING' || this.currentState === 'PENDING_SHUTDOWN') return;
    const failed = this.currentState === 'ERROR';
    if (!failed) this.transition('PENDING_SHUTDOWN');
    const { context } = this;
    let timeout: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timeout = setTimeout(() => resolve('timeout'), context.config.shutdownTimeoutMs);
    });
    const graceful = (async () => {
      clearInterval(this.timer);
      // Commit while the consumer is still in the group (kafkajs refuses commitOffsets after
      // stop()); batches handed over from now on are skipped, so nothing after this commit counts.
      context.closing = true;
      if (!failed) await this.serialized(() => this.committer.commit());
      await context.consumer?.stop();
    })();
    const outcome = await Promise.race([graceful.then(() => 'done' as const), deadline]);
    clearTimeout(timeout);
    if (outcome === 'timeout')
      context.log.warn(
        { ms: context.config.shutdownTimeoutMs },
        'shutdown timed out; leaving without a final commit',
      );
    await this.shutdown();
    if (!failed) this.transition('NOT_RUNNING');
  }

  private inputTopics(): string[] {
    return [...this.taskManager.topicOwner.keys()];
  }

  /**
   * The instance's identity: the explicit instanceId, or the process id kept in the state
   * directory (locked for the life of the instance), or — with neither — a random one.
   */
  private async resolveIdentity(): Promise<void> {
    const { context } = this;
    const { stateDir, instanceId, applicationId } = context.config;
    if (stateDir) this.identity = await acquireProcessIdentity(stateDir, applicationId);
    context.instanceId = instanceId ?? this.identity?.processId ?? Math.random().toString(36).slice(2, 10);
    if (!instanceId && !stateDir && context.exactlyOnce)
      context.log.warn(
        { instanceId: context.instanceId },
        'no stateDir or instanceId: this instance has a new identity on every start, so a restart does not fence a crashed incarnation (its open transaction holds back readers until the transaction timeout)',
      );
    context.log.info({ instanceId: context.instanceId, stateDir: this.identity?.dir }, 'instance identity');
  }

  /** A new assignment (GROUP_JOIN): the TaskManager follows it; the instance is RUNNING again. */
  private async onAssignment(
    assignment: Record<string, number[]>,
    metadata: ConsumerGroupMetadata | null,
  ): Promise<void> {
    if (this.context.fatal) return;
    this.context.groupMetadata = metadata;
    this.context.awaitingAssignment = false;
    this.transition('REBALANCING');
    await this.taskManager.assign(assignment);
    this.transition('RUNNING');
  }

  /** Runs `step` after every step queued before it: tasks are only ever touched by one step at a time. */
  private serialized<T>(step: () => Promise<T>): Promise<T> {
    const run = this.chain.then(step, step);
    this.chain = run.catch((error: unknown) => this.fail(error));
    return run;
  }

  private fail(error: unknown): void {
    const { context } = this;
    if (context.fatal) return;
    context.fatal = error instanceof Error ? error : new Error(String(error));
    const where = error instanceof ProcessingError ? ` (task ${error.taskId})` : '';
    context.log.error({ err: context.fatal }, `stream processing stopped${where}: ${context.fatal.message}`);
    this.transition('ERROR');
    clearInterval(this.timer);
    void context.consumer?.stop().catch(() => undefined);
  }

  private async shutdown(): Promise<void> {
    clearInterval(this.timer);
    const { context } = this;
    for (const managed of this.taskManager.tasks.values()) managed.task.close();
    this.taskManager.tasks.clear();
    const steps = [
      context.consumer?.disconnect(),
      context.producer?.disconnect(),
      context.admin?.disconnect(),
    ];
    for (const result of await Promise.allSettled(steps)) {
      if (result.status === 'rejected') context.log.warn({ err: result.reason }, 'error while disconnecting');
    }
    await this.identity?.release();
  }

  private transition(next: KafkaStreamsState): void {
    const previous = this.currentState;
    if (previous === next || previous === 'ERROR') return;
    this.currentState = next;
    this.context.log.info({ from: previous, to: next }, 'state');
    for (const listener of this.listeners) listener(next, previous);
  }
}
