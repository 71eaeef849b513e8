// @meterstream/ksql-server — a ksqlDB-compatible server on @meterstream/ksql and the streams runtime.
// Each part appends its own exports below (one block per part, kept in this order).

// Shared contracts
export type * from './runtime/query-runtime.js';
export * from './service/ksql-service.js';
