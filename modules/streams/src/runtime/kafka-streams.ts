import type {
  Admin,
  Consumer,
  ConsumerGroupMetadata,
  KafkaMessage,
  Producer,
  RecordMetadata,
  TopicMessages,
} from 'kafkajs';
import { type Logger, pino } from 'pino';
import type { Header } from '../processor/record.js';
import { DeserializationError } from '../serde/serde.js';
import { RecordCache } from '../state/cache/record-cache.js';
import { InvalidStateStoreError } from '../state/errors.js';
import type { KeyValueStore } from '../state/store.js';
import { DEFAULT_CACHE_MAX_BYTES } from '../task/config.js';
import { PartitionGroup } from '../task/partition-group.js';
import { ProcessingError, type RawRecord, StreamTask } from '../task/stream-task.js';
import type { Subtopology } from '../topology/subtopologies.js';
import type { Topology } from '../topology/topology.js';
import { type RestoreRequest, restoreChangelogs } from './changelog-reader.js';
import { classifyCommitFailure } from './commit-failure.js';
import { type KafkaStreamsConfig, type ResolvedRuntimeConfig, resolveRuntimeConfig } from './config.js';
import { copartitionAssigner } from './copartition-assigner.js';
import { partitionEnds } from './end-offsets.js';
import { prepareTopics } from './internal-topics.js';
import { OutputBuffer, chunkTopicMessages, nextOffsets } from './output-buffer.js';
import { type ProcessIdentity, acquireProcessIdentity } from './process-identity.js';
import { RuntimeMetrics } from './runtime-metrics.js';
import { type ReadOnlyKeyValueStore, compositeKeyValueView } from './store-view.js';

/** Kafka Streams' KafkaStreams.State. */
export type KafkaStreamsState =
  | 'CREATED'
  | 'REBALANCING'
  | 'RUNNING'
  | 'PENDING_SHUTDOWN'
  | 'NOT_RUNNING'
  | 'ERROR';

export type StateListener = (newState: KafkaStreamsState, oldState: KafkaStreamsState) => void;

interface ManagedTask {
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
 * Runs a Topology against Kafka through kafkajs (Kafka Streams' KafkaStreams).
 *
 * - The application id is the consumer group. A task per sub-topology and partition number; the
 *   co-partitioning assignor gives partition p of every input topic to one member, so a task sees
 *   all its inputs. Tasks follow rebalances: new ones restore their stores from the changelogs.
 * - Processing is single-threaded: kafkajs hands one batch at a time (partitionsConsumedConcurrently
 *   1) and every step that touches tasks runs on one promise chain.
 * - Commit, every commitIntervalMs: flush caches → stores → changelog and output records sent →
 *   offsets committed (at_least_once: producer acks then consumer commit; exactly_once_v2: all of it
 *   in one Kafka transaction with sendOffsets) → persistent stores write their checkpoint.
 * - kafkajs has no "partitions revoked" callback, so work processed but not committed before a
 *   rebalance cannot be committed afterwards: such tasks are "dirty" and are rebuilt from their
 *   changelog while kafkajs restarts from the committed offsets — the state then matches exactly
 *   what was committed (with exactly_once_v2 the open transaction is aborted).
 */
export class KafkaStreams {
  private readonly config: ResolvedRuntimeConfig;
  private readonly log: Logger;
  private readonly metrics: RuntimeMetrics;
  private readonly tasks = new Map<string, ManagedTask>();
  /** Input topic (Kafka name) → the sub-topology reading it. */
  private readonly topicOwner = new Map<string, Subtopology>();
  /** Next offset to commit per `topic:partition` (processed, dead-lettered or skipped). */
  private readonly positions = new Map<string, number>();
  private readonly listeners: StateListener[] = [];
  private currentState: KafkaStreamsState = 'CREATED';
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private admin: Admin | undefined;
  private output: OutputBuffer | undefined;
  private partitionCounts = new Map<string, number>();
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private lastCommit = Date.now();
  private fatal: Error | undefined;
  /** Set by close(): batches handed over after the final commit are not processed. */
  private closing = false;
  private reportedLate = 0;
  /** `config.instanceId`, else the process id kept in the state directory, else random (set by start()). */
  private instanceId = '';
  private identity: ProcessIdentity | undefined;
  /**
   * Generation and member id of the assignment the tasks belong to (captured at GROUP_JOIN): sent
   * with the transaction's offsets, so the broker refuses them once the group has moved on (KIP-447).
   */
  private groupMetadata: ConsumerGroupMetadata | null = null;
  /** Set when a commit found the tasks migrated: batches wait for the next assignment. */
  private awaitingAssignment = false;

  constructor(
    private readonly topology: Topology,
    private readonly settings: KafkaStreamsConfig,
  ) {
    this.config = resolveRuntimeConfig(settings);
    this.log = (settings.logger ?? pino({ level: 'info' })).child({ application: this.config.applicationId });
    this.metrics = new RuntimeMetrics(this.config.applicationId, settings.metricsRegistry);
    for (const sub of topology.subtopologies()) {
      for (const topic of sub.sourceTopics)
        this.topicOwner.set(topology.resolveTopic(topic, this.config.applicationId), sub);
    }
  }

  state(): KafkaStreamsState {
    return this.currentState;
  }

  /** The error that moved the instance to ERROR, if any. */
  error(): Error | undefined {
    return this.fatal;
  }

  setStateListener(listener: StateListener): void {
    this.listeners.push(listener);
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
   * Kafka Streams' `store(name)` for key-value stores: a read-only view of store `name` over every
   * task this instance runs that holds it (see store-view.ts). Resolves once the record caches of
   * those tasks are flushed (on the processing chain, so never in the middle of a batch or a
   * commit): reads through the view then reflect every record processed before the call, also in
   * stores downstream of a cached one (e.g. a table materialized after an aggregation). Flushing
   * early only emits cached updates sooner, as a cache eviction would.
   */
  async store<K, V>(name: string): Promise<ReadOnlyKeyValueStore<K, V>> {
    if (!this.topology.subtopologies().some((sub) => sub.stores.includes(name)))
      throw new InvalidStateStoreError(name, `no such store in application ${this.config.applicationId}`);
    const state = this.currentState;
    if (state !== 'RUNNING' && state !== 'REBALANCING')
      throw new InvalidStateStoreError(
        name,
        `application ${this.config.applicationId} is ${state}: its stores cannot be queried`,
      );
    const holders = () => [...this.tasks.values()].filter((t) => t.subtopology.stores.includes(name));
    await this.serialized(async () => {
      if (this.fatal) return;
      for (const managed of holders()) if (managed.dirty) managed.task.flush();
    });
    return compositeKeyValueView(name, () =>
      holders().map((t) => t.task.getStore(name) as unknown as KeyValueStore<K, V>),
    );
  }

  /**
   * Stops fetching input (the consumer's pause of every input topic) while staying in the group:
   * the batch in flight is still processed, commits go on. For readers that cannot keep up.
   */
  pause(): void {
    this.consumer?.pause([...this.topicOwner.keys()].map((topic) => ({ topic })));
  }

  /** Fetches input again after pause(). */
  resume(): void {
    this.consumer?.resume([...this.topicOwner.keys()].map((topic) => ({ topic })));
  }

  /** Creates internal topics, connects, joins the group and starts processing. */
  async start(): Promise<void> {
    if (this.currentState !== 'CREATED')
      throw new Error(`cannot start a KafkaStreams in state ${this.currentState}`);
    this.transition('REBALANCING');
    const { kafka } = this.settings;
    const { applicationId } = this.config;
    try {
      await this.resolveIdentity();
      this.admin = kafka.admin();
      await this.admin.connect();
      this.partitionCounts = await prepareTopics(
        this.admin,
        this.topology,
        applicationId,
        this.config.replicationFactor,
      );
      this.output = new OutputBuffer(this.partitionCounts);

      const exactlyOnce = this.config.processingGuarantee === 'exactly_once_v2';
      // Before any restore: a transactional producer's InitProducerId fences a crashed incarnation
      // with the same id and aborts its open transaction, so restores find it decided.
      this.producer = await this.connectProducer();

      this.consumer = kafka.consumer({
        groupId: applicationId,
        readUncommitted: !exactlyOnce,
        sessionTimeout: this.config.sessionTimeoutMs,
        heartbeatInterval: this.config.heartbeatIntervalMs,
        rebalanceTimeout: Math.max(60_000, this.config.sessionTimeoutMs),
        partitionAssigners: [copartitionAssigner],
        allowAutoTopicCreation: false,
        // The Java consumer's fetch.max.wait.ms (kafkajs waits 5 s): a graceful close waits for the
        // fetch in flight, so this bounds how long close() takes once the input is idle.
        maxWaitTimeInMs: 500,
      });
      if (typeof (this.consumer as { groupMetadata?: unknown }).groupMetadata !== 'function')
        throw new Error(
          'kafkajs lacks consumer.groupMetadata(): the streams runtime needs kafkajs 2.2.4 with ' +
            "meterstream's KIP-447 patch (patches/kafkajs+2.2.4.patch, applied by npm's postinstall)",
        );
      this.consumer.on(this.consumer.events.REBALANCING, () => {
        if (this.currentState === 'RUNNING') this.transition('REBALANCING');
      });
      this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
        // Read now: the generation the assignment belongs to (the next rebalance changes it).
        const metadata = this.consumer?.groupMetadata() ?? null;
        void this.serialized(() => this.onAssignment(payload.memberAssignment, metadata));
      });
      this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
        if (!payload.restart) this.fail(payload.error);
      });
      await this.consumer.connect();
      await this.consumer.subscribe({
        topics: [...this.topicOwner.keys()],
        fromBeginning: this.settings.autoOffsetReset !== 'latest',
      });
      await this.consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 1,
        eachBatch: (payload) => this.serialized(() => this.processBatch(payload)),
      });
      const tick = Math.max(10, Math.min(this.config.commitIntervalMs, 1_000));
      this.timer = setInterval(() => void this.serialized(() => this.onTick()), tick);
    } catch (error) {
      this.fail(error);
      await this.shutdown();
      throw error;
    }
  }

  /**
   * The instance's identity: the explicit instanceId, or the process id kept in the state
   * directory (locked for the life of the instance), or — with neither — a random one.
   */
  private async resolveIdentity(): Promise<void> {
    const { stateDir, instanceId, applicationId } = this.config;
    if (stateDir) this.identity = await acquireProcessIdentity(stateDir, applicationId);
    this.instanceId = instanceId ?? this.identity?.processId ?? Math.random().toString(36).slice(2, 10);
    if (!instanceId && !stateDir && this.config.processingGuarantee === 'exactly_once_v2')
      this.log.warn(
        { instanceId: this.instanceId },
        'no stateDir or instanceId: this instance has a new identity on every start, so a restart does not fence a crashed incarnation (its open transaction holds back readers until the transaction timeout)',
      );
    this.log.info({ instanceId: this.instanceId, stateDir: this.identity?.dir }, 'instance identity');
  }

  /** The producer; with exactly_once_v2 a transactional one, its InitProducerId done. */
  private async connectProducer(): Promise<Producer> {
    const exactlyOnce = this.config.processingGuarantee === 'exactly_once_v2';
    // One request in flight keeps changelog and output order even when a send is retried.
    const producer = this.settings.kafka.producer({
      idempotent: exactlyOnce,
      maxInFlightRequests: 1,
      ...(exactlyOnce
        ? {
            transactionalId: `${this.config.applicationId}-${this.instanceId}`,
            transactionTimeout: this.config.transactionTimeoutMs,
          }
        : {}),
    });
    await producer.connect();
    if (exactlyOnce) {
      // kafkajs runs the transactional InitProducerId only in its first transaction() (connect()
      // initialises a plain idempotent id). Run it now: it fences the crashed incarnation with this
      // transactional id and makes the broker abort that incarnation's open transaction, before any
      // restore reads the changelogs. (Aborting the empty transaction sends nothing.)
      await (await producer.transaction()).abort();
    }
    return producer;
  }

  /** Graceful stop: finish the current batch, commit, leave the group — within shutdownTimeoutMs. */
  async close(): Promise<void> {
    if (this.currentState === 'NOT_RUNNING' || this.currentState === 'PENDING_SHUTDOWN') return;
    const failed = this.currentState === 'ERROR';
    if (!failed) this.transition('PENDING_SHUTDOWN');
    let timeout: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timeout = setTimeout(() => resolve('timeout'), this.config.shutdownTimeoutMs);
    });
    const graceful = (async () => {
      clearInterval(this.timer);
      // Commit while the consumer is still in the group (kafkajs refuses commitOffsets after
      // stop()); batches handed over from now on are skipped, so nothing after this commit counts.
      this.closing = true;
      if (!failed) await this.serialized(() => this.commit());
      await this.consumer?.stop();
    })();
    const outcome = await Promise.race([graceful.then(() => 'done' as const), deadline]);
    clearTimeout(timeout);
    if (outcome === 'timeout')
      this.log.warn(
        { ms: this.config.shutdownTimeoutMs },
        'shutdown timed out; leaving without a final commit',
      );
    await this.shutdown();
    if (!failed) this.transition('NOT_RUNNING');
  }

  // --- processing ---

  private async processBatch(payload: {
    batch: { topic: string; partition: number; messages: KafkaMessage[]; highWatermark: string };
    resolveOffset(offset: string): void;
    isRunning(): boolean;
    isStale(): boolean;
  }): Promise<void> {
    if (this.fatal || this.closing) return;
    if (this.awaitingAssignment) {
      // Unresolved, the batch is fetched again — after the next assignment, from the committed
      // offsets. The pause keeps kafkajs from re-fetching it in a tight loop until the rejoin.
      await new Promise((resolve) => setTimeout(resolve, 100));
      return;
    }
    const { batch } = payload;
    const sub = this.topicOwner.get(batch.topic);
    if (!sub) return;
    const managed =
      this.tasks.get(taskId(sub, batch.partition)) ?? (await this.createTasks([[sub, batch.partition]]))[0]!;
    const positionKey = `${batch.topic}:${batch.partition}`;
    if (this.settings.beforeBatch) {
      const { topic, partition, messages } = batch;
      await this.settings.beforeBatch(
        messages.map((m) => m.value),
        { topic, partition, messages },
      );
    }
    if (managed.group) {
      await this.bufferBatch(managed, managed.group, payload, positionKey);
      return;
    }
    let processed = 0;
    const resumeAt = this.positions.get(positionKey) ?? -1;
    // Next input position of this partition, stored once after the loop (also when it stops early).
    let position = -1;
    const messages = batch.messages;
    const refuseNulls =
      this.settings.deadLetterNulls === true && this.config.deserializationHandling === 'logAndContinue';
    for (let i = 0; i < messages.length; i++) {
      // kafkajs answers isStale() with a map lookup keyed by a built string: check every 256 records
      // (a stale batch is one a seek or rebalance superseded; finishing a few more of it is harmless
      // because positions, not kafkajs offsets, decide what is committed).
      if ((i & 255) === 0 && (!payload.isRunning() || payload.isStale())) break;
      const message = messages[i]!;
      // Restored state already reflects records before the last commit marker (commit-marker.ts).
      const offset = Number(message.offset);
      if (offset < resumeAt) continue;
      const timestamp = Number(message.timestamp);
      const headers = toHeaders(message.headers);
      try {
        if (refuseNulls && (message.key === null || message.value === null)) {
          const part = message.key === null ? 'key' : 'value';
          throw new DeserializationError(batch.topic, batch.partition, offset, part, {
            cause: new Error(`null ${part}`),
          });
        }
        managed.task.processBytes(
          batch.topic,
          batch.partition,
          offset,
          timestamp,
          message.key,
          message.value,
          headers,
        );
      } catch (error) {
        if (
          error instanceof DeserializationError &&
          this.config.deserializationHandling === 'logAndContinue'
        ) {
          const { topic, partition } = batch;
          this.deadLetter(
            { topic, partition, offset, timestamp, key: message.key, value: message.value, headers },
            error,
          );
        } else {
          this.fail(error);
          break;
        }
      }
      managed.dirty = true;
      processed++;
      position = offset + 1;
    }
    if (position >= 0) this.positions.set(positionKey, position);
    if (this.fatal) return;
    // One resolve per batch: kafkajs parses offsets into Longs, which is costly per record. (A batch
    // entirely before the restored position resolves up to that position, so it is not fetched again.)
    const next = position >= 0 ? position : resumeAt;
    if (next > 0) payload.resolveOffset(String(next - 1));
    this.metrics.processed.inc({ application: this.config.applicationId }, processed);
    const last = batch.messages.at(-1);
    if (last) {
      this.metrics.consumerLag.set(
        { application: this.config.applicationId, topic: batch.topic, partition: String(batch.partition) },
        Math.max(0, Number(batch.highWatermark) - Number(last.offset) - 1),
      );
    }
    if (managed.task.isCommitRequested() || Date.now() - this.lastCommit >= this.config.commitIntervalMs) {
      await this.commit();
    }
  }

  /** A buffer for a task reading several input partitions; none for a single input. */
  private partitionGroupFor(task: StreamTask): PartitionGroup<KafkaMessage> | undefined {
    const topics = task.inputTopics();
    if (topics.length < 2) return undefined;
    const group = new PartitionGroup<KafkaMessage>({
      timestampOf: (m) => Number(m.timestamp),
      offsetOf: (m) => Number(m.offset),
      maxTaskIdleMs: this.config.maxTaskIdleMs,
    });
    for (const topic of topics) group.addPartition(topic, task.partition);
    return group;
  }

  /**
   * A batch of a multi-input task: buffered, then the task processes whatever the buffer releases
   * (smallest timestamp first across its inputs; see PartitionGroup). The batch is resolved as a
   * whole — kafkajs fetches on — while committed positions follow what was processed.
   */
  private async bufferBatch(
    managed: ManagedTask,
    group: PartitionGroup<KafkaMessage>,
    payload: {
      batch: { topic: string; partition: number; messages: KafkaMessage[]; highWatermark: string };
      resolveOffset(offset: string): void;
      isRunning(): boolean;
      isStale(): boolean;
    },
    positionKey: string,
  ): Promise<void> {
    const { batch } = payload;
    if (!payload.isRunning() || payload.isStale()) return;
    const resumeAt = this.positions.get(positionKey) ?? -1;
    const messages =
      resumeAt < 0 ? batch.messages : batch.messages.filter((m) => Number(m.offset) >= resumeAt);
    group.add(batch.topic, batch.partition, messages, Number(batch.highWatermark));
    const last = batch.messages.at(-1);
    if (last) {
      payload.resolveOffset(last.offset);
      this.metrics.consumerLag.set(
        { application: this.config.applicationId, topic: batch.topic, partition: String(batch.partition) },
        Math.max(0, Number(batch.highWatermark) - Number(last.offset) - 1),
      );
    }
    this.drainGroup(managed, group);
    if (this.fatal) return;
    if (managed.task.isCommitRequested() || Date.now() - this.lastCommit >= this.config.commitIntervalMs) {
      await this.commit();
    }
  }

  /** Processes the records a task's buffer releases now; positions advance per processed record. */
  private drainGroup(managed: ManagedTask, group: PartitionGroup<KafkaMessage>): void {
    const refuseNulls =
      this.settings.deadLetterNulls === true && this.config.deserializationHandling === 'logAndContinue';
    const now = Date.now();
    let processed = 0;
    for (let next = group.next(now); next !== undefined && !this.fatal; next = group.next(now)) {
      const { topic, partition, record: message, key } = next;
      group.pop(topic, partition);
      const offset = Number(message.offset);
      const timestamp = Number(message.timestamp);
      const headers = toHeaders(message.headers);
      try {
        if (refuseNulls && (message.key === null || message.value === null)) {
          const part = message.key === null ? 'key' : 'value';
          throw new DeserializationError(topic, partition, offset, part, {
            cause: new Error(`null ${part}`),
          });
        }
        managed.task.processBytes(topic, partition, offset, timestamp, message.key, message.value, headers);
      } catch (error) {
        if (
          error instanceof DeserializationError &&
          this.config.deserializationHandling === 'logAndContinue'
        ) {
          this.deadLetter(
            { topic, partition, offset, timestamp, key: message.key, value: message.value, headers },
            error,
          );
        } else {
          this.fail(error);
          break;
        }
      }
      managed.dirty = true;
      processed++;
      this.positions.set(key, offset + 1);
    }
    if (processed > 0) this.metrics.processed.inc({ application: this.config.applicationId }, processed);
  }

  /** Sends the original bytes, with headers saying what went wrong and where, to the dead-letter topic. */
  private deadLetter(raw: RawRecord, error: DeserializationError): void {
    const cause = error.cause instanceof Error ? error.cause.message : String(error.cause ?? '');
    this.log.warn(
      { topic: raw.topic, partition: raw.partition, offset: raw.offset, error: error.message },
      'dead-lettered',
    );
    this.metrics.deadLettered.inc({ application: this.config.applicationId });
    const text = (value: string) => Buffer.from(value, 'utf8');
    this.output!.send({
      topic: this.config.deadLetterTopic,
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
        { key: 'error.application', value: text(this.config.applicationId) },
        ...Object.entries(this.settings.deadLetterHeaders?.(raw, error) ?? {}).map(([key, value]) => ({
          key,
          value: text(value),
        })),
      ],
    });
  }

  private async onTick(): Promise<void> {
    if (this.fatal || !this.output) return;
    const now = Date.now();
    for (const managed of this.tasks.values()) {
      try {
        if (managed.task.punctuateWallClock(now)) managed.dirty = true;
      } catch (error) {
        this.fail(error);
        return;
      }
      // A multi-input task waiting for an input of unknown position may process once it idled long enough.
      if (managed.group && managed.group.size() > 0 && !this.closing && !this.awaitingAssignment)
        this.drainGroup(managed, managed.group);
      if (this.fatal) return;
    }
    if (now - this.lastCommit >= this.config.commitIntervalMs) await this.commit();
  }

  // --- commit ---

  private async commit(): Promise<void> {
    const output = this.output;
    const producer = this.producer;
    if (this.fatal || !output || !producer || !this.consumer) return;
    const dirty = [...this.tasks.values()].filter((t) => t.dirty);
    this.lastCommit = Date.now();
    if (dirty.length === 0 && output.size() === 0) return;
    const timer = this.metrics.commitSeconds.startTimer({ application: this.config.applicationId });
    try {
      for (const managed of dirty) managed.task.flush();
    } catch (error) {
      this.fail(error);
      return;
    }
    const offsets = this.committableOffsets(dirty);
    const now = Date.now();
    // Under at_least_once nothing makes the sends atomic, so the records go first and the commit
    // markers only once they are acknowledged: a marker declares its input positions done, and a
    // restore skips that input. Sent together, a crash could leave a marker whose output had not
    // reached Kafka — a window the suppression buffer emitted (and dropped) would then be lost.
    const exactlyOnce = this.config.processingGuarantee === 'exactly_once_v2';
    const records = exactlyOnce ? [] : output.drain();
    for (const managed of dirty) {
      if (managed.changelogs.size === 0) continue;
      const positions: Record<string, number> = {};
      for (const topic of managed.task.inputTopics()) {
        const next = this.positions.get(`${topic}:${managed.partition}`);
        if (next !== undefined) positions[topic] = next;
      }
      for (const topic of managed.changelogs.values())
        output.commitMarker(topic, managed.partition, positions, now);
    }
    const messages = output.drain();
    const next = new Map<string, number>();
    try {
      if (exactlyOnce) {
        const transaction = await producer.transaction();
        try {
          for (const chunk of chunkTopicMessages(messages)) {
            mergeNextOffsets(next, chunk, await transaction.sendBatch({ topicMessages: chunk, acks: -1 }));
          }
          if (offsets.length)
            await transaction.sendOffsets({
              consumerGroupId: this.config.applicationId,
              topics: offsets,
              consumerGroupMetadata: this.groupMetadata ?? undefined,
            });
          await transaction.commit();
        } catch (error) {
          const aborted = await transaction.abort().then(
            () => true,
            (abortError: unknown) => {
              this.log.warn({ err: abortError }, 'abort failed');
              return false;
            },
          );
          throw aborted ? error : new ProducerUnusableError(error);
        }
      } else {
        for (const chunk of chunkTopicMessages(records))
          mergeNextOffsets(next, chunk, await this.send(producer, chunk));
        for (const chunk of chunkTopicMessages(messages))
          mergeNextOffsets(next, chunk, await this.send(producer, chunk));
        // Sent: the changelogs now hold this state and its input positions (commit markers), so the
        // tasks are consistent with Kafka even if the offset commit below fails.
        for (const managed of dirty) managed.dirty = false;
        if (offsets.length) await this.consumer.commitOffsets(flattenOffsets(offsets));
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
        this.log.warn(
          { task: managed.task.taskId, err: error },
          'task fenced by another instance; dropping it',
        );
        this.discard(managed);
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
    const kind = error instanceof ProducerUnusableError ? 'producer-fenced' : classifyCommitFailure(error);
    const tasks = stale.map((t) => t.task.taskId);
    // (Under at_least_once the changelog is already sent when the offset commit fails: nothing is stale.)
    if (kind === 'task-migrated' && this.config.processingGuarantee === 'exactly_once_v2') {
      this.log.warn(
        { err: error, tasks },
        'commit refused: tasks migrated; closing all tasks until the group is rejoined',
      );
      for (const managed of [...this.tasks.values()]) this.discard(managed);
      this.output?.drain();
      this.awaitingAssignment = true;
      return;
    }
    if (kind === 'producer-fenced' && this.config.processingGuarantee === 'exactly_once_v2') {
      this.log.warn(
        { err: error, tasks },
        'commit failed: the producer cannot commit any more; replacing it',
      );
      const old = this.producer;
      this.producer = undefined;
      await old
        ?.disconnect()
        .catch((e: unknown) => this.log.warn({ err: e }, 'disconnecting the old producer'));
      this.producer = await this.connectProducer();
    } else {
      this.log.warn({ err: error, tasks }, 'commit failed; rebuilding uncommitted tasks');
    }
    await this.rebuild(stale);
  }

  private async send(producer: Producer, messages: TopicMessages[]): Promise<RecordMetadata[]> {
    try {
      return await producer.sendBatch({ topicMessages: messages, acks: -1 });
    } catch (error) {
      if (this.config.productionHandling === 'continue') {
        const count = messages.reduce((n, t) => n + t.messages.length, 0);
        this.log.error(
          { err: error, records: count },
          'production failed; records dropped (productionHandling=continue)',
        );
        return [];
      }
      throw error;
    }
  }

  private committableOffsets(dirty: ManagedTask[]) {
    const byTopic = new Map<string, { partition: number; offset: string }[]>();
    for (const managed of dirty) {
      for (const topic of managed.task.inputTopics()) {
        const next = this.positions.get(`${topic}:${managed.partition}`);
        if (next === undefined) continue;
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

  private reportMetrics(): void {
    const { lateRecordDrops } = this.taskMetrics();
    if (lateRecordDrops > this.reportedLate) {
      this.metrics.lateDropped.inc(
        { application: this.config.applicationId },
        lateRecordDrops - this.reportedLate,
      );
      this.reportedLate = lateRecordDrops;
    }
    for (const managed of this.tasks.values()) {
      for (const storeName of managed.subtopology.stores) {
        const store = managed.task.getStore(storeName) as
          | { approximateNumEntries?: () => number }
          | undefined;
        if (typeof store?.approximateNumEntries !== 'function') continue;
        this.metrics.storeEntries.set(
          { application: this.config.applicationId, store: storeName, partition: String(managed.partition) },
          store.approximateNumEntries(),
        );
      }
    }
  }

  // --- tasks and rebalances ---

  /**
   * A new assignment: tasks that left, and tasks with uncommitted work (which kafkajs will re-read
   * from the committed offsets), are closed without flushing; buffered output of that work is
   * discarded; tasks for new partitions are created and restored.
   */
  private async onAssignment(
    assignment: Record<string, number[]>,
    metadata: ConsumerGroupMetadata | null,
  ): Promise<void> {
    if (this.fatal) return;
    this.groupMetadata = metadata;
    this.awaitingAssignment = false;
    this.transition('REBALANCING');
    const wanted = new Map<string, [Subtopology, number]>();
    for (const [topic, partitions] of Object.entries(assignment)) {
      const sub = this.topicOwner.get(topic);
      if (!sub) continue;
      for (const p of partitions) wanted.set(taskId(sub, p), [sub, p]);
    }
    const anyDirty = [...this.tasks.values()].some((t) => t.dirty);
    for (const [id, managed] of this.tasks) {
      if (!wanted.has(id) || managed.dirty) this.discard(managed);
    }
    if (anyDirty) this.output?.drain();
    const missing = [...wanted].filter(([id]) => !this.tasks.has(id)).map(([, spec]) => spec);
    if (missing.length) await this.createTasks(missing);
    this.seekToPositions();
    this.log.info({ tasks: [...this.tasks.keys()].sort() }, 'assignment');
    this.transition('RUNNING');
  }

  /** Drops tasks (and their buffered output) and recreates them from their changelogs. */
  private async rebuild(tasks: ManagedTask[]): Promise<void> {
    if (tasks.length === 0) return;
    for (const managed of tasks) this.discard(managed);
    this.output?.drain();
    await this.createTasks(tasks.map((t): [Subtopology, number] => [t.subtopology, t.partition]));
    this.seekToPositions();
  }

  private discard(managed: ManagedTask): void {
    managed.task.close();
    this.tasks.delete(managed.task.taskId);
    for (const topic of managed.task.inputTopics()) this.positions.delete(`${topic}:${managed.partition}`);
  }

  /**
   * kafkajs resumes from the committed offsets; our state may be ahead of them (a commit whose
   * changelog was written but whose offset commit failed or was cut short by a crash).
   */
  private seekToPositions(): void {
    for (const managed of this.tasks.values()) {
      for (const topic of managed.task.inputTopics()) {
        const next = this.positions.get(`${topic}:${managed.partition}`);
        if (next !== undefined)
          this.consumer?.seek({ topic, partition: managed.partition, offset: String(next) });
      }
    }
  }

  private async createTasks(specs: [Subtopology, number][]): Promise<ManagedTask[]> {
    const { applicationId } = this.config;
    const changelogTopics = new Set(
      this.topology
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
      const output = this.output!;
      const task = new StreamTask({
        applicationId,
        topology: this.topology,
        subtopology: sub,
        partition,
        collector: output,
        defaultKeySerde: this.settings.defaultKeySerde,
        defaultValueSerde: this.settings.defaultValueSerde,
        defaultTimestampExtractor: this.settings.defaultTimestampExtractor,
        invalidTimestampPolicy: this.settings.invalidTimestampPolicy,
        cache: new RecordCache(this.settings.cacheMaxBytes ?? DEFAULT_CACHE_MAX_BYTES),
        logChange: (store, key, value, timestamp) => {
          const topic = changelogs.get(store);
          if (topic) output.logChange(topic, partition, key, value, timestamp);
        },
        logger: this.log,
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
      const admin = this.admin!;
      const restored = await restoreChangelogs(
        this.settings.kafka,
        `${applicationId}-restore-${this.instanceId}`,
        requests,
        this.log,
        { ends: (topic) => partitionEnds(admin, topic) },
      );
      this.lastRestoredRecords += restored.records;
      for (const managed of created) {
        for (const [storeName, topic] of managed.changelogs) {
          const end = restored.ends.get(`${topic}:${managed.partition}`);
          if (end !== undefined) managed.changelogEnds.set(storeName, end);
        }
      }
    }
    return created;
  }

  /** Records replayed from changelogs since start (tests check that a checkpoint limits it). */
  lastRestoredRecords = 0;

  // --- plumbing ---

  /** Runs `step` after every step queued before it: tasks are only ever touched by one step at a time. */
  private serialized<T>(step: () => Promise<T>): Promise<T> {
    const run = this.chain.then(step, step);
    this.chain = run.catch((error: unknown) => this.fail(error));
    return run;
  }

  private fail(error: unknown): void {
    if (this.fatal) return;
    this.fatal = error instanceof Error ? error : new Error(String(error));
    const where = error instanceof ProcessingError ? ` (task ${error.taskId})` : '';
    this.log.error({ err: this.fatal }, `stream processing stopped${where}: ${this.fatal.message}`);
    this.transition('ERROR');
    clearInterval(this.timer);
    void this.consumer?.stop().catch(() => undefined);
  }

  private async shutdown(): Promise<void> {
    clearInterval(this.timer);
    for (const managed of this.tasks.values()) managed.task.close();
    this.tasks.clear();
    const steps = [this.consumer?.disconnect(), this.producer?.disconnect(), this.admin?.disconnect()];
    for (const result of await Promise.allSettled(steps)) {
      if (result.status === 'rejected') this.log.warn({ err: result.reason }, 'error while disconnecting');
    }
    await this.identity?.release();
  }

  private transition(next: KafkaStreamsState): void {
    const previous = this.currentState;
    if (previous === next || previous === 'ERROR') return;
    this.currentState = next;
    this.log.info({ from: previous, to: next }, 'state');
    for (const listener of this.listeners) listener(next, previous);
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

function taskId(sub: Subtopology, partition: number): string {
  return `${sub.id}_${partition}`;
}

const NO_HEADERS: Header[] = [];

function toHeaders(headers: KafkaMessage['headers']): Header[] {
  if (!headers) return NO_HEADERS;
  let empty = true;
  for (const _ in headers) {
    empty = false;
    break;
  }
  if (empty) return NO_HEADERS;
  const out: Header[] = [];
  for (const [key, value] of Object.entries(headers)) {
    if (Array.isArray(value)) for (const v of value) out.push({ key, value: toBuffer(v) });
    else out.push({ key, value: toBuffer(value) });
  }
  return out;
}

function toBuffer(value: string | Buffer | undefined): Buffer | null {
  if (value === undefined) return null;
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}

function flattenOffsets(offsets: { topic: string; partitions: { partition: number; offset: string }[] }[]) {
  return offsets.flatMap(({ topic, partitions }) =>
    partitions.map(({ partition, offset }) => ({ topic, partition, offset })),
  );
}

/** Records, per changelog partition, the offset after the last record of a send (the highest wins). */
function mergeNextOffsets(into: Map<string, number>, sent: TopicMessages[], acks: RecordMetadata[]): void {
  for (const [key, offset] of nextOffsets(sent, acks)) into.set(key, Math.max(into.get(key) ?? 0, offset));
}
