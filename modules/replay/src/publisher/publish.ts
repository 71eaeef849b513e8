import type { Metric } from '@meterstream/common';
import type { Message, Producer } from 'kafkajs';
import { keyPartitioner } from './kafka-client.js';
import type { MetricEncoder } from './metric-encoder.js';
import { TokenBucket } from './token-bucket.js';

/** Metrics to publish: an async stream of synchronous chunks (one dataset row fanned out, say). */
export type MetricSource = AsyncIterable<Iterable<Metric>> | Iterable<Iterable<Metric>>;

export interface PublishOptions {
  /** A connected kafkajs producer; the caller owns it (connects and disconnects it). */
  producer: Producer;
  topic: string;
  /** The topic's partition count: messages are partitioned here (murmur2 of the key, as Java). */
  partitions: number;
  encoder: MetricEncoder;
  source: MetricSource;
  /** Messages per second; 0 or absent = unlimited. */
  rate?: number;
  /** Stop after this many messages. */
  messageCount?: number;
  /** An idle partition sends once it has this many messages. Default 250. */
  batchSize?: number;
  /**
   * Most messages in one request (one partition each). Default 4 × batchSize: kafkajs groups a
   * request's messages per partition in time quadratic in their number, so bigger is slower.
   */
  maxBatchSize?: number;
  /** Encoded bytes (keys + values) awaiting acknowledgement at once. Default 32 MiB. */
  maxInFlightBytes?: number;
  /** Aborting stops reading the source; what was already read is still sent and awaited. */
  signal?: AbortSignal;
  /** Called after each acknowledged request with the running total. */
  onProgress?: (published: number) => void;
}

export type StopReason = 'end-of-source' | 'message-count' | 'aborted';

export interface PublishResult {
  published: number;
  /** Produce requests (sendBatch calls) made. */
  batches: number;
  elapsedMs: number;
  stoppedBy: StopReason;
}

/** A sendBatch that failed after kafkajs' own retries: names the topic, partition and batch. */
export class PublishError extends Error {
  override readonly name = 'PublishError';
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly batch: number,
    readonly messages: number,
    options: { cause: unknown },
  ) {
    super(
      `publishing batch ${batch} (${messages} messages) to ${topic}-${partition} failed: ` +
        `${(options.cause as Error)?.message}`,
      options,
    );
  }
}

/**
 * Publishes metrics with acks=-1, in order per partition, with bounded memory.
 *
 * Ordering: kafkajs encodes each sendBatch asynchronously before queueing it on the connection, so
 * two concurrent sendBatch calls can reach the broker in either order; concurrent requests sharing
 * a partition would reorder a key's messages. So the publisher partitions messages itself (murmur2
 * of the key, exactly as kafkajs' DefaultPartitioner and the Java client) and keeps at most one
 * request per partition in flight, as Kafka does with max.in.flight=1 — the partitions proceed in
 * parallel.
 *
 * Batching works like Kafka's record accumulator: while a partition's request is in flight its next
 * messages accumulate, and go out as soon as it is acknowledged; an idle partition sends once it has
 * `batchSize` messages. A request carries at most `maxBatchSize` messages: reading blocks when a
 * partition has that many waiting (backpressure), and also while buffered plus unacknowledged bytes
 * exceed `maxInFlightBytes`. Memory therefore stays flat at any rate and any source speed.
 *
 * With a rate, a token bucket admits messages in chunks of ~50 ms worth, and each chunk is sent
 * right away, so the flow is smooth rather than bursty.
 */
export async function publishMetrics(options: PublishOptions): Promise<PublishResult> {
  const started = performance.now();
  const { producer, topic, encoder, signal } = options;
  const partitions = options.partitions;
  if (!Number.isInteger(partitions) || partitions < 1)
    throw new RangeError(`partitions must be a positive integer, got ${partitions}`);
  const limit = options.messageCount ?? Number.POSITIVE_INFINITY;
  const rate = options.rate ?? 0;
  const bucket = rate > 0 ? new TokenBucket({ rate }) : undefined;
  const batchSize = Math.max(1, options.batchSize ?? 250);
  const maxBatchSize = Math.max(batchSize, options.maxBatchSize ?? 4 * batchSize);
  const pacedChunk = bucket ? Math.max(1, Math.ceil(rate / 20)) : Number.POSITIVE_INFINITY;
  const maxBytes = options.maxInFlightBytes ?? 32 * 1024 * 1024;
  const partitionOf = keyPartitioner(topic, partitions);

  const buffers: Message[][] = Array.from({ length: partitions }, () => []);
  const bufferBytes: number[] = new Array(partitions).fill(0);
  const inFlight: (Promise<void> | undefined)[] = new Array(partitions).fill(undefined);
  let inFlightBytes = 0;
  let bufferedBytes = 0;
  let published = 0;
  let batches = 0;
  let failure: PublishError | undefined;
  let read = 0;
  /** Send whatever is buffered, however little (paced mode, and the final flush). */
  let eager = bucket !== undefined;

  const send = (partition: number): void => {
    const messages = buffers[partition]!;
    if (inFlight[partition] !== undefined || failure || messages.length === 0) return;
    if (!eager && messages.length < batchSize) return;
    const bytes = bufferBytes[partition]!;
    buffers[partition] = [];
    bufferBytes[partition] = 0;
    bufferedBytes -= bytes;
    inFlightBytes += bytes;
    const number = ++batches;
    inFlight[partition] = producer
      .sendBatch({ topicMessages: [{ topic, messages }], acks: -1 })
      .then(
        () => {
          published += messages.length;
          options.onProgress?.(published);
        },
        (cause: unknown) => {
          failure ??= new PublishError(topic, partition, number, messages.length, { cause });
        },
      )
      .finally(() => {
        inFlightBytes -= bytes;
        inFlight[partition] = undefined;
        send(partition); // what accumulated meanwhile
      });
  };

  const pending = () => inFlight.filter((p): p is Promise<void> => p !== undefined);

  let stoppedBy: StopReason = limit > 0 ? 'end-of-source' : 'message-count';
  let admitted = 0;
  outer: for await (const chunk of limit > 0 ? options.source : []) {
    for (const metric of chunk) {
      if (signal?.aborted || failure) {
        stoppedBy = 'aborted';
        break outer;
      }
      if (bucket && admitted === 0) {
        for (let p = 0; p < partitions; p++) send(p);
        try {
          await bucket.take(pacedChunk, signal);
        } catch (error) {
          if (!signal?.aborted) throw error;
          stoppedBy = 'aborted';
          break outer;
        }
        admitted = pacedChunk;
      }
      admitted--;
      const { key, value } = encoder(metric);
      const partition = partitionOf(key);
      const bytes = key.length + value.length;
      buffers[partition]!.push({ key, value, partition });
      bufferBytes[partition]! += bytes;
      bufferedBytes += bytes;
      read++;
      if (read >= limit) {
        stoppedBy = 'message-count';
        break outer;
      }
      send(partition);
      // backpressure: a full partition waits for its request; all of it waits for the byte budget
      while (buffers[partition]!.length >= maxBatchSize && inFlight[partition]) await inFlight[partition];
      while (inFlightBytes + bufferedBytes > maxBytes && inFlightBytes > 0) await Promise.race(pending());
    }
  }
  if (failure) stoppedBy = 'aborted';
  eager = true;
  for (let p = 0; p < partitions; p++) send(p);
  // each completion sends what its partition accumulated; wait until nothing is left anywhere
  for (let outstanding = pending(); outstanding.length > 0; outstanding = pending())
    await Promise.all(outstanding);
  if (failure) throw failure;
  return { published, batches, elapsedMs: performance.now() - started, stoppedBy };
}
