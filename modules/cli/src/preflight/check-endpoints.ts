import type { MeterstreamConfig } from '@meterstream/common';
import { type EndpointKind, EndpointUnreachableError } from './endpoint-unreachable.js';
import { type TcpAddress, parseHostPort, probeTcp, urlAddress } from './tcp-probe.js';

/**
 * How long one address may take to accept a connection. Loopback and LAN servers answer in
 * milliseconds; a few seconds keep the failure fast without refusing a slow remote network.
 */
export const DEFAULT_PROBE_TIMEOUT_MS = 3000;

/** The configured addresses of an endpoint (null: switched off, e.g. `--schema-registry-url none`). */
function addressesOf(
  config: MeterstreamConfig,
  kind: EndpointKind,
): { text: string; address: TcpAddress }[] | null {
  switch (kind) {
    case 'kafka':
      return config.kafka.brokers.map((text) => ({ text, address: parseHostPort(text, 9092) }));
    case 'cassandra':
      return config.cassandra.contactPoints.map((text) => ({ text, address: parseHostPort(text, 9042) }));
    case 'schemaRegistry':
      return config.schemaRegistryUrl === null
        ? null
        : [{ text: config.schemaRegistryUrl, address: urlAddress(config.schemaRegistryUrl) }];
    case 's3':
      return config.s3.endpoint === null
        ? null
        : [{ text: config.s3.endpoint, address: urlAddress(config.s3.endpoint) }];
    case 'redis':
      return [{ text: config.redisUrl, address: urlAddress(config.redisUrl) }];
  }
}

/**
 * Checks, before a command starts its clients, that every endpoint it needs accepts TCP
 * connections on at least one configured address. Without it each client meets a missing server
 * its own way: kafkajs retries for 10–20 s and logs every attempt, cassandra-driver throws a
 * multi-line NoHostAvailableError, ioredis reports an "Unhandled error event". Throws an
 * EndpointUnreachableError for the first endpoint (in `kinds` order) that answers on no address.
 */
export async function checkEndpoints(
  config: MeterstreamConfig,
  kinds: readonly EndpointKind[],
  timeoutMs = DEFAULT_PROBE_TIMEOUT_MS,
): Promise<void> {
  const results = await Promise.all(
    kinds.map(async (kind) => {
      const addresses = addressesOf(config, kind);
      if (addresses === null) return null;
      const reasons = await Promise.all(addresses.map(({ address }) => probeTcp(address, timeoutMs)));
      if (reasons.some((reason) => reason === null)) return null;
      return new EndpointUnreachableError(
        kind,
        addresses.map(({ text }) => text),
        reasons[reasons.length - 1]!,
      );
    }),
  );
  const failure = results.find((result) => result !== null);
  if (failure) throw failure;
}
