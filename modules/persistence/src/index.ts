export * from './aggregate-dao.js';
export * from './buckets.js';
export * from './cassandra-client.js';
export * from './concurrent.js';
export * from './errors.js';
export * from './high-water-mark-dao.js';
export * from './redis-view.js';
export * from './schema.js';
