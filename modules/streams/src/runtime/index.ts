export * from './config.js';
export { assignPartitionNumbers, copartitionAssigner } from './copartition-assigner.js';
export { TopologyStartError } from './internal-topics.js';
export { KafkaStreams, type KafkaStreamsState, type StateListener } from './kafka-streams.js';
export { type ReadOnlyKeyValueStore, compositeKeyValueView } from './store-view.js';
