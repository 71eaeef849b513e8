import { mkdirSync } from 'node:fs';
import S3rver from 's3rver';

export interface S3ServerOptions {
  /** 0 picks a free port. */
  port: number;
  /** Objects are kept as files under this directory, so they survive a restart. */
  dataDir: string;
  /** Created at start when missing (an existing bucket and its objects are kept). */
  bucket: string;
  /** Defaults to 127.0.0.1. */
  host?: string;
}

export interface RunningS3Server {
  /** e.g. `http://127.0.0.1:41234`, for `--s3-endpoint`. */
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

/**
 * The embedded S3-compatible server of the local stack (s3rver, filesystem-backed). It accepts any
 * credentials whose secret matches the access key id `S3RVER`/`S3RVER` (the config defaults), and
 * serves path-style URLs, which is how `createS3Client` talks to it.
 */
export async function startS3Server(options: S3ServerOptions): Promise<RunningS3Server> {
  mkdirSync(options.dataDir, { recursive: true });
  const host = options.host ?? '127.0.0.1';
  const server = new S3rver({
    address: host,
    port: options.port,
    silent: true,
    directory: options.dataDir,
    // Path-style only: virtual-host parsing would treat `127.0.0.1` as `<bucket>.<endpoint>`.
    vhostBuckets: false,
    configureBuckets: [{ name: options.bucket, configs: [] }],
  });
  const address = await server.run();
  let closed = false;
  return {
    endpoint: `http://${host}:${address.port}`,
    port: address.port,
    async close() {
      if (closed) return;
      closed = true;
      await server.close();
    },
  };
}
