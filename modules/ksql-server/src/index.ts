// @meterstream/ksql-server — a ksqlDB-compatible server on @meterstream/ksql and the streams runtime.
// Each part appends its own exports below (one block per part, kept in this order).

// Shared contracts
export type * from './runtime/query-runtime.js';
export * from './service/ksql-service.js';

// Kafka adapters of the engine's outside world
export { KafkaTopicCatalog } from './kafka/kafka-topic-catalog.js';
export { KafkaRecordWriter } from './kafka/kafka-record-writer.js';

// Query runtime
export { KafkaQueryRuntime, type KafkaQueryRuntimeOptions } from './runtime/kafka-query-runtime.js';
export { KafkaPushQuery } from './runtime/push-query.js';
export { RowBuffer } from './runtime/row-buffer.js';
export {
  type ProcessingLogRecord,
  ProcessingLogWriter,
  deserializationRecord,
} from './runtime/processing-log.js';
export { PropertyError, streamsSettings } from './runtime/streams-settings.js';
export { cleanUpApplication } from './runtime/application-cleanup.js';

// REST
export {
  startKsqlRestServer,
  type KsqlRestServer,
  type KsqlRestServerOptions,
} from './rest/rest-server.js';

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

// Conformance runner (ksqlDB rest-query-validation-tests against a live server)
export {
  loadRestTestFile,
  parseRestTestFile,
  type RestExpectedError,
  type RestTestCase,
  type RestTestFile,
  RestTestFormatError,
} from './conformance/rest-test-case.js';
export { type ActualResponse, matchExpectedError, matchResponses } from './conformance/response-matcher.js';
export {
  type RestStatus,
  type RestTestResult,
  type RestTestTarget,
  runRestCase,
  splitStatements,
} from './conformance/rest-case-runner.js';
