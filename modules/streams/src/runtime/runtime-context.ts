import type { ConsumerGroupMetadata } from 'kafkajs';
import type { Logger } from 'pino';
import type { Topology } from '../topology/topology.js';
import type { KafkaStreamsConfig, ResolvedRuntimeConfig } from './config.js';
import type { StreamsAdmin, StreamsConsumer, StreamsProducer } from './kafka-client.js';
import type { OutputBuffer } from './output-buffer.js';
import type { RuntimeMetrics } from './runtime-metrics.js';

/**
 * What the parts of one KafkaStreams instance share: its settings, its Kafka clients (set by
 * start(), the producer replaced after a fencing) and the flags every step checks. KafkaStreams
 * owns it; StreamThread, Committer and TaskManager read and update it, so none of them needs to
 * import another's owner (the modules depend in one direction: KafkaStreams → StreamThread →
 * Committer → TaskManager → this).
 */
export class RuntimeContext {
  consumer: StreamsConsumer | undefined;
  producer: StreamsProducer | undefined;
  admin: StreamsAdmin | undefined;
  output: OutputBuffer | undefined;
  /** `config.instanceId`, else the process id kept in the state directory, else random (set by start()). */
  instanceId = '';
  /** The error that moved the instance to ERROR: once set, no step touches the tasks any more. */
  fatal: Error | undefined;
  /** Set by close(): batches handed over after the final commit are not processed. */
  closing = false;
  /** Set when a commit found the tasks migrated: batches wait for the next assignment. */
  awaitingAssignment = false;
  /**
   * Set when this instance's producer was fenced (its transaction aborted by the broker, e.g. after
   * a stall past the transaction timeout): other instances may have processed its tasks meanwhile,
   * so at the next assignment every task is re-created from the changelogs and committed offsets,
   * none kept with the positions it had (KIP-447: a fenced producer means the tasks may have moved).
   */
  tasksMayBeStale = false;
  /**
   * Generation and member id of the assignment the tasks belong to (captured at GROUP_JOIN): sent
   * with the transaction's offsets, so the broker refuses them once the group has moved on (KIP-447).
   */
  groupMetadata: ConsumerGroupMetadata | null = null;

  constructor(
    readonly topology: Topology,
    readonly settings: KafkaStreamsConfig,
    readonly config: ResolvedRuntimeConfig,
    readonly log: Logger,
    readonly metrics: RuntimeMetrics,
    /** Moves the instance to ERROR (KafkaStreams.fail). */
    readonly fail: (error: unknown) => void,
  ) {}

  get exactlyOnce(): boolean {
    return this.config.processingGuarantee === 'exactly_once_v2';
  }
}
