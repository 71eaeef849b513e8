// Serdes (one Serde type for the whole library; same shape as @meterstream/common's).
export { DeserializationError, type Serde, Serdes } from './serde/serde.js';

// Processor API
export type { ProcessorContext } from './processor/context.js';
export type { Processor, ProcessorSupplier } from './processor/processor.js';
export type { Cancellable, PunctuationType, Punctuator } from './processor/punctuation.js';
export { type Header, type Headers, NO_HEADERS, Record, type RecordMetadata } from './processor/record.js';

// Time
export * from './time/timestamp-extractor.js';

// Topology
export type { TopologyDescription } from './topology/describe.js';
export type { NodeDef, RecordContext, StreamPartitioner, TopicNameExtractor } from './topology/nodes.js';
export type { Subtopology } from './topology/subtopologies.js';
export { type InternalTopic, Topology, TopologyError } from './topology/topology.js';

// Task (what the Kafka runtime drives)
export { DEFAULT_CACHE_MAX_BYTES, type StreamsConfig } from './task/config.js';
export type { OutputRecord, RecordCollector } from './task/record-collector.js';
export { SerializationError } from './task/sink-processor.js';
export { PartitionGroup, type PartitionGroupOptions } from './task/partition-group.js';
export { ProcessingError, type RawRecord, StreamTask, type StreamTaskOptions } from './task/stream-task.js';
export { TaskMetrics } from './task/task-metrics.js';

// DSL
export type { Change, ValueAndTimestamp } from './dsl/change.js';
export type * from './dsl/functions.js';
export {
  KGroupedStream,
  SessionWindowedKStream,
  SlidingWindowedKStream,
  TimeWindowedKStream,
} from './dsl/kgrouped-stream.js';
export { type Branched, BranchedKStream, KStream, type KeyValueTimestamp } from './dsl/kstream.js';
export type { ForeignKeyJoined } from './dsl/foreign-key-join.js';
export { KGroupedTable, KTable } from './dsl/ktable.js';
export { changeSerde } from './dsl/change-serde.js';
export {
  type Consumed,
  type Grouped,
  type Joined,
  Materialized,
  type Named,
  type Produced,
  type Repartitioned,
  type StreamJoined,
  Suppressed,
} from './dsl/options.js';
export { valueAndTimestampSerde } from './dsl/materialized-stores.js';
export { StreamsBuilder, type StreamsBuilderOptions } from './dsl/streams-builder.js';
export {
  JoinWindows,
  SessionWindows,
  SlidingWindows,
  TimeWindows,
  WindowDefinitionError,
} from './dsl/windows.js';

// State stores (interfaces, backends, cache)
export * from './state/index.js';

// Test driver
export { TestInputTopic, type TestInputTopicOptions } from './test-driver/test-input-topic.js';
export { TestOutputTopic } from './test-driver/test-output-topic.js';
export type { KeyValue as TestKeyValue, TestRecord } from './test-driver/test-record.js';
export { type TestDriverConfig, TopologyTestDriver } from './test-driver/topology-test-driver.js';

// The metric aggregator topology (tumbling 60/600/3600/86400 s windows), as an example

// Kafka runtime (kafkajs)
export * from './runtime/index.js';
