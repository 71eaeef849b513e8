import type { Admin, Consumer, Producer, Transaction } from 'kafkajs';

/**
 * All the runtime uses of a Kafka client, in one place: the (patched) kafkajs clients provide it,
 * and another client would be adapted to exactly this surface. It is kafkajs-shaped on purpose —
 * the runtime's semantics rest on these calls (see README "Commit cycle"):
 * - the consumer: group membership with our co-partitioning assignor, `run({ eachBatch })` one
 *   batch at a time, `seek`, `pause`/`resume`, `commitOffsets`, the events REBALANCING, GROUP_JOIN
 *   and CRASH, and `groupMetadata()` (KIP-447: generation and member id sent with a transaction's
 *   offsets);
 * - the producer: `sendBatch` of messages and of pre-encoded record sets (output-buffer.ts), and
 *   transactions carrying output, changelogs and the group's offsets;
 * - the admin: topics (list, metadata, create) and end offsets by isolation level.
 * (Changelog restores use a short-lived consumer of their own, changelog-reader.ts.)
 */
export type StreamsConsumer = Pick<
  Consumer,
  | 'connect'
  | 'disconnect'
  | 'subscribe'
  | 'run'
  | 'stop'
  | 'seek'
  | 'pause'
  | 'resume'
  | 'commitOffsets'
  | 'on'
  | 'events'
  | 'groupMetadata'
>;

export type StreamsTransaction = Pick<Transaction, 'sendBatch' | 'sendOffsets' | 'commit' | 'abort'>;

export interface StreamsProducer extends Pick<Producer, 'connect' | 'disconnect' | 'sendBatch'> {
  transaction(): Promise<StreamsTransaction>;
}

export type StreamsAdmin = Pick<
  Admin,
  'connect' | 'disconnect' | 'listTopics' | 'fetchTopicMetadata' | 'createTopics' | 'fetchTopicOffsets'
>;
