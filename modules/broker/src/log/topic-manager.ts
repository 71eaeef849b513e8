/**
 * All topics of the broker: creation (explicit and automatic), deletion, partition growth,
 * configuration, persistence of topic metadata (`<dataDir>/topics/<name>/topic.json`), the
 * Flusher, waiting fetches, and the periodic retention/compaction pass.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Broker } from '../broker.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { compactPartition } from './compaction.js';
import { Flusher } from './flusher.js';
import { type CacheBudget, PartitionLog } from './partition-log.js';
import { effectiveConfig, type EffectiveTopicConfig, validateTopicConfig } from './topic-config.js';

export interface Topic {
  readonly name: string;
  /** 16-byte topic id (Metadata v10+). */
  readonly id: Buffer;
  readonly partitions: PartitionLog[];
  /** Explicitly set configs (DescribeConfigs shows defaults for the rest). */
  configs: Record<string, string>;
  effective: EffectiveTopicConfig;
}

interface TopicFile {
  name: string;
  id: string;
  partitions: number;
  configs: Record<string, string>;
}

const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

export function validateTopicName(name: string): void {
  if (!TOPIC_NAME.test(name) || name === '.' || name === '..') {
    throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, `invalid topic name '${name}'`);
  }
}

interface FetchWaiter {
  partitions: Set<PartitionLog>;
  wake: () => void;
}

export class TopicManager {
  private readonly topics = new Map<string, Topic>();
  readonly flusher: Flusher;
  private readonly fetchWaiters = new Set<FetchWaiter>();
  private cleanupTimer: NodeJS.Timeout | undefined;
  private readonly root: string;
  private readonly cacheBudget: CacheBudget;

  constructor(private readonly broker: Broker) {
    this.root = join(broker.config.dataDir, 'topics');
    this.cacheBudget = { used: 0, max: broker.config.tailCacheTotalBytes };
    this.flusher = new Flusher(
      broker.config.fsyncPolicy,
      (p) => this.onHighWatermark(p),
      () => broker.metrics.fsyncs.inc(),
      (err, what) => broker.logger.error({ err }, `log I/O failed: ${what}`),
    );
  }

  async load(): Promise<void> {
    mkdirSync(this.root, { recursive: true });
    for (const dir of readdirSync(this.root)) {
      const file = join(this.root, dir, 'topic.json');
      if (!existsSync(file)) continue;
      const meta = JSON.parse(readFileSync(file, 'utf8')) as TopicFile;
      const topic = this.instantiate(meta.name, Buffer.from(meta.id, 'hex'), meta.configs);
      for (let i = 0; i < meta.partitions; i++) this.addPartition(topic);
    }
    this.broker.logger.info({ topics: this.topics.size }, 'topics loaded');
  }

  list(): Topic[] {
    return [...this.topics.values()];
  }

  get(name: string): Topic | undefined {
    return this.topics.get(name);
  }

  partition(topic: string, index: number): PartitionLog | undefined {
    return this.topics.get(topic)?.partitions[index];
  }

  /** The topic, created with the default partition count if auto-creation is on. */
  getOrCreate(name: string): Topic | undefined {
    const t = this.topics.get(name);
    if (t || !this.broker.config.autoCreateTopics) return t;
    validateTopicName(name);
    return this.create(name, this.broker.config.defaultPartitions, {});
  }

  create(name: string, partitions: number, configs: Record<string, string>): Topic {
    validateTopicName(name);
    if (this.topics.has(name))
      throw new KafkaError(ErrorCode.TOPIC_ALREADY_EXISTS, `topic ${name} already exists`);
    if (!Number.isInteger(partitions) || partitions < 1) {
      throw new KafkaError(
        ErrorCode.INVALID_PARTITIONS,
        `topic ${name}: invalid partition count ${partitions}`,
      );
    }
    for (const [k, v] of Object.entries(configs)) validateTopicConfig(name, k, v);
    // leftovers of a deletion interrupted by a crash must not reappear in the new topic
    rmSync(join(this.root, name), { recursive: true, force: true });
    const topic = this.instantiate(name, randomBytes(16), configs);
    for (let i = 0; i < partitions; i++) this.addPartition(topic);
    this.persist(topic);
    this.broker.logger.info({ topic: name, partitions, configs }, 'topic created');
    return topic;
  }

  private instantiate(name: string, id: Buffer, configs: Record<string, string>): Topic {
    const topic: Topic = {
      name,
      id,
      partitions: [],
      configs,
      effective: effectiveConfig(configs, this.broker.config.segmentBytes),
    };
    this.topics.set(name, topic);
    return topic;
  }

  private addPartition(topic: Topic): void {
    const index = topic.partitions.length;
    const p = new PartitionLog(
      topic.name,
      index,
      join(this.root, topic.name, String(index)),
      this.flusher,
      {
        segmentBytes: topic.effective.segmentBytes,
        tailCacheBytes: this.broker.config.tailCacheBytes,
      },
      this.cacheBudget,
    );
    p.open(this.broker.logger);
    topic.partitions.push(p);
  }

  private persist(topic: Topic): void {
    const dir = join(this.root, topic.name);
    mkdirSync(dir, { recursive: true });
    const meta: TopicFile = {
      name: topic.name,
      id: topic.id.toString('hex'),
      partitions: topic.partitions.length,
      configs: topic.configs,
    };
    const tmp = join(dir, 'topic.json.tmp');
    writeFileSync(tmp, JSON.stringify(meta, null, 2));
    renameSync(tmp, join(dir, 'topic.json'));
  }

  createPartitions(name: string, total: number): void {
    const topic = this.topics.get(name);
    if (!topic) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic ${name} does not exist`);
    if (total <= topic.partitions.length) {
      throw new KafkaError(
        ErrorCode.INVALID_PARTITIONS,
        `topic ${name} has ${topic.partitions.length} partitions; ${total} would not add any`,
      );
    }
    while (topic.partitions.length < total) this.addPartition(topic);
    this.persist(topic);
  }

  async delete(name: string): Promise<void> {
    const topic = this.topics.get(name);
    if (!topic) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic ${name} does not exist`);
    this.topics.delete(name);
    for (const p of topic.partitions) p.deleted = true;
    await this.flusher.idle();
    for (const p of topic.partitions) {
      p.wakeAll();
      p.close();
    }
    // topic.json first: a crash halfway through leaves a directory that load() ignores, never a
    // topic with half of its partitions
    rmSync(join(this.root, name, 'topic.json'), { force: true });
    rmSync(join(this.root, name), { recursive: true, force: true });
    this.broker.logger.info({ topic: name }, 'topic deleted');
  }

  /** Sets (value) or removes (null) topic configs; validates all before applying any. */
  alterConfigs(
    name: string,
    changes: Record<string, string | null>,
    replaceAll: boolean,
    validateOnly: boolean,
  ): void {
    const topic = this.topics.get(name);
    if (!topic) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic ${name} does not exist`);
    for (const [k, v] of Object.entries(changes)) validateTopicConfig(name, k, v);
    if (validateOnly) return;
    const next: Record<string, string> = replaceAll ? {} : { ...topic.configs };
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) delete next[k];
      else next[k] = v;
    }
    topic.configs = next;
    topic.effective = effectiveConfig(next, this.broker.config.segmentBytes);
    for (const p of topic.partitions) {
      p.updateSettings({
        segmentBytes: topic.effective.segmentBytes,
        tailCacheBytes: this.broker.config.tailCacheBytes,
      });
    }
    this.persist(topic);
  }

  // ------------------------------------------------------------------ fetch long-poll

  /** Resolves when any of the partitions' high watermark advances, or after timeoutMs. */
  waitForData(partitions: PartitionLog[], timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const waiter: FetchWaiter = {
        partitions: new Set(partitions),
        wake: () => {
          clearTimeout(timer);
          this.fetchWaiters.delete(waiter);
          resolve();
        },
      };
      const timer = setTimeout(waiter.wake, timeoutMs);
      this.fetchWaiters.add(waiter);
    });
  }

  private onHighWatermark(p: PartitionLog): void {
    for (const w of this.fetchWaiters) if (w.partitions.has(p)) w.wake();
  }

  // ------------------------------------------------------------------ retention and compaction

  startBackgroundTasks(): void {
    this.cleanupTimer = setInterval(() => {
      this.runCleanup().catch((err: unknown) => this.broker.logger.error({ err }, 'log cleanup failed'));
    }, this.broker.config.cleanupIntervalMs);
    this.cleanupTimer.unref();
  }

  /**
   * One retention + compaction pass over every topic. With rollActive (tests, admin tools) the
   * active segment of compacted topics is closed first so everything written so far is eligible.
   */
  async runCleanup(
    options: { rollActive?: boolean } = {},
  ): Promise<{ segmentsDeleted: number; recordsRemoved: number }> {
    let segmentsDeleted = 0;
    let recordsRemoved = 0;
    const now = Date.now();
    for (const topic of this.list()) {
      const cfg = topic.effective;
      for (const p of topic.partitions) {
        if (cfg.compact && options.rollActive && p.activeSegment.size > 0) p.roll();
      }
      await this.flusher.idle();
      for (const p of topic.partitions) {
        if (p.deleted) continue;
        if (cfg.deleteOld) segmentsDeleted += p.applyRetention(cfg.retentionMs, cfg.retentionBytes, now);
        if (cfg.compact) recordsRemoved += compactPartition(p, this.broker.logger);
      }
    }
    return { segmentsDeleted, recordsRemoved };
  }

  async close(): Promise<void> {
    clearInterval(this.cleanupTimer);
    for (const w of [...this.fetchWaiters]) w.wake();
    await this.flusher.idle();
    for (const topic of this.topics.values()) {
      for (const p of topic.partitions) {
        p.saveState();
        p.wakeAll();
        p.close();
      }
    }
  }
}
