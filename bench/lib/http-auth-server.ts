import { join } from 'node:path';
import { startSchemaRegistry } from '@meterstream/broker';
import { startS3Server } from '@meterstream/s3-server';
import { loadSecurityBundle, serveMetrics, tlsServerOptions } from '@meterstream/security';
import pino from 'pino';

/**
 * One secured HTTP server of the stack in a process of its own, for
 * bench/http-auth-failed-logins.ts: `registry`, `s3` or `metrics`, HTTPS with the bundle of
 * `dataDir` and its users (S3: one key pair). Prints `{"url": …}` once listening and runs until
 * killed, so the bench can read this process's CPU apart from the clients'.
 */
const [kind, dataDir] = process.argv.slice(2) as [string, string];
/** The S3 key pair, from the bench (an environment variable keeps it off the command line). */
const s3Key = JSON.parse(process.env.BENCH_S3_KEY ?? 'null') as {
  accessKeyId: string;
  secretAccessKey: string;
} | null;

async function main(): Promise<void> {
  const bundle = await loadSecurityBundle(dataDir);
  const tls = tlsServerOptions(bundle);
  const logger = pino({ level: 'warn' });
  let url: string;
  if (kind === 'registry') {
    const registry = await startSchemaRegistry({
      port: 0,
      dataDir: join(dataDir, 'registry'),
      users: bundle.users,
      tls,
      logger,
    });
    url = registry.url;
  } else if (kind === 's3') {
    const s3 = await startS3Server({
      port: 0,
      dataDir: join(dataDir, 's3'),
      buckets: ['bench'],
      keys: s3Key ? [s3Key] : [],
      tls,
      fsync: false,
      logger,
    });
    url = s3.endpoint;
  } else if (kind === 'metrics') {
    // A fixed body of a typical app's size (~60 series): the bench measures the guard and the transport.
    const text = Array.from(
      { length: 60 },
      (_, i) => `# TYPE bench_series_${i} counter\nbench_series_${i}{app="bench"} ${i * 1000}`,
    ).join('\n');
    const endpoint = await serveMetrics(
      { metrics: async () => text, contentType: 'text/plain; version=0.0.4' },
      0,
      { users: bundle.users, tls },
    );
    url = `https://localhost:${endpoint.port}`;
  } else {
    throw new Error(`unknown server ${kind}: registry, s3 or metrics`);
  }
  console.log(JSON.stringify({ url }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
