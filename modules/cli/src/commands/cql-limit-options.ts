import { type CqlServerOptions, DEFAULT_LIMITS } from '@meterstream/cql-server';
import type { Argv } from 'yargs';

/** The CQL server's connection and request limits as flags (`cql-server` and `up` share them). */
export interface CqlLimitArgs {
  'cql-max-connections': number;
  'cql-max-connections-per-address': number;
  'cql-idle-timeout-ms': number;
  'cql-max-frame-bytes': number;
}

export function withCqlLimitOptions<T>(yargs: Argv<T>): Argv<T & CqlLimitArgs> {
  return yargs
    .option('cql-max-connections', {
      type: 'number',
      default: DEFAULT_LIMITS.maxConnections,
      describe: 'CQL: open connections in total; one more is refused (Overloaded error)',
    })
    .option('cql-max-connections-per-address', {
      type: 'number',
      default: DEFAULT_LIMITS.maxConnectionsPerAddress,
      describe: 'CQL: open connections from one client IP address',
    })
    .option('cql-idle-timeout-ms', {
      type: 'number',
      default: DEFAULT_LIMITS.idleTimeoutMs,
      describe: 'CQL: close a connection without traffic for this long (0: never)',
    })
    .option('cql-max-frame-bytes', {
      type: 'number',
      default: DEFAULT_LIMITS.maxFrameBytes,
      describe: 'CQL: largest request frame; a larger one gets a protocol error and the connection is closed',
    })
    .check((args) => {
      for (const name of [
        'cql-max-connections',
        'cql-max-connections-per-address',
        'cql-max-frame-bytes',
      ] as const) {
        const v = args[name];
        if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer, got ${v}`);
      }
      const idle = args['cql-idle-timeout-ms'];
      if (!Number.isInteger(idle) || idle < 0)
        throw new Error(`--cql-idle-timeout-ms must be a non-negative integer, got ${idle}`);
      return true;
    }) as Argv<T & CqlLimitArgs>;
}

export function cqlLimits(args: CqlLimitArgs): Partial<CqlServerOptions> {
  return {
    maxConnections: args['cql-max-connections'],
    maxConnectionsPerAddress: args['cql-max-connections-per-address'],
    idleTimeoutMs: args['cql-idle-timeout-ms'],
    maxFrameBytes: args['cql-max-frame-bytes'],
  };
}
