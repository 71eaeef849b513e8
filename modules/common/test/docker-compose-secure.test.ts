import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/index.js';

/**
 * docker/docker-compose.secure.yml cannot run here (no Docker engine): this checks what can be
 * checked without one — it parses, it secures each service the way README "Security" says, every
 * variable it interpolates is in .env.secure.example, every file it mounts is written by
 * secure/generate.sh, and the example env logs a meterstream process in everywhere.
 */
interface Service {
  image?: string;
  ports?: string[];
  environment?: Record<string, unknown>;
  entrypoint?: unknown;
  command?: unknown;
  volumes?: string[];
  healthcheck?: { test: unknown };
}

const root = new URL('../../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const overrideText = read('docker/docker-compose.secure.yml');
const base = parse(read('docker/docker-compose.yml')) as { services: Record<string, Service> };
const override = parse(overrideText) as { services: Record<string, Service> };
const generator = read('docker/secure/generate.sh');
const envSecure = Object.fromEntries(
  read('docker/.env.secure.example')
    .split('\n')
    .filter((line) => /^[A-Z0-9_]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
);

/** compose's merge of the override onto the base: environment maps merged, other keys replaced. */
function merged(name: string): Service {
  const a = base.services[name] ?? {};
  const b = override.services[name] ?? {};
  return { ...a, ...b, environment: { ...a.environment, ...b.environment } };
}
const env = (name: string) => merged(name).environment as Record<string, string>;

describe('docker/docker-compose.secure.yml (shape only: untested against the real images)', () => {
  it('only overrides services of the base file, or adds init services with pinned images', () => {
    for (const [name, service] of Object.entries(override.services)) {
      if (base.services[name]) continue;
      expect(name).toMatch(/-init$/);
      expect(service.image, name).toMatch(/:[\w.-]+$/);
    }
  });

  it('Kafka: SASL_SSL on the published port, SASL between containers, ACLs with admin the super user', () => {
    const kafka = env('kafka');
    expect(kafka.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP).toContain('EXTERNAL:SASL_SSL');
    expect(kafka.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP).toContain('INTERNAL:SASL_PLAINTEXT');
    expect(kafka.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP).not.toMatch(/(INTERNAL|EXTERNAL):PLAINTEXT/);
    expect(kafka.KAFKA_ADVERTISED_LISTENERS).toContain('EXTERNAL://localhost:9092');
    expect(kafka.KAFKA_SASL_ENABLED_MECHANISMS).toContain('SCRAM-SHA-512');
    expect(kafka.KAFKA_AUTHORIZER_CLASS_NAME).toMatch(/StandardAuthorizer$/);
    expect(kafka.KAFKA_SUPER_USERS).toContain('User:admin');
    expect(kafka.KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND).toBe('false');
    expect(JSON.stringify(merged('kafka').healthcheck)).toContain('--command-config');
  });

  it('Schema Registry and ksqlDB: Basic auth, and their own Kafka clients log in', () => {
    const registry = env('schema-registry');
    expect(registry.SCHEMA_REGISTRY_AUTHENTICATION_METHOD).toBe('BASIC');
    expect(registry.SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS).toMatch(/^SASL_PLAINTEXT:\/\//);
    expect(registry.SCHEMA_REGISTRY_OPTS).toContain('schema-registry.jaas');
    const ksql = env('ksqldb-server');
    expect(ksql.KSQL_AUTHENTICATION_METHOD).toBe('BASIC');
    expect(ksql.KSQL_SECURITY_PROTOCOL).toBe('SASL_PLAINTEXT');
    expect(ksql.KSQL_KSQL_SCHEMA_REGISTRY_BASIC_AUTH_CREDENTIALS_SOURCE).toBe('USER_INFO');
  });

  it('Cassandra: PasswordAuthenticator and CassandraAuthorizer; Redis: default user off', () => {
    expect(JSON.stringify(merged('cassandra').entrypoint)).toContain('authenticator: PasswordAuthenticator');
    expect(JSON.stringify(merged('cassandra').entrypoint)).toContain('authorizer: CassandraAuthorizer');
    expect(generator).toContain('ALTER ROLE cassandra WITH PASSWORD');
    expect(JSON.stringify(merged('redis').command)).toContain('redis.conf');
    expect(generator).toContain('user default off');
  });

  it('Redis: TLS only on the published port, the certificate naming `redis`, a TLS healthcheck', () => {
    // redis.conf as generate.sh writes it (a heredoc): the directives of redisTlsArgs
    const conf = generator.slice(generator.indexOf('cat >"$OUT/redis.conf"'));
    const directives = conf.slice(0, conf.indexOf('\nEOF')).split('\n').slice(1);
    expect(directives).toContain('port 0');
    expect(directives).toContain('tls-port 6379');
    expect(directives).toContain('tls-auth-clients no');
    const mounted = merged('redis').volumes ?? [];
    for (const key of ['tls-cert-file', 'tls-key-file', 'tls-ca-cert-file']) {
      const path = directives.find((d) => d.startsWith(`${key} `))?.split(' ')[1];
      expect(path, key).toBeDefined();
      expect(
        mounted.some((v) => v.endsWith(`:${path}:ro`)),
        `${key} ${path} is mounted`,
      ).toBe(true);
    }
    expect(base.services.redis?.ports).toContain('6379:6379');
    expect(generator).toMatch(/subjectAltName=.*DNS:redis\b/);
    const health = JSON.stringify(merged('redis').healthcheck);
    expect(health).toContain('--tls');
    expect(health).toContain('--cacert /usr/local/etc/redis/secrets/ca.crt');
  });

  it('every variable it interpolates is in .env.secure.example', () => {
    const used = [...overrideText.matchAll(/(?<!\$)\$\{([A-Z0-9_]+)\}/g)].map((m) => m[1]!);
    expect(used.length).toBeGreaterThan(0);
    for (const name of used) expect(envSecure, name).toHaveProperty(name);
  });

  it('every file mounted from secure/generated is written by generate.sh, which bash accepts', () => {
    const mentioned = [...overrideText.matchAll(/\/(?:etc\/[\w-]+\/secrets|secrets)\/([\w.-]+)/g)].map(
      (m) => m[1]!,
    );
    expect(mentioned.length).toBeGreaterThan(0);
    for (const file of new Set(mentioned)) expect(generator, file).toContain(`$OUT/${file}`);
    const syntax = spawnSync('bash', ['-n', fileURLToPath(new URL('docker/secure/generate.sh', root))]);
    expect(syntax.status, syntax.stderr.toString()).toBe(0);
  });

  it('.env.secure.example logs a meterstream process in on every endpoint', () => {
    const config = loadConfig({}, envSecure);
    expect(config.kafka.sasl).toMatchObject({ mechanism: 'scram-sha-512', username: 'meterstream' });
    expect(config.kafka.tlsCaFile).toBe('docker/secure/generated/ca.crt');
    expect(config.schemaRegistryAuth?.username).toBe('meterstream');
    expect(config.cassandra.credentials?.username).toBe('meterstream');
    expect(config.redisUrl).toBe('rediss://localhost:6379');
    expect(config.redisAuth).toMatchObject({
      username: 'meterstream',
      tlsCaFile: 'docker/secure/generated/ca.crt',
    });
    expect(config.s3.accessKeyId).toBe('meterstream');
    expect(envSecure.MINIO_ROOT_USER).not.toBe(config.s3.accessKeyId);
  });
});
