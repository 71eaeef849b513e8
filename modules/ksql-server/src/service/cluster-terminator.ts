import type { KsqlEngine } from '@meterstream/ksql';
import type { Admin } from 'kafkajs';
import type { Logger } from 'pino';
import type { QueryRuntime } from '../runtime/query-runtime.js';
import { ServiceError } from './ksql-service.js';

/** ksqlDB's statement text for POST /ksql/terminate (its TerminateCluster). */
export const TERMINATE_CLUSTER_STATEMENT = 'TERMINATE CLUSTER;';

/** What the terminator works on: the service's engine, runtime and Kafka admin. */
export interface TerminationTarget {
  readonly engine: KsqlEngine;
  readonly runtime: QueryRuntime;
  /** Persistent queries handed to the runtime; emptied. */
  readonly running: Set<string>;
  readonly admin: Admin;
  /** The command topic, deleted last (ksqlDB's managed topics). */
  readonly commandTopic: string;
  readonly logger: Logger;
}

/**
 * The patterns of a terminate request, compiled as ksqlDB's (a Java regex matching the whole topic
 * name); an invalid one is refused before anything is done, as ksqlDB ("Invalid pattern: …").
 */
export function deleteTopicMatchers(patterns: readonly string[]): RegExp[] {
  return patterns.map((p) => {
    try {
      return new RegExp(`^(?:${p})$`);
    } catch {
      throw new ServiceError(40000, `Invalid pattern: ${p}`);
    }
  });
}

/**
 * POST /ksql/terminate on one node (ksqlDB's ClusterTerminator): every persistent query stopped
 * with its internal topics and consumer group deleted; the sink topics of CREATE … AS SELECT
 * sources matching a pattern deleted; the command topic deleted, so a server started later begins
 * empty. Returns the topics deleted. Schema Registry subjects are left as they are.
 */
export async function terminateCluster(
  target: TerminationTarget,
  matchers: readonly RegExp[],
): Promise<string[]> {
  const { engine, runtime, running, admin, logger } = target;
  const sinkTopics = new Set<string>();
  for (const query of engine.queries()) {
    // ksqlDB deletes the topics of CAS targets only (not INSERT INTO targets, not source tables).
    if (/^C[ST]AS_/.test(query.id) && matchers.some((m) => m.test(query.sinkTopic)))
      sinkTopics.add(query.sinkTopic);
  }
  for (const id of [...running]) {
    running.delete(id);
    await runtime.stop(id, { cleanup: true });
  }
  const existing = new Set(await admin.listTopics());
  const toDelete = [...sinkTopics, target.commandTopic].filter((t) => existing.has(t));
  if (toDelete.length > 0) await admin.deleteTopics({ topics: toDelete });
  logger.info({ deleted: toDelete }, 'cluster terminated');
  return toDelete;
}
