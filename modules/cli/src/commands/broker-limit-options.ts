/**
 * The embedded broker's and Schema Registry's limit flags, shared by `meterstream broker` and
 * `meterstream up`. Unset flags leave the servers' own defaults (modules/broker/README.md).
 */
import type { BrokerOptions, SchemaRegistryOptions } from '@meterstream/broker';
import type { Argv } from 'yargs';

const BROKER_LIMITS = {
  'max-connections': {
    option: 'maxConnections',
    describe: 'Kafka (and, separately, Schema Registry) connections at once; more are closed at accept',
  },
  'max-connections-per-ip': {
    option: 'maxConnectionsPerIp',
    describe: 'Connections at once from one address (each listener)',
  },
  'connections-max-idle-ms': {
    option: 'connectionsMaxIdleMs',
    describe: 'Close connections idle this long (default 600000)',
  },
  'socket-request-max-bytes': {
    option: 'maxFrameBytes',
    describe: 'Largest Kafka request (default 100 MiB); bigger ones close the connection',
  },
  'max-partitions': {
    option: 'maxPartitions',
    describe: 'Partitions of all topics together (default 10000)',
  },
  'max-partitions-per-request': {
    option: 'maxPartitionsPerRequest',
    describe: 'Partitions one CreateTopics/CreatePartitions request may add (default 1000)',
  },
  'max-open-segment-files': {
    option: 'maxOpenSegmentFiles',
    describe: 'Log segment files kept open at once (least recently used closed beyond)',
  },
} as const satisfies Record<string, { option: keyof BrokerOptions; describe: string }>;

const REGISTRY_LIMITS = {
  'schema-registry-max-body-bytes': {
    option: 'maxBodyBytes',
    describe: 'Largest Schema Registry request body (default 4 MiB); 413 beyond',
  },
  'schema-registry-max-schema-bytes': {
    option: 'maxSchemaBytes',
    describe: 'Largest schema the registry accepts (default 1 MiB); 422 beyond',
  },
} as const satisfies Record<string, { option: keyof SchemaRegistryOptions; describe: string }>;

type LimitFlag = keyof typeof BROKER_LIMITS | keyof typeof REGISTRY_LIMITS;
export type LimitArgs = { [flag in LimitFlag]?: number };

export function withBrokerLimits<T>(yargs: Argv<T>): Argv<T & LimitArgs> {
  let y = yargs as unknown as Argv<T & LimitArgs>;
  for (const [flag, { describe }] of Object.entries({ ...BROKER_LIMITS, ...REGISTRY_LIMITS })) {
    y = y.option(flag, { type: 'number', describe, group: 'Limits:' }) as unknown as Argv<T & LimitArgs>;
  }
  return y.check((args) => {
    for (const flag of [...Object.keys(BROKER_LIMITS), ...Object.keys(REGISTRY_LIMITS)]) {
      const v = (args as Record<string, unknown>)[flag];
      if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 1)) {
        throw new Error(`--${flag} must be a positive integer, not ${String(v)}`);
      }
    }
    return true;
  });
}

/** The limit options the flags set; connection limits hold for each listener separately. */
export function brokerLimitsFrom(args: LimitArgs): {
  broker: Partial<BrokerOptions>;
  registry: Partial<SchemaRegistryOptions>;
} {
  const broker: Partial<BrokerOptions> = {};
  for (const [flag, { option }] of Object.entries(BROKER_LIMITS)) {
    const v = args[flag as LimitFlag];
    if (v !== undefined) broker[option] = v;
  }
  const registry: Partial<SchemaRegistryOptions> = {
    maxConnections: broker.maxConnections,
    maxConnectionsPerIp: broker.maxConnectionsPerIp,
    connectionsMaxIdleMs: broker.connectionsMaxIdleMs,
  };
  for (const [flag, { option }] of Object.entries(REGISTRY_LIMITS)) {
    const v = args[flag as LimitFlag];
    if (v !== undefined) registry[option] = v;
  }
  return { broker, registry };
}
