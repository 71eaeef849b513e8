/**
 * All topics of the broker: creation (explicit and automatic), deletion, partition growth,
 * configuration, persistence of topic metadata (`<dataDir>/topics/<name>/topic.json`), the
 * partition limit, the Flusher and the pool of open segment files, waiting fetches, and the
 * periodic retention/compaction pass.
 *
 * Creating topics and partitions is all-or-nothing: everything is validated (name, configs,
 * limits) before the disk is touched, a new topic's directories are built under a staging name and
 * renamed into place, and any failure removes what was made — so a refused or failed creation
 * leaves no directory behind and never affects the other topics.
 */
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { BrokerConfig } from '../config.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { compactPartition } from './compaction.js';
import { FileHandlePool } from './file-handles.js';
import { Flusher } from './flusher.js';
import { fsyncDir } from './fsync-dir.js';
import { PartitionLog } from './partition-log.js';
import type { CacheBudget } from './tail-cache.js';
import {
  effectiveConfig,
  type EffectiveTopicConfig,
  validateTopicConfig,
  validateTopicConfigSet,
} from './topic-config.js';

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
/** Directories of topics being created; '~' is never part of a topic name. */
const STAGING_PREFIX = '~new-';

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
  /** Segment files open now (bounded by maxOpenSegmentFiles). */
  readonly files: FileHandlePool;
  /** Partitions of all topics. */
  private partitionTotal = 0;

  /** `onFsync` counts every fsync of a log file (the broker's metric). */
  constructor(
    private readonly config: BrokerConfig,
    private readonly logger: Logger,
    onFsync: () => void,
  ) {
    this.root = join(config.dataDir, 'topics');
    this.cacheBudget = { used: 0, max: config.tailCacheTotalBytes };
    this.files = new FileHandlePool(config.maxOpenSegmentFiles);
    this.flusher = new Flusher(
      config.fsyncPolicy,
      // each fsync in flight pins a file: keep most of the pool for writes and reads
      Math.max(1, Math.min(8, Math.floor(config.maxOpenSegmentFiles / 4))),
      (p) => this.onHighWatermark(p),
      onFsync,
      (err, what) => logger.error({ err }, `log I/O failed: ${what}`),
    );
  }

  async load(): Promise<void> {
    mkdirSync(this.root, { recursive: true });
    for (const dir of readdirSync(this.root)) {
      if (dir.startsWith(STAGING_PREFIX)) {
        // a creation interrupted by a crash: the topic never existed
        rmSync(join(this.root, dir), { recursive: true, force: true });
        continue;
      }
      const file = join(this.root, dir, 'topic.json');
      if (!existsSync(file)) continue;
      const meta = JSON.parse(readFileSync(file, 'utf8')) as TopicFile;
      const topic = this.instantiate(meta.name, Buffer.from(meta.id, 'hex'), meta.configs);
      for (let i = 0; i < meta.partitions; i++) this.openPartition(topic).open(this.logger);
    }
    const { maxPartitions } = this.config;
    if (this.partitionTotal > maxPartitions) {
      this.logger.warn(
        { partitions: this.partitionTotal, maxPartitions },
        'more partitions on disk than max.partitions allows: new ones are refused until topics are deleted',
      );
    }
    this.logger.info({ topics: this.topics.size, partitions: this.partitionTotal }, 'topics loaded');
  }

  /** Partitions of all topics together. */
  get partitionCount(): number {
    return this.partitionTotal;
  }

  /**
   * Refuses (POLICY_VIOLATION) `adding` partitions for `topic` when they would take the broker
   * over max.partitions; `pending` counts partitions accepted but not created yet (validateOnly).
   */
  checkPartitionLimit(topic: string, adding: number, pending = 0): void {
    const max = this.config.maxPartitions;
    const after = this.partitionTotal + pending + adding;
    if (after > max) {
      throw new KafkaError(
        ErrorCode.POLICY_VIOLATION,
        `topic ${topic}: ${adding} partitions would bring the broker to ${after}, over its limit max.partitions=${max} (${this.partitionTotal + pending} exist)`,
      );
    }
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
    if (t || !this.config.autoCreateTopics) return t;
    validateTopicName(name);
    return this.create(name, this.config.defaultPartitions, {});
  }

  /** Creates a topic, all or nothing (see the file comment); throws KafkaError when refused. */
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
    validateTopicConfigSet(name, configs, this.config);
    this.checkPartitionLimit(name, partitions);
    const id = randomBytes(16);
    const dir = join(this.root, name);
    const staging = join(this.root, `${STAGING_PREFIX}${randomBytes(8).toString('hex')}`);
    let renamed = false;
    try {
      mkdirSync(staging);
      for (let i = 0; i < partitions; i++) mkdirSync(join(staging, String(i)));
      writeTopicFile(staging, { name, id: id.toString('hex'), partitions, configs });
      fsyncDir(staging);
      // leftovers of a deletion interrupted by a crash must not reappear in the new topic
      rmSync(dir, { recursive: true, force: true });
      renameSync(staging, dir);
      renamed = true;
      fsyncDir(this.root);
    } catch (err) {
      this.removeCreated(renamed ? dir : staging, partitions);
      throw this.storageError(`topic ${name}: could not create its ${partitions} partition directories`, err);
    }
    // From here on nothing touches the disk: new partitions create their files on first write.
    const topic = this.instantiate(name, id, configs);
    for (let i = 0; i < partitions; i++) this.openPartition(topic).initEmpty();
    this.logger.info({ topic: name, partitions, configs }, 'topic created');
    return topic;
  }

  /**
   * Removes what a failed creation made: the empty partition directories, topic.json (or its
   * temp file) and the topic directory — entry by entry, because unlink and rmdir need no file
   * descriptor while a recursive removal must list directories, which fails when the process is
   * out of descriptors (EMFILE), a likely cause of the failure itself.
   */
  private removeCreated(dir: string, partitions: number): void {
    for (let i = 0; i < partitions; i++) {
      const pdir = join(dir, String(i));
      this.removeQuietly(() => rmdirSync(pdir), pdir);
    }
    for (const f of ['topic.json.tmp', 'topic.json']) {
      this.removeQuietly(() => rmSync(join(dir, f), { force: true }), join(dir, f));
    }
    this.removeQuietly(() => rmdirSync(dir), dir);
  }

  /**
   * One removal of a rollback. If it fails (the disk is gone), load() removes a staging
   * directory at the next start, and a partition directory beyond topic.json's count is cleared
   * before it is created again.
   */
  private removeQuietly(remove: () => void, path: string): void {
    try {
      remove();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // never made
      this.logger.error({ err, path }, 'could not remove what a failed topic creation left');
    }
  }

  private storageError(what: string, err: unknown): KafkaError {
    const detail = err instanceof Error ? err.message : String(err);
    this.logger.error({ err }, what);
    return new KafkaError(ErrorCode.KAFKA_STORAGE_ERROR, `${what}: ${detail}`);
  }

  private instantiate(name: string, id: Buffer, configs: Record<string, string>): Topic {
    const topic: Topic = {
      name,
      id,
      partitions: [],
      configs,
      effective: effectiveConfig(configs, this.config),
    };
    this.topics.set(name, topic);
    return topic;
  }

  /** Adds the next partition's log to the topic (the caller opens or initialises it). */
  private openPartition(topic: Topic): PartitionLog {
    const index = topic.partitions.length;
    const p = new PartitionLog(
      topic.name,
      index,
      join(this.root, topic.name, String(index)),
      this.flusher,
      this.files,
      {
        segmentBytes: topic.effective.segmentBytes,
        tailCacheBytes: this.config.tailCacheBytes,
      },
      this.cacheBudget,
    );
    topic.partitions.push(p);
    this.partitionTotal++;
    return p;
  }

  private persist(topic: Topic, partitions = topic.partitions.length): void {
    writeTopicFile(join(this.root, topic.name), {
      name: topic.name,
      id: topic.id.toString('hex'),
      partitions,
      configs: topic.configs,
    });
  }

  /** Grows a topic to `total` partitions, all or nothing. */
  createPartitions(name: string, total: number): void {
    const topic = this.topics.get(name);
    if (!topic) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic ${name} does not exist`);
    const current = topic.partitions.length;
    if (!Number.isInteger(total) || total <= current) {
      throw new KafkaError(
        ErrorCode.INVALID_PARTITIONS,
        `topic ${name} has ${current} partitions; ${total} would not add any`,
      );
    }
    this.checkPartitionLimit(name, total - current);
    const dir = join(this.root, name);
    const made: string[] = [];
    try {
      for (let i = current; i < total; i++) {
        const pdir = join(dir, String(i));
        // leftovers of a growth interrupted by a crash (topic.json still has the old count)
        rmSync(pdir, { recursive: true, force: true });
        mkdirSync(pdir);
        made.push(pdir);
      }
      fsyncDir(dir);
      // topic.json last: until it names the new count, load() ignores the new directories
      this.persist(topic, total);
    } catch (err) {
      for (const pdir of made) this.removeQuietly(() => rmdirSync(pdir), pdir);
      throw this.storageError(`topic ${name}: could not add partitions ${current}..${total - 1}`, err);
    }
    while (topic.partitions.length < total) this.openPartition(topic).initEmpty();
    this.logger.info({ topic: name, from: current, to: total }, 'partitions created');
  }

  async delete(name: string): Promise<void> {
    const topic = this.topics.get(name);
    if (!topic) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic ${name} does not exist`);
    this.topics.delete(name);
    this.partitionTotal -= topic.partitions.length;
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
    this.logger.info({ topic: name }, 'topic deleted');
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
    const next: Record<string, string> = replaceAll ? {} : { ...topic.configs };
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) delete next[k];
      else next[k] = v;
    }
    validateTopicConfigSet(name, next, this.config);
    if (validateOnly) return;
    topic.configs = next;
    topic.effective = effectiveConfig(next, this.config);
    for (const p of topic.partitions) {
      p.updateSettings({
        segmentBytes: topic.effective.segmentBytes,
        tailCacheBytes: this.config.tailCacheBytes,
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
      this.runCleanup().catch((err: unknown) => this.logger.error({ err }, 'log cleanup failed'));
    }, this.config.cleanupIntervalMs);
    this.cleanupTimer.unref();
  }

  /**
   * One retention + compaction pass over every topic. With rollActive (tests, admin tools) the
   * active segment of compacted topics is closed first so everything written so far is eligible;
   * an active segment open for segment.ms or longer is closed too.
   */
  async runCleanup(
    options: { rollActive?: boolean } = {},
  ): Promise<{ segmentsDeleted: number; recordsRemoved: number; partitionsCompacted: number }> {
    let segmentsDeleted = 0;
    let recordsRemoved = 0;
    let partitionsCompacted = 0;
    const now = Date.now();
    for (const topic of this.list()) {
      const cfg = topic.effective;
      for (const p of topic.partitions) {
        const active = p.activeSegment;
        if (active.size === 0) continue;
        // segment.ms: a non-empty active segment older than that is closed (Kafka checks at append
        // time; here at each cleanup pass, so up to cleanupIntervalMs later)
        if ((cfg.compact && options.rollActive) || now - active.openedAt >= cfg.segmentMs) p.roll();
      }
      await this.flusher.idle();
      for (const p of topic.partitions) {
        if (p.deleted) continue;
        if (cfg.deleteOld) segmentsDeleted += p.applyRetention(cfg.retentionMs, cfg.retentionBytes, now);
        if (!cfg.compact) continue;
        const compaction = await compactPartition(p, this.logger, {
          minCleanableDirtyRatio: cfg.minCleanableDirtyRatio,
          force: options.rollActive,
        });
        recordsRemoved += compaction.removed;
        if (compaction.ran) partitionsCompacted++;
      }
    }
    return { segmentsDeleted, recordsRemoved, partitionsCompacted };
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
    this.files.closeAll();
  }
}

/** Writes topic.json atomically (temp file + rename); removes the temp file if that fails. */
function writeTopicFile(dir: string, meta: TopicFile): void {
  const tmp = join(dir, 'topic.json.tmp');
  try {
    writeFileSync(tmp, JSON.stringify(meta, null, 2));
    renameSync(tmp, join(dir, 'topic.json'));
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
