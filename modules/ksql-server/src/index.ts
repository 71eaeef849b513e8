// @meterstream/ksql-server — a ksqlDB-compatible server on @meterstream/ksql and the streams runtime.
// Each part appends its own exports below (one block per part, kept in this order).

// Shared contracts
export type * from './runtime/query-runtime.js';
export * from './service/ksql-service.js';

// Kafka adapters of the engine's outside world
export { KafkaTopicCatalog } from './kafka/kafka-topic-catalog.js';
export { KafkaRecordWriter } from './kafka/kafka-record-writer.js';

// REST
export {
  startKsqlRestServer,
  type KsqlRestServer,
  type KsqlRestServerOptions,
} from './rest/rest-server.js';
