import type { Formats } from '../format/format.js';
import type { FunctionRegistry } from '../function/function-types.js';
import type { KsqlEngineOptions, PersistentQuery, QueryListener } from './engine-api.js';
import type { MetaStore } from './metastore.js';

/** A running persistent query as the engine keeps it. */
export interface RegisteredQuery extends PersistentQuery {
  /** CREATE … AS (the sink's own query) rather than INSERT INTO. */
  readonly createAs: boolean;
}

/**
 * What statement handlers share: the catalogue, the queries, the engine's collaborators and the
 * session state (SET properties, DEFINE variables). One per engine.
 */
export interface EngineContext {
  readonly options: KsqlEngineOptions;
  readonly serviceId: string;
  readonly metastore: MetaStore;
  readonly queries: Map<string, RegisteredQuery>;
  readonly functions: FunctionRegistry;
  readonly formats: Formats;
  readonly listeners: Set<QueryListener>;
  /** SET in this session (over the engine's initial properties). */
  readonly sessionProperties: Map<string, string>;
  readonly variables: Map<string, string>;
  /** The query-id counter (ksqlDB's sequential generator: one per engine, used by every persistent query). */
  queryCounter: number;
  /** Numbers transient (push) queries: `transient_<SOURCE>_<n>`. */
  transientCounter: number;
  clock(): number;
}

/** The properties one statement runs with: engine ← session SETs ← the request's overrides. */
export function effectiveProperties(
  ctx: EngineContext,
  overrides: Readonly<Record<string, string>> | undefined,
): Record<string, string> {
  return {
    ...(ctx.options.properties ?? {}),
    ...Object.fromEntries(ctx.sessionProperties),
    ...(overrides ?? {}),
  };
}

/** `_confluent-ksql-<service id>query_<id>`, ksqlDB's application id (and internal topic prefix). */
export function applicationIdOf(serviceId: string, queryId: string): string {
  return `_confluent-ksql-${serviceId}query_${queryId}`;
}
