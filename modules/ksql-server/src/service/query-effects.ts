import type { KsqlEngine, PersistentQuery } from '@meterstream/ksql';
import type { Logger } from 'pino';
import type { QueryRuntime } from '../runtime/query-runtime.js';

/** What one statement did to the persistent queries, in order (from the engine's listener). */
export interface QueryEffects {
  readonly created: PersistentQuery[];
  readonly terminated: string[];
}

/**
 * Records the queries the engine creates and terminates while `task` runs. The runtime is told
 * only later (applyToRuntime), once the statement is durable in the command topic: a statement
 * whose command could not be written must not have started or stopped anything.
 */
export async function captureQueryEffects<T>(
  engine: KsqlEngine,
  task: () => Promise<T>,
): Promise<{ value: T; effects: QueryEffects }> {
  const effects: QueryEffects = { created: [], terminated: [] };
  const remove = engine.addListener({
    queryCreated: (q) => effects.created.push(q),
    queryTerminated: (id) => effects.terminated.push(id),
  });
  try {
    return { value: await task(), effects };
  } finally {
    remove();
  }
}

/**
 * Stops the terminated queries (with cleanup: TERMINATE and DROP delete their internal topics, as
 * ksqlDB; a query replaced under the same id is stopped without) and starts the created ones.
 * A query that fails to start is logged: its command stays applied and SHOW QUERIES reports the
 * runtime's status of it.
 */
export async function applyToRuntime(
  runtime: QueryRuntime,
  effects: QueryEffects,
  running: Set<string>,
  logger: Logger,
): Promise<void> {
  const recreated = new Set(effects.created.map((q) => q.id));
  for (const id of effects.terminated) {
    if (!running.has(id)) continue;
    running.delete(id);
    await runtime.stop(id, { cleanup: !recreated.has(id) });
  }
  for (const query of effects.created) {
    if (running.has(query.id)) {
      // CREATE OR REPLACE keeps the id: the old topology stops before the new one starts.
      running.delete(query.id);
      await runtime.stop(query.id, { cleanup: false });
    }
    await startQuery(runtime, query, running, logger);
  }
}

export async function startQuery(
  runtime: QueryRuntime,
  query: PersistentQuery,
  running: Set<string>,
  logger: Logger,
): Promise<void> {
  running.add(query.id);
  try {
    await runtime.start(query);
  } catch (err) {
    logger.error({ err, queryId: query.id }, 'persistent query failed to start');
  }
}
