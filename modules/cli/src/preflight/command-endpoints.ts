import type { EndpointKind } from './endpoint-unreachable.js';

type Args = Record<string, unknown>;

/**
 * The servers each command reaches, by command path (`sink redis`), given its parsed arguments.
 * A command absent here reaches no configured endpoint (the servers, `up`, `ksql` with its own URL,
 * `ksql-test`). The Schema Registry is listed only where a command cannot start without it: the
 * consumers of `metrics` look schemas up per record and report a missing registry as a dead letter
 * or an error naming it.
 */
export const COMMAND_ENDPOINTS: Record<string, (args: Args) => EndpointKind[]> = {
  'topics create': () => ['kafka'],
  replay: (args) => (args.format === 'json' ? ['kafka'] : ['kafka', 'schemaRegistry']),
  consume: () => ['kafka'],
  aggregate: (args) => (args['state-store'] === 'redis' ? ['kafka', 'redis'] : ['kafka']),
  'sink cassandra': () => ['kafka', 'cassandra'],
  'sink s3': () => ['kafka', 's3'],
  'sink redis': () => ['kafka', 'redis'],
  batch: () => ['kafka', 's3', 'cassandra'],
  serve: () => ['cassandra'],
  verify: () => ['cassandra', 's3'],
  query: () => ['cassandra'],
  'perf track': () => ['kafka'],
  'ksql-server': (args) => (args['state-store'] === 'redis' ? ['kafka', 'redis'] : ['kafka']),
};
