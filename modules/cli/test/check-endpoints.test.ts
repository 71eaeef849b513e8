import { createServer } from 'node:net';
import { loadConfig } from '@meterstream/common';
import { freePort } from '@meterstream/test-support';
import { describe, expect, it } from 'vitest';
import { EndpointUnreachableError } from '../src/preflight/endpoint-unreachable.js';
import { checkEndpoints } from '../src/preflight/check-endpoints.js';
import { parseHostPort, urlAddress } from '../src/preflight/tcp-probe.js';

/** A TCP server on a free loopback port that accepts and closes connections. */
async function listening(): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('checkEndpoints', () => {
  it('passes when one of several brokers answers, and skips a registry switched off', async () => {
    const up = await listening();
    try {
      const config = loadConfig(
        {
          'kafka-brokers': `127.0.0.1:${await freePort()},127.0.0.1:${up.port}`,
          'schema-registry-url': 'none',
        },
        {},
      );
      await expect(checkEndpoints(config, ['kafka', 'schemaRegistry'], 2000)).resolves.toBeUndefined();
    } finally {
      await up.close();
    }
  });

  it('fails on the first endpoint in order that answers on no address, naming every address tried', async () => {
    const [a, b, redis] = [await freePort(), await freePort(), await freePort()];
    const config = loadConfig(
      { 'kafka-brokers': `127.0.0.1:${a},127.0.0.1:${b}`, 'redis-url': `redis://127.0.0.1:${redis}` },
      {},
    );
    const error = await checkEndpoints(config, ['kafka', 'redis'], 2000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EndpointUnreachableError);
    expect((error as EndpointUnreachableError).kind).toBe('kafka');
    expect((error as Error).message).toBe(
      `cannot reach Kafka at 127.0.0.1:${a}, 127.0.0.1:${b} (connection refused); point --kafka-brokers or ` +
        'METERSTREAM_KAFKA_BROKERS at it, or start the local stack with `meterstream up`',
    );
  });

  it('reads addresses as the clients do: default ports per scheme, bracketed IPv6', () => {
    expect(parseHostPort('cassandra.local', 9042)).toEqual({ host: 'cassandra.local', port: 9042 });
    expect(parseHostPort('10.0.0.1:19042', 9042)).toEqual({ host: '10.0.0.1', port: 19042 });
    expect(parseHostPort('[::1]:9092', 9092)).toEqual({ host: '::1', port: 9092 });
    expect(urlAddress('https://registry.example')).toEqual({ host: 'registry.example', port: 443 });
    expect(urlAddress('redis://127.0.0.1')).toEqual({ host: '127.0.0.1', port: 6379 });
    expect(urlAddress('http://[::1]:8081')).toEqual({ host: '::1', port: 8081 });
  });
});
