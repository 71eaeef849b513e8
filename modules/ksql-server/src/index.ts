// @meterstream/ksql-server — a ksqlDB-compatible server on @meterstream/ksql and the streams runtime.
// Each part appends its own exports below (one block per part, kept in this order).

// Shared contracts
export type * from './runtime/query-runtime.js';
export * from './service/ksql-service.js';

// Kafka adapters of the engine's outside world
export { KafkaTopicCatalog } from './kafka/kafka-topic-catalog.js';
export { KafkaRecordWriter } from './kafka/kafka-record-writer.js';

// Service
export {
  KSQL_SERVER_VERSION,
  KsqlServiceImpl,
  type KsqlServiceOptions,
  startKsqlService,
} from './service/ksql-service-impl.js';
export {
  COMMAND_VERSION,
  type Command,
  CommandDecodeError,
  commandIdOf,
  commandTopicName,
  type SequencedCommand,
} from './command/command.js';
export {
  CommandTopic,
  CommandTopicError,
  CommandWriteError,
  commandProducerTransactionalId,
} from './command/command-topic.js';
export {
  PROCESSING_LOG_STREAM,
  processingLogStatement,
  processingLogTopic,
} from './service/processing-log.js';
