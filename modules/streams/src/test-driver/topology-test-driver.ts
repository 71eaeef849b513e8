import { pino } from 'pino';
import { type Headers, NO_HEADERS } from '../processor/record.js';
import type { Serde } from '../serde/serde.js';
import { RecordCache } from '../state/cache/record-cache.js';
import type { KeyValueStore, StateStore } from '../state/state-store.js';
import type { SessionStore, WindowStore } from '../state/window.js';
import { DEFAULT_CACHE_MAX_BYTES, type StreamsConfig } from '../task/config.js';
import type { OutputRecord, RecordCollector } from '../task/record-collector.js';
import { StreamTask } from '../task/stream-task.js';
import { TaskMetrics } from '../task/task-metrics.js';
import type { Topology } from '../topology/topology.js';
import { type InputSink, TestInputTopic, type TestInputTopicOptions } from './test-input-topic.js';
import { TestOutputTopic } from './test-output-topic.js';

export interface TestDriverConfig extends Partial<StreamsConfig> {
  /** Start of the mock wall clock (default: Date.now() at construction). */
  readonly initialWallClockTimeMs?: number;
  /**
   * Commit (flush caches) after this many piped records. Default 1, like Kafka Streams'
   * TopologyTestDriver, which commits after every record; 0 = only on `commit()` or
   * `advanceWallClockTime`.
   */
  readonly commitEveryRecords?: number;
  /**
   * Write change-logged stores' changelog records to output topics
   * `<applicationId>-<store>-changelog` (read them with createOutputTopic), as a runtime writes
   * them to Kafka. Default off: the driver then writes no changelog, and stores that exist only to
   * be restored from it (the suppression buffer's) write nothing.
   */
  readonly captureChangelogs?: boolean;
}

interface QueuedRecord {
  readonly topic: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
  readonly headers: Headers;
}

/**
 * Runs a Topology without a broker (Kafka Streams' TopologyTestDriver): one StreamTask per
 * sub-topology on partition 0 — the same task code the Kafka runtime runs — with a mock wall
 * clock. Records written to a topic the topology itself reads (repartition topics) are fed back
 * in at once, so multi-sub-topology graphs behave as with a broker.
 */
export class TopologyTestDriver implements InputSink {
  readonly applicationId: string;
  private readonly tasks: StreamTask[] = [];
  private readonly taskByTopic = new Map<string, StreamTask>();
  private readonly outputs = new Map<string, OutputRecord[]>();
  private readonly internalQueue: QueuedRecord[] = [];
  private readonly offsets = new Map<string, { next: number }>();
  private lastTopic: string | undefined;
  private lastTask: StreamTask | undefined;
  private lastCell: { next: number } | undefined;
  private readonly commitEvery: number;
  private sinceCommit = 0;
  private wallClock: number;
  private draining = false;
  private closed = false;

  constructor(
    readonly topology: Topology,
    config: TestDriverConfig = {},
  ) {
    this.applicationId = config.applicationId ?? 'test-driver';
    this.wallClock = config.initialWallClockTimeMs ?? Date.now();
    this.commitEvery = config.commitEveryRecords ?? 1;
    const logger = config.logger ?? pino({ level: 'warn' });
    const collector: RecordCollector = {
      send: (record) => this.collect(record),
      partitionsFor: () => 1,
    };
    const logChange = config.captureChangelogs
      ? (store: string, key: Buffer, value: Buffer | null, timestamp: number) => {
          const topic = `${this.applicationId}-${store}-changelog`;
          this.queueOf(topic).push({ topic, partition: 0, key, value, timestamp, headers: NO_HEADERS });
        }
      : undefined;
    for (const sub of topology.subtopologies()) {
      const task = new StreamTask({
        applicationId: this.applicationId,
        topology,
        subtopology: sub,
        partition: 0,
        collector,
        clock: () => this.wallClock,
        defaultKeySerde: config.defaultKeySerde,
        defaultValueSerde: config.defaultValueSerde,
        defaultTimestampExtractor: config.defaultTimestampExtractor,
        invalidTimestampPolicy: config.invalidTimestampPolicy,
        cache: new RecordCache(config.cacheMaxBytes ?? DEFAULT_CACHE_MAX_BYTES),
        logger,
        logChange,
      });
      for (const t of task.inputTopics()) this.taskByTopic.set(t, task);
      this.tasks.push(task);
    }
    for (const task of this.tasks) task.initialize();
  }

  createInputTopic<K, V>(
    topic: string,
    keySerde?: Serde<K>,
    valueSerde?: Serde<V>,
    options: TestInputTopicOptions = {},
  ): TestInputTopic<K, V> {
    if (!this.taskByTopic.has(topic)) throw new Error(`topology does not read topic ${topic}`);
    return new TestInputTopic(topic, this, keySerde, valueSerde, {
      ...options,
      startTimestampMs: options.startTimestampMs ?? this.wallClock,
    });
  }

  createOutputTopic<K, V>(topic: string, keySerde?: Serde<K>, valueSerde?: Serde<V>): TestOutputTopic<K, V> {
    return new TestOutputTopic(topic, this.queueOf(topic), keySerde, valueSerde);
  }

  /** Advances the mock wall clock, fires due WALL_CLOCK_TIME punctuators, then commits. */
  advanceWallClockTime(ms: number): void {
    this.wallClock += ms;
    for (const task of this.tasks) task.punctuateWallClock(this.wallClock);
    this.drainInternal();
    this.commit();
  }

  /** Flushes every task's caches (emitting their de-duplicated updates), as a commit does. */
  commit(): void {
    this.sinceCommit = 0;
    do {
      for (const task of this.tasks) task.flush();
    } while (this.drainInternal());
  }

  getStateStore(name: string): StateStore | undefined {
    for (const task of this.tasks) {
      const s = task.getStore(name);
      if (s) return s;
    }
    return undefined;
  }

  getKeyValueStore<K, V>(name: string): KeyValueStore<K, V> {
    return this.requireStore(name) as KeyValueStore<K, V>;
  }

  getWindowStore<K, V>(name: string): WindowStore<K, V> {
    return this.requireStore(name) as WindowStore<K, V>;
  }

  getSessionStore<K, V>(name: string): SessionStore<K, V> {
    return this.requireStore(name) as SessionStore<K, V>;
  }

  /** Counters summed over all tasks (late drops, skipped records, ...). */
  metrics(): TaskMetrics {
    const sum = new TaskMetrics();
    for (const t of this.tasks) sum.add(t.metrics);
    return sum;
  }

  /** Stream time of the task reading `topic` (largest timestamp seen). */
  streamTime(topic: string): number {
    return this.taskFor(topic).streamTime();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.commit();
    for (const task of this.tasks) task.close();
  }

  // --- InputSink ---

  pipeSerialized(
    topic: string,
    key: Buffer | null,
    value: Buffer | null,
    timestamp: number,
    headers: Headers,
  ): void {
    const task = this.taskFor(topic);
    task.process({ topic, partition: 0, offset: this.nextOffset(topic), timestamp, key, value, headers });
    this.afterInput();
  }

  pipeObjects(topic: string, key: unknown, value: unknown, timestamp: number, headers: Headers): void {
    // Fast path for the benchmark and in-process feeds: remember the last topic's task and offset.
    if (topic !== this.lastTopic) {
      this.lastTask = this.taskFor(topic);
      this.lastCell = this.offsetCell(topic);
      this.lastTopic = topic;
    }
    this.lastTask!.processDeserialized(topic, 0, this.lastCell!.next++, key, value, timestamp, headers);
    this.afterInput();
  }

  // --- internals ---

  private afterInput(): void {
    if (this.internalQueue.length !== 0) this.drainInternal();
    if (this.commitEvery > 0 && ++this.sinceCommit >= this.commitEvery) this.commit();
  }

  private taskFor(topic: string): StreamTask {
    const task = this.taskByTopic.get(topic);
    if (!task) throw new Error(`topology does not read topic ${topic}`);
    return task;
  }

  private requireStore(name: string): StateStore {
    const s = this.getStateStore(name);
    if (!s) throw new Error(`no state store named ${name} in the topology`);
    return s;
  }

  private nextOffset(topic: string): number {
    return this.offsetCell(topic).next++;
  }

  /** The next offset of a topic, as a mutable cell so the hot path needs no map lookup. */
  private offsetCell(topic: string): { next: number } {
    let cell = this.offsets.get(topic);
    if (cell === undefined) {
      cell = { next: 0 };
      this.offsets.set(topic, cell);
    }
    return cell;
  }

  private queueOf(topic: string): OutputRecord[] {
    let q = this.outputs.get(topic);
    if (!q) {
      q = [];
      this.outputs.set(topic, q);
    }
    return q;
  }

  private collect(record: OutputRecord): void {
    if (this.taskByTopic.has(record.topic)) {
      // A topic the topology reads (repartition): processed after the current record, as via a broker.
      this.internalQueue.push({ ...record, headers: record.headers ?? NO_HEADERS });
      if (this.topology.isRepartitionTopic(record.topic.slice(this.applicationId.length + 1))) return;
    }
    this.queueOf(record.topic).push(record);
  }

  /** Processes queued internal records until none is left; true when any was processed. */
  private drainInternal(): boolean {
    if (this.draining || this.internalQueue.length === 0) return false;
    this.draining = true;
    try {
      while (this.internalQueue.length) {
        const r = this.internalQueue.shift()!;
        this.taskFor(r.topic).process({ ...r, partition: 0, offset: this.nextOffset(r.topic) });
      }
    } finally {
      this.draining = false;
    }
    return true;
  }
}
