import { type Logger, pino } from 'pino';
import { fdBudget } from './os-limits.js';
import { resolveSecurity, type SecurityConfig, type SecurityOptions } from './security/security-config.js';

/**
 * What the broker guarantees per acks level (`--fsync`). Under both policies data becomes readable
 * (high watermark: Fetch, ListOffsets) when it is written to the OS, and acks=1 is answered then;
 * acks=0 gets no answer. The policy decides when acks=-1 is answered (and EndTxn, whose markers
 * wait the same way):
 * - `fsync` (default): after the data is written AND fsync'ed — it survives a SIGKILL of the broker
 *   and a power loss. Appends arriving while one fsync runs are fsync'ed together in the next round
 *   (group commit). acks=0/1 data, and anything not yet fsync'ed, survives a SIGKILL (the page
 *   cache keeps it) but a power loss may take it back, even after a consumer read it — as with
 *   Kafka's acks=1; recovery then truncates the log to the last whole batch on disk.
 * - `write`: acks=-1 too is answered once the data is written — it survives a SIGKILL of the
 *   broker process, not a machine crash; fsync happens only on segment roll and close.
 */
export type FsyncPolicy = 'fsync' | 'write';

/** Security options: see security/security-config.ts (all off by default). */
export interface BrokerOptions extends SecurityOptions {
  /** Interface to bind; 127.0.0.1 unless told otherwise. */
  host?: string;
  /** TCP port; 0 picks a free one. Default 9092. */
  port?: number;
  /** Directory holding all broker data (created if missing). */
  dataDir: string;
  /** Host name given to clients in Metadata (defaults to host). */
  advertisedHost?: string;
  nodeId?: number;
  clusterId?: string;
  /** Create topics on first use (Metadata / Produce). Default true. */
  autoCreateTopics?: boolean;
  /** Partitions of auto-created topics (and CreateTopics with -1). Default 1. */
  defaultPartitions?: number;
  fsyncPolicy?: FsyncPolicy;
  /**
   * Largest request frame accepted (Kafka's socket.request.max.bytes), checked on the 4-byte size
   * prefix before anything is buffered; bigger frames close the connection. Default 100 MiB.
   */
  maxFrameBytes?: number;
  /** Client connections at once (max.connections); more are closed at accept. Default: see fdBudget. */
  maxConnections?: number;
  /** Client connections at once from one address (max.connections.per.ip). Default maxConnections. */
  maxConnectionsPerIp?: number;
  /** A connection with no request in flight and no traffic for this long is closed. Default 10 min. */
  connectionsMaxIdleMs?: number;
  /** Partitions of all topics together; creating more is refused (POLICY_VIOLATION). Default 10000. */
  maxPartitions?: number;
  /** Partitions one CreateTopics or CreatePartitions request may create. Default 1000. */
  maxPartitionsPerRequest?: number;
  /**
   * Segment files (.log, .index) kept open at once; the least recently used is closed beyond this
   * and reopened on demand. Default min(1024, half of what RLIMIT_NOFILE leaves after a reserve).
   */
  maxOpenSegmentFiles?: number;
  /** Segment size before a new segment file is started. Default 64 MiB. */
  segmentBytes?: number;
  /**
   * Kafka's log.retention.ms: the retention.ms of topics that do not set their own. Default −1
   * (keep forever: replayed history from 2006 must not be deleted); Kafka's is 7 days.
   */
  logRetentionMs?: number;
  /** How often retention and compaction run. Default 60 s. */
  cleanupIntervalMs?: number;
  /** Recent batches kept in memory per partition to serve fetches without reading files. */
  tailCacheBytes?: number;
  /** All partitions' tail caches together. Default 256 MiB. */
  tailCacheTotalBytes?: number;
  /** Port of the Prometheus /metrics endpoint; undefined = no metrics server. 0 = free port. */
  metricsPort?: number;
  logger?: Logger;
  /** Consumer-group session timeout bounds and initial rebalance delay (group coordinator). */
  groupMinSessionTimeoutMs?: number;
  groupMaxSessionTimeoutMs?: number;
  groupInitialRebalanceDelayMs?: number;
  /**
   * Kafka's `transaction.partition.verification.enable` (KIP-890; default true since Kafka 3.6):
   * TxnOffsetCommit is checked against the transaction coordinator — the transactional id must
   * map to the producer id and epoch, with the group added (AddOffsetsToTxn) to its ongoing
   * transaction. false behaves as Kafka up to 3.5: the group coordinator stores the offsets as
   * pending for that producer id without asking (a request for a transaction that does not exist
   * then leaves offsets pending for good, Kafka's "hanging transaction").
   */
  transactionPartitionVerification?: boolean;
}

export interface BrokerConfig {
  host: string;
  port: number;
  dataDir: string;
  advertisedHost: string | undefined;
  nodeId: number;
  clusterId: string;
  autoCreateTopics: boolean;
  defaultPartitions: number;
  fsyncPolicy: FsyncPolicy;
  maxFrameBytes: number;
  maxConnections: number;
  maxConnectionsPerIp: number;
  connectionsMaxIdleMs: number;
  maxPartitions: number;
  maxPartitionsPerRequest: number;
  maxOpenSegmentFiles: number;
  segmentBytes: number;
  logRetentionMs: number;
  cleanupIntervalMs: number;
  tailCacheBytes: number;
  tailCacheTotalBytes: number;
  metricsPort: number | undefined;
  logger: Logger;
  groupMinSessionTimeoutMs: number;
  groupMaxSessionTimeoutMs: number;
  groupInitialRebalanceDelayMs: number;
  transactionPartitionVerification: boolean;
  security: SecurityConfig;
}

export function resolveConfig(o: BrokerOptions): BrokerConfig {
  const budget = fdBudget();
  const maxConnections = positive('maxConnections', o.maxConnections ?? budget.maxConnections);
  return {
    host: o.host ?? '127.0.0.1',
    port: o.port ?? 9092,
    dataDir: o.dataDir,
    advertisedHost: o.advertisedHost,
    nodeId: o.nodeId ?? 0,
    clusterId: o.clusterId ?? 'meterstream-embedded',
    autoCreateTopics: o.autoCreateTopics ?? true,
    defaultPartitions: o.defaultPartitions ?? 1,
    fsyncPolicy: o.fsyncPolicy ?? 'fsync',
    maxFrameBytes: positive('maxFrameBytes', o.maxFrameBytes ?? 100 * 1024 * 1024),
    maxConnections,
    maxConnectionsPerIp: positive('maxConnectionsPerIp', o.maxConnectionsPerIp ?? maxConnections),
    connectionsMaxIdleMs: positive('connectionsMaxIdleMs', o.connectionsMaxIdleMs ?? 600_000),
    maxPartitions: positive('maxPartitions', o.maxPartitions ?? 10_000),
    maxPartitionsPerRequest: positive('maxPartitionsPerRequest', o.maxPartitionsPerRequest ?? 1000),
    // A write holds a segment's two files at once and an fsync in flight holds one more.
    maxOpenSegmentFiles: positive(
      'maxOpenSegmentFiles',
      o.maxOpenSegmentFiles ?? budget.maxOpenSegmentFiles,
      4,
    ),
    segmentBytes: o.segmentBytes ?? 64 * 1024 * 1024,
    logRetentionMs: retentionMs(o.logRetentionMs ?? -1),
    cleanupIntervalMs: o.cleanupIntervalMs ?? 60_000,
    tailCacheBytes: o.tailCacheBytes ?? 16 * 1024 * 1024,
    tailCacheTotalBytes: o.tailCacheTotalBytes ?? 256 * 1024 * 1024,
    metricsPort: o.metricsPort,
    groupMinSessionTimeoutMs: o.groupMinSessionTimeoutMs ?? 1000,
    groupMaxSessionTimeoutMs: o.groupMaxSessionTimeoutMs ?? 1_800_000,
    groupInitialRebalanceDelayMs: o.groupInitialRebalanceDelayMs ?? 0,
    transactionPartitionVerification: o.transactionPartitionVerification ?? true,
    security: resolveSecurity(o),
    logger: (o.logger ?? pino({ level: process.env.LOG_LEVEL ?? 'info' })).child({ component: 'broker' }),
  };
}

/** A limit must be an integer >= min; anything else is a configuration mistake, named here. */
function positive(name: string, value: number, min = 1): number {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`broker option ${name} must be an integer >= ${min}, not ${value}`);
  }
  return value;
}

/** log.retention.ms: −1 (forever) or a non-negative number of milliseconds. */
function retentionMs(v: number): number {
  if (!Number.isSafeInteger(v) || v < -1) {
    throw new Error(`logRetentionMs must be -1 (keep forever) or a number of milliseconds, not ${v}`);
  }
  return v;
}
