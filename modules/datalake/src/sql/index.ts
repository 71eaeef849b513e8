/**
 * `@meterstream/datalake/sql`: SQL over the lake on DuckDB. A separate entry point because DuckDB's
 * native binding takes ~200 ms to load, which the module's other commands should not pay.
 */
export * from './aggregate-sql.js';
export * from './duckdb-recompute.js';
export * from './lake-cache.js';
export * from './lake-database.js';
export * from '../marts/dimensions.js';
export * from '../marts/marts-sql.js';
export * from '../marts/refresh-marts.js';
