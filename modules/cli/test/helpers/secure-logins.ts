import { Agent as HttpsAgent } from 'node:https';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import cassandra from 'cassandra-driver';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { httpsGet } from './https-probes.js';

/**
 * One login per server of a secured stack with a real client, as a user with a password: 'ok'
 * when the server accepted it and answered a request, else the client's error message (the
 * protocol's own refusal). `env` is the stack's exported METERSTREAM_* environment.
 */
export interface StackLogin {
  env: Record<string, string>;
  /** PEM of the stack's CA. */
  ca: string;
}

const outcome = (run: () => Promise<unknown>): Promise<string> =>
  run().then(
    () => 'ok',
    (error: Error) => `${error.name}: ${error.message}`,
  );

export function kafkaLogin(stack: StackLogin, username: string, password: string): Promise<string> {
  const admin = new Kafka({
    brokers: stack.env.METERSTREAM_KAFKA_BROKERS!.split(','),
    clientId: 'login-check',
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
    ssl: { ca: [stack.ca], rejectUnauthorized: true },
    sasl: { mechanism: 'scram-sha-512', username, password },
  }).admin();
  return outcome(async () => {
    try {
      await admin.connect();
      await admin.listTopics();
    } finally {
      await admin.disconnect();
    }
  });
}

export function cqlLogin(stack: StackLogin, username: string, password: string): Promise<string> {
  const client = new cassandra.Client({
    contactPoints: [stack.env.METERSTREAM_CASSANDRA_CONTACT_POINTS!],
    localDataCenter: 'datacenter1',
    sslOptions: { ca: [stack.ca], rejectUnauthorized: true },
    authProvider: new cassandra.auth.PlainTextAuthProvider(username, password),
  });
  return outcome(async () => {
    try {
      await client.execute('SELECT release_version FROM system.local');
    } finally {
      await client.shutdown();
    }
  });
}

/** Basic auth over HTTPS trusting the stack CA (the secured stack's registry is https://). */
export function registryLogin(stack: StackLogin, username: string, password: string): Promise<string> {
  return outcome(async () => {
    const answer = await httpsGet(`${stack.env.METERSTREAM_SCHEMA_REGISTRY_URL}/subjects`, stack.ca, [
      username,
      password,
    ]);
    if (answer.status !== 200) throw new Error(`HTTP ${answer.status}`);
  });
}

export function s3Login(stack: StackLogin, username: string, password: string): Promise<string> {
  const s3 = new S3Client({
    endpoint: stack.env.METERSTREAM_S3_ENDPOINT!,
    region: 'us-east-1',
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: { accessKeyId: username, secretAccessKey: password },
    // the secured stack's S3 is HTTPS with its own CA
    requestHandler: { httpsAgent: new HttpsAgent({ ca: [stack.ca] }) },
  });
  return outcome(async () => {
    try {
      await s3.send(new ListObjectsV2Command({ Bucket: stack.env.METERSTREAM_S3_BUCKET! }));
    } finally {
      s3.destroy();
    }
  });
}

/** ioredis over TLS (the stack's Redis is rediss://); a refused AUTH comes as an 'error' event too. */
export function redisLogin(stack: StackLogin, username: string, password: string): Promise<string> {
  const redis = new Redis(stack.env.METERSTREAM_REDIS_URL!, {
    username,
    password,
    tls: { ca: [stack.ca] },
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  const events: string[] = [];
  redis.on('error', (error: Error) => events.push(error.message));
  return outcome(async () => {
    try {
      await redis.connect();
      await redis.ping();
    } catch (error) {
      throw new Error([(error as Error).message, ...events].join(' | '));
    } finally {
      redis.disconnect();
    }
  });
}
