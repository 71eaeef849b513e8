import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CONFIG_OPTIONS, loadConfig } from '../src/index.js';

interface Service {
  image?: string;
  ports?: string[];
  healthcheck?: { test: unknown };
  environment?: Record<string, unknown>;
}

const root = new URL('../../../', import.meta.url);
const compose = parse(readFileSync(new URL('docker/docker-compose.yml', root), 'utf8')) as {
  services: Record<string, Service>;
};
const envExample = Object.fromEntries(
  readFileSync(new URL('docker/.env.example', root), 'utf8')
    .split('\n')
    .filter((line) => /^[A-Z0-9_]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
);

function publishedPorts(service: string): number[] {
  return (compose.services[service]?.ports ?? []).map((mapping) => Number(mapping.split(':')[0]));
}

function portOf(hostPort: string): number {
  return Number(new URL(hostPort.includes('://') ? hostPort : `tcp://${hostPort}`).port);
}

describe('docker/docker-compose.yml', () => {
  // Every endpoint the config loader knows, with the compose service that must serve it.
  const config = loadConfig({}, envExample);
  const expected: [string, number][] = [
    ['kafka', portOf(config.kafka.brokers[0]!)],
    ['schema-registry', portOf(config.schemaRegistryUrl!)],
    ['cassandra', portOf(config.cassandra.contactPoints[0]!)],
    ['redis', portOf(config.redisUrl)],
    ['minio', portOf(config.s3.endpoint!)],
    ['ksqldb-server', portOf(envExample.METERSTREAM_KSQLDB_URL!)],
  ];

  it.each(expected)('has service %s publishing port %i', (service, port) => {
    expect(compose.services[service], `service ${service}`).toBeDefined();
    expect(publishedPorts(service)).toContain(port);
  });

  it('pins every image version and gives every long-running service a healthcheck', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      expect(service.image, name).toMatch(/:[^:]+$/);
      expect(service.image, name).not.toMatch(/:latest$/);
      if (!['ksqldb-cli', 'minio-init'].includes(name)) expect(service.healthcheck, name).toBeDefined();
    }
  });

  it('runs Kafka in KRaft mode with 4 partitions by default and no time-based deletion', () => {
    const env = compose.services.kafka!.environment!;
    expect(String(env.KAFKA_PROCESS_ROLES)).toContain('controller');
    expect(Number(env.KAFKA_NUM_PARTITIONS)).toBe(4);
    expect(Number(env.KAFKA_LOG_RETENTION_MS)).toBe(-1);
  });

  it('.env.example sets every METERSTREAM_ variable the config loader reads', () => {
    for (const spec of Object.values(CONFIG_OPTIONS)) {
      const local = [
        'METERSTREAM_DATA_DIR',
        'METERSTREAM_LOG_LEVEL',
        'METERSTREAM_LOG_FORMAT',
        'METERSTREAM_KAFKA_CLIENT_ID',
        // which user of a local `up --secure` stack's credentials a process acts as
        'METERSTREAM_ROLE',
      ];
      if (local.includes(spec.env)) continue;
      expect(envExample, spec.env).toHaveProperty(spec.env);
    }
    // MinIO credentials in the compose file are the ones the example gives the S3 client.
    expect(config.s3.accessKeyId).toBe(envExample.MINIO_ROOT_USER);
  });
});
